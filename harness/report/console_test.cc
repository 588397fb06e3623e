#include "harness/report/console.h"

#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using engine::Verdict;

bool HasRawControl(const std::string& text) {
  for (unsigned char ch : text) {
    if ((ch < 0x20 && ch != '\n') || ch == 0x7f) return true;
  }
  return false;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// The table row that starts with `first`, split into words.
std::vector<std::string> Row(const std::string& table, const std::string& first) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);) {
    auto words = Words(line);
    if (!words.empty() && words[0] == first) return words;
  }
  return {};
}

TEST(CaseLineTest, ShowsCounterVerdictIdTitleAndTime) {
  EXPECT_EQ(CaseLine(testing::PassingCase(), 3, 12),
            "[ 3/12] PASS  UE-ACCEPT-001  UE accepts a valid step-14 GKTP (0.42 s)\n");
  EXPECT_EQ(CaseLine(testing::SkippedCase()), "SKIP  PARTNER-001  Partner GMS re-keys its members (0.01 s)\n");
  EXPECT_EQ(CaseLine(testing::ErrorCase(), 120, 120).rfind("[120/120] ERROR UE/REJECT 003 <&>  UE rejects", 0), 0u);
  std::string failing = CaseLine(testing::FailingCase(), 2, 4);
  EXPECT_EQ(failing.rfind("[2/4] FAIL  PGMS-REGROUP-002  Primary GMS", 0), 0u) << failing;
  EXPECT_FALSE(HasRawControl(failing)) << failing;
  EXPECT_EQ(std::count(failing.begin(), failing.end(), '\n'), 1);
  EXPECT_NE(failing.find("\\x1b[31mred"), std::string::npos);
}

// Issue 19.8: colour for a terminal: the label only, SUT text still
// escaped, the same columns as without colour.
TEST(CaseLineTest, ColourWrapsOnlyTheVerdictLabel) {
  EXPECT_EQ(CaseLine(testing::PassingCase(), 3, 12, /*color=*/true),
            "[ 3/12] \x1b[32mPASS\x1b[0m  UE-ACCEPT-001  UE accepts a valid step-14 GKTP (0.42 s)\n");
  std::string failing = CaseLine(testing::FailingCase(), 2, 4, true);
  EXPECT_EQ(failing.rfind("[2/4] \x1b[1;31mFAIL\x1b[0m  PGMS-REGROUP-002", 0), 0u) << failing;
  EXPECT_NE(failing.find("\\x1b[31mred"), std::string::npos) << "the SUT's escapes stay escaped";
  EXPECT_EQ(CaseLine(testing::ErrorCase(), 1, 1, true).rfind("[1/1] \x1b[31mERROR\x1b[0m UE/REJECT", 0), 0u);
  EXPECT_EQ(CaseLine(testing::SkippedCase(), 0, 0, true).rfind("\x1b[33mSKIP\x1b[0m  PARTNER-001", 0), 0u);
  EXPECT_EQ(StyledVerdictLabel(Verdict::kInconclusive, 5, true), "\x1b[35mINCONCLUSIVE\x1b[0m");
  EXPECT_EQ(StyledVerdictLabel(Verdict::kPassed, 5, false), "PASS ");
  EXPECT_EQ(CaseLine(testing::FailingCase(), 2, 4).find('\x1b'), std::string::npos) << "no colour unless asked";
}

TEST(SummaryTableTest, ColourMarksTheResultAndFailingLabels) {
  std::string table = SummaryTable(testing::SampleRun(), /*color=*/true);
  EXPECT_NE(table.find("Result: \x1b[1;31mFAILED\x1b[0m (1 passed"), std::string::npos) << table;
  EXPECT_NE(table.find("  \x1b[1;31mFAIL\x1b[0m   PGMS-REGROUP-002"), std::string::npos) << table;
  engine::RunResult passed;
  passed.cases = {testing::PassingCase()};
  EXPECT_NE(SummaryTable(passed, true).find("Result: \x1b[1;32mPASSED\x1b[0m"), std::string::npos);
  passed.interrupted = true;
  EXPECT_NE(SummaryTable(passed, true).find("Result: \x1b[1;33mINTERRUPTED\x1b[0m"), std::string::npos);
  EXPECT_EQ(SummaryTable(testing::SampleRun()).find("\x1b"), std::string::npos);
}

