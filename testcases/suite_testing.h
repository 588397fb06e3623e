// Test support shared by the suite's tests: where the YAML and the reference
// SUT are in the runfiles, and how to explain a result in a failure message.
#ifndef MCXTEST_TESTCASES_SUITE_TESTING_H_
#define MCXTEST_TESTCASES_SUITE_TESTING_H_

#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"

#include "harness/engine/engine.h"
#include "harness/scenario/scenario.h"

namespace mcx::testcases {

// testcases/ in the test's runfiles.
std::string SuiteDir();

// The whole suite, loaded once; a load error is in *error and the list is empty.
const std::vector<scenario::Scenario>& Suite(std::string* error = nullptr);

// `reference_sut`, or `reference_sut --defect NAME`.
std::string ReferenceSutCommand(const std::string& defect = "");

engine::EngineOptions SuiteEngineOptions(const std::string& sut_command, int jobs);

// The verdict, the summary, every failed check and the SUT's stderr tail.
std::string Explain(const engine::TestCaseResult& result);

// report.json of a run, with what varies from run to run replaced by fixed
// text: the start time, durations, versions, the SUT's path, each case's
// source path (made relative to `suite_dir`), and the message octets that
// come from a random number generator (ECCSI signatures, RANDs of the
// reference SUT, key-parameter IVs and so their ciphertexts; the raw
// wire_b64 holds them all). Everything else, checks and decoded fields
// included, is kept. Pretty-printed with two-space indentation.
Result<std::string> NormalizedReport(std::string_view report_json, std::string_view suite_dir);

// A gtest-safe name for a case or defect ("UE-010" -> "UE_010").
std::string TestName(const std::string& id);

}  // namespace mcx::testcases

#endif  // MCXTEST_TESTCASES_SUITE_TESTING_H_
