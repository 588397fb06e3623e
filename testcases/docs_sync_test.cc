// docs/testcases.md and docs/checks.md are generated: this fails when the
// checked-in copies differ from what the YAML, the check catalogue and the
// defect list produce now.
#include <gtest/gtest.h>

#include "testcases/docgen.h"
#include "testcases/suite_testing.h"
#include "testdata/testdata.h"

namespace mcx::testcases {
namespace {

constexpr char kHowToFix[] = "run bazel run //testcases:docgen -- --write";

TEST(DocsSyncTest, TestcasesDocIsUpToDate) {
  std::string error;
  const auto& cases = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  std::string checked_in = mcx::testing::ReadFileOrDie(mcx::testing::RunfilePath("docs/testcases.md"));
  std::string diff = FirstDifference(checked_in, RenderTestcasesDoc(cases, SuiteDir()));
  EXPECT_TRUE(diff.empty()) << "docs/testcases.md is out of date (" << kHowToFix << ")\n" << diff;
}

TEST(DocsSyncTest, ChecksDocIsUpToDate) {
  std::string error;
  const auto& cases = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  std::string checked_in = mcx::testing::ReadFileOrDie(mcx::testing::RunfilePath("docs/checks.md"));
  std::string diff = FirstDifference(checked_in, RenderChecksDoc(cases));
  EXPECT_TRUE(diff.empty()) << "docs/checks.md is out of date (" << kHowToFix << ")\n" << diff;
}

TEST(DocsSyncTest, FirstDifferenceNamesTheLine) {
  EXPECT_EQ(FirstDifference("a\nb\n", "a\nb\n"), "");
  EXPECT_NE(FirstDifference("a\nb\n", "a\nc\n").find("line 2"), std::string::npos);
  EXPECT_NE(FirstDifference("a\n", "a\nb\n").find("line 2"), std::string::npos);
  EXPECT_NE(FirstDifference("a\nb\n", "a\n").find("extra"), std::string::npos);
  EXPECT_FALSE(FirstDifference("a\n", "a").empty());
}

}  // namespace
}  // namespace mcx::testcases
