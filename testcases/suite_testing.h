// Test support shared by the suite's tests: where the YAML and the reference
// SUT are in the runfiles, and how to explain a result in a failure message.
#ifndef MCXTEST_TESTCASES_SUITE_TESTING_H_
#define MCXTEST_TESTCASES_SUITE_TESTING_H_

#include <string>
#include <vector>

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

// A gtest-safe name for a case or defect ("UE-010" -> "UE_010").
std::string TestName(const std::string& id);

}  // namespace mcx::testcases

#endif  // MCXTEST_TESTCASES_SUITE_TESTING_H_
