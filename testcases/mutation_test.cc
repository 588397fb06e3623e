// The mutation proof: the suite must catch every realistic defect of the
// reference implementation. For each defect in reference::Defects() it runs
// the cases of the defect's role against `reference_sut --defect NAME` and
// requires at least one failed case, with every check ID of the defect's
// caught_by among the failed checks. It prints the mutation score and
// requires 100%. Every check in the catalogue must be killed by some defect or
// be listed, with a reason, in testcases/coverage.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "harness/engine/engine.h"
#include "harness/reference/reference.h"
#include "mikey/checks.h"
#include "testcases/coverage.h"
#include "testcases/suite_testing.h"

namespace mcx::testcases {
namespace {

struct DefectRun {
  const reference::DefectInfo* defect = nullptr;
  bool killed = false;
  int cases_run = 0;
  std::vector<std::string> failed_cases;
  std::set<std::string> failed_checks;
  std::string problems;  // errors and skips: a defect must fail cases, not break the harness
};

DefectRun RunDefect(const reference::DefectInfo& defect, const std::vector<scenario::Scenario>& suite) {
  DefectRun run;
  run.defect = &defect;
  engine::EngineOptions options = SuiteEngineOptions(ReferenceSutCommand(std::string(defect.name)), 1);
  for (const auto& s : suite) {
    if (scenario::SutRoleName(s.role) != defect.role) continue;
    engine::TestCaseResult r = engine::RunTestCase(s, options);
    ++run.cases_run;
    if (r.verdict == engine::Verdict::kFailed) {
      run.failed_cases.push_back(s.id);
      for (const auto& id : r.FailedCheckIds()) run.failed_checks.insert(id);
    } else if (r.verdict != engine::Verdict::kPassed) {
      run.problems += Explain(r);
    }
    bool all_seen = std::all_of(defect.caught_by.begin(), defect.caught_by.end(), [&](std::string_view id) {
      return run.failed_checks.count(std::string(id)) > 0;
    });
    // Enough proof: stop before the larger cases of the role.
    if (all_seen && !run.failed_cases.empty()) {
      run.killed = true;
      break;
    }
  }
  return run;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

TEST(MutationTest, SuiteKillsEveryDefect) {
  std::string error;
  const auto& suite = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  const auto& defects = reference::Defects();
  ASSERT_FALSE(defects.empty());

  // Each case runs the SUT and the harness one after the other, so one
  // defect per core keeps the machine busy.
  std::vector<DefectRun> runs(defects.size());
  std::atomic<size_t> next{0};
  size_t workers = std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, defects.size());
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < defects.size(); i = next++) runs[i] = RunDefect(defects[i], suite);
    });
  }
  for (auto& t : pool) t.join();

  size_t killed = 0;
  for (const auto& run : runs) {
    const auto& d = *run.defect;
    std::vector<std::string> wanted(d.caught_by.begin(), d.caught_by.end());
    std::vector<std::string> seen(run.failed_checks.begin(), run.failed_checks.end());
    std::printf("%-8s %-32s %-12s after %2d case(s); failed cases: %s; failed checks: %s\n",
                run.killed ? "KILLED" : "SURVIVED", std::string(d.name).c_str(), std::string(d.role).c_str(),
                run.cases_run, Join(run.failed_cases).c_str(), Join(seen).c_str());
    if (run.killed) {
      ++killed;
    } else {
      ADD_FAILURE() << "defect " << d.name << " (" << d.role << ") survived the suite: expected failed checks "
                    << Join(wanted) << ", got " << Join(seen) << " in " << run.cases_run << " case(s)\n"
                    << run.problems;
    }
  }
  std::printf("mutation score: %zu/%zu\n", killed, runs.size());
  std::fflush(stdout);
  EXPECT_EQ(killed, runs.size()) << "mutation score must be 100%";
}

