// `mcxtest run --jobs N` runs cases at once but reports them as a
// one-at-a-time run does: the same report.json (normalised: times, random
// octets) and the same console output apart from durations.
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing/cli_runner.h"
#include "testcases/suite_testing.h"
#include "testdata/testdata.h"

namespace mcx::testcases {
namespace {

struct RunOutput {
  int exit_code;
  std::string console;  // durations replaced by "T"
  std::string report;   // normalised report.json
};

RunOutput RunWithJobs(int jobs) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/report";
  std::filesystem::remove_all(dir);
  // Every role, passing and negative cases; more cases than workers.
  std::vector<std::string> args = {"run",
                                   "--sut",
                                   ReferenceSutCommand(),
                                   "--jobs",
                                   std::to_string(jobs),
                                   "--report-dir",
                                   dir,
                                   SuiteDir() + "/partner-gms",
                                   SuiteDir() + "/primary-gms/pgms-001-multi-domain-small.yaml",
                                   SuiteDir() + "/ue/ue-001-valid-own-gms.yaml",
                                   SuiteDir() + "/ue/ue-010-bad-signature.yaml",
                                   SuiteDir() + "/ue/ue-027-trailing-bytes.yaml"};
  mcx::testing::CliOutput out = mcx::testing::RunMcxtest(args);
  RunOutput r;
  r.exit_code = out.exit_code;
  r.console = std::regex_replace(out.out, std::regex(R"([0-9]+(\.[0-9]+)? s\b)"), "T s");
  auto normalized = NormalizedReport(mcx::testing::ReadFileOrDie(dir + "/report.json"), SuiteDir());
  EXPECT_TRUE(normalized.ok()) << normalized.error().ToString();
  if (normalized.ok()) r.report = *normalized;
  return r;
}

TEST(JobsTest, ParallelRunReportsAsASequentialOne) {
  RunOutput one = RunWithJobs(1);
  RunOutput two = RunWithJobs(2);
  EXPECT_EQ(one.exit_code, 0) << one.console;
  EXPECT_EQ(two.exit_code, one.exit_code);
  EXPECT_EQ(two.console, one.console);
  EXPECT_EQ(two.report, one.report);
  // It did run something worth comparing.
  EXPECT_NE(one.report.find("PART-003"), std::string::npos);
  EXPECT_NE(one.report.find("UE-027"), std::string::npos);
}

}  // namespace
}  // namespace mcx::testcases