TEST(CaseDetailsTest, FailureShowsChecksClausesExpectedAndActual) {
  std::string details = CaseDetails(testing::FailingCase());
  EXPECT_FALSE(HasRawControl(details)) << details;
  EXPECT_NE(details.find("2 MUST checks failed: <&\"'>"), std::string::npos) << details;
  EXPECT_NE(details.find("SIGN.VALID [MUST, RFC 6507 5.2.2; RFC 6509 4.3]"), std::string::npos) << details;
  EXPECT_NE(details.find("step 14, sip:gms-a@example.org -> sip:bob/../x@example.org: signature does not verify"),
            std::string::npos)
      << details;
  EXPECT_NE(details.find("expected: valid\n"), std::string::npos) << details;
  EXPECT_NE(details.find("actual:   invalid\n"), std::string::npos) << details;
  EXPECT_NE(details.find("FLOW.SAME_GMK [MUST, TS 33.180 7.3.3.3 steps 11, 14]"), std::string::npos) << details;
  EXPECT_NE(details.find("warning: clock skew"), std::string::npos) << details;
  EXPECT_EQ(details.find("RAND.LENGTH"), std::string::npos) << details;
  EXPECT_NE(details.find("not evaluated: SIGN.TRUST (IDR.KMS failed)"), std::string::npos) << details;
}

TEST(CaseDetailsTest, ErrorShowsExitStderrAndFailedChecks) {
  std::string details = CaseDetails(testing::ErrorCase());
  EXPECT_FALSE(HasRawControl(details)) << details;
  EXPECT_NE(details.find("the SUT crashed while handling deliver-gktp"), std::string::npos) << details;
  EXPECT_NE(details.find("SUT exit: killed by signal 11 (SIGSEGV)"), std::string::npos) << details;
  EXPECT_NE(details.find("| Segmentation fault at 0x0"), std::string::npos) << details;
  EXPECT_NE(details.find("| \\x1b]0;pwned\\x07"), std::string::npos) << details;
  EXPECT_NE(details.find("SUT.RESPONSE [MUST, mcxtest shim protocol]"), std::string::npos) << details;
}

TEST(CaseDetailsTest, SkipShowsTheReasonAndACleanPassNothing) {
  EXPECT_EQ(CaseDetails(testing::SkippedCase()), "        the SUT does not implement partner-gms (unimplemented)\n");
  std::string warnings = CaseDetails(testing::PassingCase());
  EXPECT_NE(warnings.find("T.WINDOW [SHOULD"), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("accepted the GKTP"), std::string::npos) << "a pass needs no summary";
  engine::TestCaseResult clean = testing::PassingCase();
  clean.messages.pop_back();
  EXPECT_EQ(CaseDetails(clean), "");
}

