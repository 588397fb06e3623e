#include "harness/report/text.h"

#include <limits>

#include <gtest/gtest.h>

#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using checks::CheckStatus;
using testing::Check;
using testing::kNasty;

bool HasRawControl(const std::string& text, bool allow_newline) {
  for (unsigned char ch : text) {
    if ((ch < 0x20 && !(allow_newline && ch == '\n')) || ch == 0x7f) return true;
  }
  return false;
}

TEST(Utf8Test, SanitizeKeepsValidTextAndEscapesInvalidOctets) {
  EXPECT_EQ(SanitizeUtf8("\xc3\xa9t\xc3\xa9 <&> \x01"), "\xc3\xa9t\xc3\xa9 <&> \x01");
  EXPECT_EQ(SanitizeUtf8("a\xff" "b\xc0\xaf"), "a\\xffb\\xc0\\xaf");
  EXPECT_EQ(SanitizeUtf8(std::string("\0x", 2)), std::string("\0x", 2));
}

TEST(PrintableTextTest, EscapesEverythingATerminalWouldInterpret) {
  std::string out = PrintableText(kNasty);
  EXPECT_FALSE(HasRawControl(out, false)) << out;
  EXPECT_NE(out.find("\\x1b[31mred"), std::string::npos) << out;
  EXPECT_NE(out.find("\\x00end"), std::string::npos) << out;
  EXPECT_NE(out.find("\\u009b"), std::string::npos) << out;  // C1 CSI
  EXPECT_NE(out.find("\\u202e"), std::string::npos) << out;  // right-to-left override
  EXPECT_EQ(out.find("\xe2\x80\xae"), std::string::npos);
  EXPECT_NE(out.find("\\xff\\xfe"), std::string::npos) << out;
  EXPECT_NE(out.find("\xc3\xa9t\xc3\xa9 \xe2\x82\xac"), std::string::npos) << out;  // é and € kept
  EXPECT_EQ(PrintableText("a\nb"), "a\\x0ab");
  EXPECT_EQ(PrintableText("a\nb", true), "a\nb");
}

TEST(SecondsTest, NonsenseDurationsCountAsZero) {
  EXPECT_EQ(FormatSeconds(0.4249, 2), "0.42");
  EXPECT_EQ(FormatSeconds(-3, 3), "0.000");
  EXPECT_EQ(FormatSeconds(std::numeric_limits<double>::quiet_NaN(), 1), "0.0");
  EXPECT_EQ(FormatSeconds(std::numeric_limits<double>::infinity(), 1), "0.0");
}

TEST(CountsTest, CountsPerVerdictAndRole) {
  RunCounts counts = CountCases(testing::SampleRun().cases);
  EXPECT_EQ(counts.all.total(), 4);
  EXPECT_EQ(counts.all.passed, 1);
  EXPECT_EQ(counts.all.failed, 1);
  EXPECT_EQ(counts.all.skipped, 1);
  EXPECT_EQ(counts.all.error, 1);
  ASSERT_EQ(counts.by_role.size(), 3u);
  EXPECT_EQ(counts.by_role["ue"].total(), 2);
  EXPECT_EQ(counts.by_role["ue"].error, 1);
  EXPECT_EQ(counts.by_role["primary-gms"].failed, 1);
}

TEST(GroupSutFailuresTest, FollowsTheVerdictRuleOfTheEngine) {
  engine::TestCaseResult c = testing::FailingCase();
  auto groups = GroupSutFailures(c, checks::Requirement::kMust);
  std::vector<std::string> ids;
  for (const auto& g : groups) ids.push_back(g.id);
  // Same IDs, same order as the engine's verdict; the harness's mutated
  // message (RAND.LENGTH) is not held against the SUT.
  EXPECT_EQ(ids, c.FailedCheckIds());
  EXPECT_EQ(ids, (std::vector<std::string>{"SIGN.VALID", "FLOW.SAME_GMK"}));
  EXPECT_EQ(groups[0].examples[0].where, "step 14, sip:gms-a@example.org -> sip:bob/../x@example.org");
  EXPECT_EQ(groups[1].examples[0].where, "flow");
  EXPECT_TRUE(GroupSutFailures(c, checks::Requirement::kShould).empty());
}