// A UE that holds one KMS only rejects every message signed under another
// domain's KMS, valid ones included. Its rejections of partner-domain
// negative cases are unearned: the positive control (the valid twin, also
// rejected) must turn each into INCONCLUSIVE, never PASS, while the valid
// partner-domain cases FAIL and same-domain cases are unaffected.
TEST(MutationTest, SingleKmsUeIsInconclusiveOnEveryPartnerDomainNegativeCase) {
  std::string error;
  const auto& suite = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  engine::EngineOptions options = SuiteEngineOptions(ReferenceSutCommand("ue-single-kms"), 1);
  int inconclusive = 0, failed = 0;
  for (const auto& s : suite) {
    if (s.role != scenario::SutRole::kUe) continue;
    auto sender = s.injection.params.find("sender");
    const std::string ue_domain = s.AffiliatedMembers().front().domain;
    const std::string sender_domain =
        sender == s.injection.params.end() ? ue_domain : sender->second == "partner-gms" ? "partner" : "primary";
    const bool partner_domain = sender_domain != ue_domain || s.injection.mutation == "untrusted-kms";
    if (!partner_domain) continue;
    engine::TestCaseResult r = engine::RunTestCase(s, options);
    if (s.expect.outcome == scenario::Expectation::Outcome::kReject) {
      EXPECT_EQ(r.verdict, engine::Verdict::kInconclusive) << Explain(r);
      EXPECT_EQ(r.control.status, engine::ControlStatus::kRejected) << Explain(r);
      inconclusive += r.verdict == engine::Verdict::kInconclusive;
    } else {
      EXPECT_EQ(r.verdict, engine::Verdict::kFailed) << Explain(r);
      failed += r.verdict == engine::Verdict::kFailed;
    }
  }
  EXPECT_GE(inconclusive, 2) << "UE-012 and UE-035 at least";
  EXPECT_GE(failed, 1) << "UE-002 at least";
  std::printf("ue-single-kms: %d partner-domain negative case(s) INCONCLUSIVE, %d valid one(s) FAILED\n", inconclusive,
              failed);
}

// Without controls (--no-controls, said in every report) the verdict rests
// on the rejection and its reason: this UE names "trust" for UE-035's bad
// signature, a check the message passes, so its reason code still gives it
// away as a FAIL ("rejected for a fault the message does not have").
TEST(MutationTest, WithoutControlsTheReasonCodeStillCatchesTheSingleKmsUe) {
  std::string error;
  const auto& suite = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  engine::EngineOptions options = SuiteEngineOptions(ReferenceSutCommand("ue-single-kms"), 1);
  options.controls = false;
  for (const auto& s : suite) {
    if (s.id != "UE-035") continue;
    engine::TestCaseResult r = engine::RunTestCase(s, options);
    EXPECT_EQ(r.control.status, engine::ControlStatus::kOff);
    EXPECT_EQ(r.verdict, engine::Verdict::kFailed) << Explain(r);
    EXPECT_NE(Explain(r).find("a fault the message does not have"), std::string::npos) << Explain(r);
    return;
  }
  FAIL() << "UE-035 not found";
}

TEST(MutationTest, EveryCheckIsKilledOrExplained) {
  for (const auto& check : checks::Catalogue()) {
    bool killed = !DefectsKilling(check.id).empty();
    const NotMutationTested* explained = FindNotMutationTested(check.id);
    EXPECT_TRUE(killed || explained) << check.id
                                     << " is killed by no reference defect: add a defect that trips it, or list it "
                                        "in testcases/coverage.cc with the reason";
    EXPECT_FALSE(killed && explained) << check.id << " is killed by " << DefectsKilling(check.id).front()
                                      << ": remove it from the not-mutation-tested table";
  }
}

TEST(MutationTest, TablesNameOnlyCataloguedChecks) {
  for (const auto& entry : NotMutationTestedChecks()) {
    EXPECT_NE(checks::FindCheck(entry.check_id), nullptr) << entry.check_id;
    EXPECT_GT(entry.reason.size(), 40u) << entry.check_id << ": give a real reason";
  }
  for (const auto& defect : reference::Defects()) {
    EXPECT_FALSE(defect.caught_by.empty()) << defect.name;
    for (auto id : defect.caught_by) EXPECT_NE(checks::FindCheck(id), nullptr) << defect.name << ": " << id;
    EXPECT_TRUE(defect.role == "primary-gms" || defect.role == "partner-gms" || defect.role == "ue") << defect.name;
  }
}

}  // namespace
}  // namespace mcx::testcases