TEST(SummaryTableTest, CountsPerRoleAndVerdictAndListsFailingCases) {
  std::string table = SummaryTable(testing::SampleRun());
  EXPECT_FALSE(HasRawControl(table)) << table;
  EXPECT_EQ(Row(table, "role"), (std::vector<std::string>{"role", "passed", "failed", "skipped", "error", "total"}));
  EXPECT_EQ(Row(table, "primary-gms"), (std::vector<std::string>{"primary-gms", "0", "1", "0", "0", "1"}));
  EXPECT_EQ(Row(table, "partner-gms"), (std::vector<std::string>{"partner-gms", "0", "0", "1", "0", "1"}));
  EXPECT_EQ(Row(table, "ue"), (std::vector<std::string>{"ue", "1", "0", "0", "1", "2"}));
  EXPECT_EQ(Row(table, "total"), (std::vector<std::string>{"total", "1", "1", "1", "1", "4"}));
  EXPECT_NE(table.find("Failing cases:\n  FAIL   PGMS-REGROUP-002  [SIGN.VALID, FLOW.SAME_GMK]"), std::string::npos)
      << table;
  EXPECT_NE(table.find("  ERROR  UE/REJECT 003 <&>  [SUT.RESPONSE]  sut-exited: the SUT crashed"), std::string::npos) << table;
  EXPECT_EQ(table.find("PARTNER-001"), std::string::npos) << "skips are not failures";
  EXPECT_EQ(table.find("UE-ACCEPT-001"), std::string::npos);
  EXPECT_NE(table.find("Result: FAILED (1 passed, 1 failed, 1 skipped, 1 error, 4 total)"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("INTERRUPTED"), std::string::npos);
}

TEST(SummaryTableTest, SkipsStillPassAndInterruptionsAreSaid) {
  engine::RunResult run;
  run.cases = {testing::PassingCase(), testing::SkippedCase()};
  std::string table = SummaryTable(run);
  EXPECT_NE(table.find("Result: PASSED (1 passed, 0 failed, 1 skipped, 0 error, 2 total)"), std::string::npos)
      << table;
  EXPECT_EQ(table.find("Failing cases"), std::string::npos);
  run.interrupted = true;
  EXPECT_NE(SummaryTable(run).find("Run INTERRUPTED after 2 case(s)."), std::string::npos);
  EXPECT_EQ(SummaryTable(run).find("PASSED"), std::string::npos) << "an interrupted run never passes";
  EXPECT_NE(SummaryTable(run).find("Result: INTERRUPTED (1 passed, 0 failed, 1 skipped"), std::string::npos);
  EXPECT_NE(SummaryTable(engine::RunResult{}).find("0 total"), std::string::npos);
}

TEST(InconclusiveTest, LineDetailsAndSummaryShowTheFailedControl) {
  engine::TestCaseResult c = testing::InconclusiveCase();
  EXPECT_EQ(CaseLine(c).rfind("INCONCLUSIVE UE-035  UE rejects", 0), 0u) << CaseLine(c);
  std::string details = CaseDetails(c);
  EXPECT_FALSE(HasRawControl(details)) << details;
  EXPECT_NE(details.find("        rejected, but it also rejects the valid message\n"), std::string::npos) << details;
  EXPECT_NE(details.find("control: the SUT rejected the valid twin of the mutated message: rejected: unknown KMS"),
            std::string::npos)
      << details;
  engine::RunResult run;
  run.cases = {testing::PassingCase(), c};
  std::string table = SummaryTable(run);
  EXPECT_EQ(Row(table, "role"),
            (std::vector<std::string>{"role", "passed", "failed", "skipped", "error", "inconclusive", "total"}));
  EXPECT_EQ(Row(table, "ue"), (std::vector<std::string>{"ue", "1", "0", "0", "0", "1", "2"}));
  EXPECT_NE(table.find("Failing cases:\n  INCONCLUSIVE  UE-035"), std::string::npos) << table;
  EXPECT_NE(table.find("Result: FAILED (1 passed, 0 failed, 0 skipped, 0 error, 1 inconclusive, 2 total)"),
            std::string::npos)
      << table;
}

TEST(ProgressBarTest, RendersFillCountAndUnit) {
  EXPECT_EQ(ProgressBar::Render(512, 10000, "members", 10), "[..........] 512/10000 members");
  EXPECT_EQ(ProgressBar::Render(5000, 10000, "members", 10), "[#####.....] 5000/10000 members");
  EXPECT_EQ(ProgressBar::Render(10000, 10000, "members", 10), "[##########] 10000/10000 members");
  EXPECT_EQ(ProgressBar::Render(12, 10, "", 4), "[####] 12/10");
  EXPECT_EQ(ProgressBar::Render(0, 0, "x", 3), "[...] 0/0 x");
}

// A clock the test moves by hand.
struct FakeClock {
  ProgressBar::Clock::time_point now{};
  std::function<ProgressBar::Clock::time_point()> fn() {
    return [this] { return now; };
  }
};

TEST(ProgressBarTest, LiveRedrawsOneLineAtMostEvery100Ms) {
  using namespace std::chrono_literals;
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar("members", 10, out, /*live=*/true, clock.fn());
    bar.Set(1);
    const std::string first = "\r[" + std::string(3, '#') + std::string(27, '.') + "] 1/10 members";
    EXPECT_EQ(out.str(), first);
    bar.Add(1);  // too soon: no redraw
    EXPECT_EQ(out.str(), first);
    clock.now += 150ms;
    bar.Add(1);
    EXPECT_EQ(out.str().substr(out.str().rfind('\r')),
              "\r[" + std::string(9, '#') + std::string(21, '.') + "] 3/10 members");
    bar.Clear();
    EXPECT_EQ(out.str().substr(out.str().size() - 2 - 45), "\r" + std::string(45, ' ') + "\r");
    bar.Set(10);  // completion always draws
    bar.Finish();
    bar.Finish();
  }
  std::string text = out.str();
  EXPECT_EQ(text.substr(text.size() - 48), "\r[" + std::string(30, '#') + "] 10/10 members\n");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST(ProgressBarTest, PlainOutputPrintsAtMostEveryFiveSecondsAndNothingForShortWork) {
  using namespace std::chrono_literals;
  FakeClock clock;
  std::ostringstream quick;
  {
    ProgressBar bar("members", 100, quick, /*live=*/false, clock.fn());
    for (int i = 0; i < 100; ++i) bar.Add();
  }
  EXPECT_EQ(quick.str(), "");

  std::ostringstream slow;
  {
    ProgressBar bar("members", 100, slow, /*live=*/false, clock.fn());
    bar.Add(10);
    clock.now += 5s;
    bar.Add(10);
    clock.now += 1s;
    bar.Add(10);  // within 5 s of the last line
    clock.now += 5s;
    bar.Add(60);
    clock.now += 1s;
    bar.Add(10);
    bar.Finish();  // the final count, once
  }
  EXPECT_EQ(slow.str(),
            "[" + std::string(6, '#') + std::string(24, '.') + "] 20/100 members\n" +
            "[" + std::string(27, '#') + std::string(3, '.') + "] 90/100 members\n" +
            "[" + std::string(30, '#') + "] 100/100 members\n");
}

TEST(ProgressBarTest, CountsFromManyThreads) {
  std::ostringstream out;
  ProgressBar bar("members", 8000, out, /*live=*/true);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) bar.Add();
    });
  }
  for (auto& thread : threads) thread.join();
  bar.Finish();
  std::string text = out.str();
  EXPECT_NE(text.find("8000/8000 members\n"), std::string::npos);
}

}  // namespace
}  // namespace mcx::report