TEST(GroupSutFailuresTest, ThousandsOfFailuresKeepAFewExamplesAndTheCount) {
  engine::TestCaseResult c;
  for (int i = 0; i < 5000; ++i) {
    engine::MessageRecord m;
    m.step = 14;
    m.to = "sip:member" + std::to_string(i) + "@example.org";
    m.produced_by = "sut";
    m.checks = {Check("SIGN.VALID", CheckStatus::kFail, "bad signature")};
    c.messages.push_back(m);
  }
  auto groups = GroupSutFailures(c, checks::Requirement::kMust, 3);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 5000u);
  ASSERT_EQ(groups[0].examples.size(), 3u);
  EXPECT_NE(groups[0].examples[2].where.find("sip:member2@"), std::string::npos);
  std::string text = DescribeFailures(c, "  ");
  EXPECT_NE(text.find("failed 5000 times"), std::string::npos) << text;
  EXPECT_NE(text.find("... and 4997 more"), std::string::npos) << text;
  EXPECT_LT(text.size(), 1000u);
}

TEST(DescribeTest, FailuresCarryClauseDetailExpectedAndActual) {
  std::string text = DescribeFailures(testing::FailingCase(), "> ");
  EXPECT_FALSE(HasRawControl(text, true)) << text;
  EXPECT_NE(text.find("> SIGN.VALID [MUST, RFC 6507 5.2.2; RFC 6509 4.3]\n"), std::string::npos) << text;
  EXPECT_NE(text.find(">     expected: valid\n>     actual:   invalid\n"), std::string::npos) << text;
  EXPECT_NE(text.find("> FLOW.SAME_GMK [MUST, TS 33.180 7.3.3.3 steps 11, 14]"), std::string::npos) << text;
  EXPECT_NE(text.find("expected: GMK-ID 0x0a0b0c0d <&>"), std::string::npos) << text;
  EXPECT_NE(text.find("actual:   GMK-ID 0x01020304 \\xff"), std::string::npos) << text;
  EXPECT_EQ(text.find("RAND.LENGTH"), std::string::npos) << text;
  // Every line carries the indent.
  for (size_t pos = 0; pos < text.size(); pos = text.find('\n', pos) + 1) EXPECT_EQ(text.compare(pos, 2, "> "), 0);

  std::string warnings = DescribeFailures(testing::PassingCase(), "");
  EXPECT_NE(warnings.find("warnings (SHOULD checks failed):"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("T.WINDOW [SHOULD"), std::string::npos) << warnings;
}

TEST(DescribeTest, ChecksLeftUnevaluatedFollowTheFailuresNamingTheirBlocker) {
  std::string text = DescribeFailures(testing::FailingCase(), "> ");
  EXPECT_NE(text.find("> not evaluated: SIGN.TRUST (IDR.KMS failed)\n"), std::string::npos) << text;
  // Not a failure group of its own.
  EXPECT_EQ(text.find("> SIGN.TRUST ["), std::string::npos) << text;
  EXPECT_EQ(DescribeFailures(testing::PassingCase(), "").find("not evaluated"), std::string::npos);
}

TEST(DescribeTest, SutEndShowsExitAndStderrTail) {
  std::string text = DescribeSutEnd(testing::ErrorCase(), "");
  EXPECT_NE(text.find("SUT exit: killed by signal 11 (SIGSEGV)\n"), std::string::npos) << text;
  EXPECT_NE(text.find("SUT stderr (last 3 lines):\n  | Segmentation fault at 0x0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  | \\x1b]0;pwned\\x07\n"), std::string::npos) << text;
  EXPECT_FALSE(HasRawControl(text, true)) << text;
  EXPECT_EQ(DescribeSutEnd(testing::SkippedCase(), ""), "");
}

}  // namespace
}  // namespace mcx::report
