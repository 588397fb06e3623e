// The conformance suite itself: every case loads, is filed under its role,
// every harness mutation has a UE case, the correct reference SUT passes
// every case (skips are not allowed for the reference), and the report of
// that run matches testcases/golden/report.json.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/engine/engine.h"
#include "harness/report/report_writer.h"
#include "mikey/checks.h"
#include "testcases/docgen.h"
#include "testcases/suite_testing.h"
#include "testdata/testdata.h"

namespace mcx::testcases {
namespace {

using scenario::Scenario;
using scenario::SutRole;

TEST(SuiteTest, LoadsEveryCase) {
  std::string error;
  const auto& cases = Suite(&error);
  ASSERT_TRUE(error.empty()) << error;
  std::map<SutRole, int> per_role;
  for (const auto& s : cases) ++per_role[s.role];
  EXPECT_GE(per_role[SutRole::kPrimaryGms], 8);
  EXPECT_GE(per_role[SutRole::kPartnerGms], 6);
  EXPECT_GE(per_role[SutRole::kUe], 20);
}

TEST(SuiteTest, CasesAreFiledUnderTheirRoleWithMatchingIds) {
  const std::map<SutRole, std::string> kPrefix = {
      {SutRole::kPrimaryGms, "PGMS-"}, {SutRole::kPartnerGms, "PART-"}, {SutRole::kUe, "UE-"}};
  for (const auto& s : Suite()) {
    std::string folder = std::filesystem::path(s.source_file).parent_path().filename().string();
    EXPECT_EQ(folder, scenario::SutRoleName(s.role)) << s.source_file;
    EXPECT_EQ(s.id.rfind(kPrefix.at(s.role), 0), 0u) << s.id << " in " << s.source_file;
    std::string file = std::filesystem::path(s.source_file).filename().string();
    std::string id_lower;
    for (char c : s.id) id_lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(file.rfind(id_lower + "-", 0), 0u) << s.source_file << " should start with " << id_lower << "-";
  }
}

TEST(SuiteTest, EveryMutationHasARejectingUeCase) {
  std::set<std::string> covered;
  for (const auto& s : Suite()) {
    if (s.role == SutRole::kUe && s.expect.outcome == scenario::Expectation::Outcome::kReject) {
      covered.insert(s.injection.mutation);
    }
  }
  for (const auto& mutation : engine::Mutations()) {
    EXPECT_TRUE(covered.count(std::string(mutation.name))) << "no ue case rejects mutation " << mutation.name;
  }
}

TEST(SuiteTest, NegativeCasesNameTheChecksTheirMessageFails) {
  for (const auto& s : Suite()) {
    bool reject = s.expect.outcome == scenario::Expectation::Outcome::kReject;
    EXPECT_EQ(reject, !s.injection.mutation.empty()) << s.id << ": a mutation goes with outcome reject";
    if (reject) {
      EXPECT_FALSE(s.expect.failing_checks.empty()) << s.id << ": name the checks its message fails";
    }
    for (const auto& id : s.expect.failing_checks) {
      EXPECT_NE(checks::FindCheck(id), nullptr) << s.id << ": unknown check " << id;
    }
  }
}

// The whole suite against the correct reference SUT, once for both tests
// below: every case must pass, and its report.json must not change unless a
// change of behaviour is intended. After such a change, regenerate the golden:
//   MCXTEST_UPDATE_GOLDEN=1 bazel run //testcases:suite_test -- --gtest_filter='ReferenceRunTest.*'
class ReferenceRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto& suite = Suite();
    results_ = new std::vector<engine::TestCaseResult>(suite.size());
    // Two cases at a time: each runs the SUT and the harness one after the
    // other, so this keeps two cores busy.
    engine::EngineOptions options = SuiteEngineOptions(ReferenceSutCommand(), 1);
    std::atomic<size_t> next{0};
    std::vector<std::thread> pool;
    for (int w = 0; w < 2; ++w) {
      pool.emplace_back([&] {
        for (size_t i = next++; i < suite.size(); i = next++) (*results_)[i] = engine::RunTestCase(suite[i], options);
      });
    }
    for (auto& t : pool) t.join();

    // report.json exactly as `mcxtest run --seed 1` writes it.
    engine::RunInfo info;
    info.implementation_name = "mcxtest-reference";
    info.sut_command = ReferenceSutCommand();
    info.command_line = "mcxtest run testcases --seed 1";
    info.seed = options.seed;
    std::string dir = ::testing::TempDir() + "/reference-run";
    report::ReportWriter writer(dir);
    Status written = writer.Begin(info);
    for (const auto& r : *results_) {
      if (written.ok()) written = writer.AddCase(r);
    }
    if (written.ok()) written = writer.Finish(/*interrupted=*/false);
    report_error_ = new std::string(written.ok() ? "" : written.error().ToString());
    report_json_ = new std::string(written.ok() ? mcx::testing::ReadFileOrDie(writer.json_path()) : "");
  }
  static void TearDownTestSuite() {
    delete results_;
    delete report_json_;
    delete report_error_;
  }

  static std::vector<engine::TestCaseResult>* results_;
  static std::string* report_json_;
  static std::string* report_error_;
};
std::vector<engine::TestCaseResult>* ReferenceRunTest::results_ = nullptr;
std::string* ReferenceRunTest::report_json_ = nullptr;
std::string* ReferenceRunTest::report_error_ = nullptr;

TEST_F(ReferenceRunTest, EveryCasePasses) {
  ASSERT_FALSE(results_->empty());
  for (const auto& r : *results_) {
    EXPECT_EQ(r.verdict, engine::Verdict::kPassed) << Explain(r);
    EXPECT_FALSE(r.messages.empty()) << r.id << ": no message was exchanged";
  }
}

// Isolation: a negative case proves something about the check it names only
// if its injected message breaks that and nothing else. For every negative
// case of every role, the harness's own verification of the injected message
// must fail exactly the case's failing_checks; every other check passes,
// does not apply or was not evaluated because one of those failed.
TEST_F(ReferenceRunTest, NegativeCasesAreIsolated) {
  const auto& suite = Suite();
  ASSERT_EQ(suite.size(), results_->size());
  int negative = 0;
  for (size_t i = 0; i < suite.size(); ++i) {
    const Scenario& s = suite[i];
    if (s.expect.outcome != scenario::Expectation::Outcome::kReject) continue;
    ++negative;
    const engine::MessageRecord* injected = nullptr;
    for (const auto& m : (*results_)[i].messages) {
      if (m.produced_by == "harness" && m.note.rfind("mutation: ", 0) == 0) injected = &m;
    }
    ASSERT_NE(injected, nullptr) << s.id << ": no injected message recorded\n" << Explain((*results_)[i]);
    std::set<std::string> expected(s.expect.failing_checks.begin(), s.expect.failing_checks.end());
    std::set<std::string> failed;
    std::string unexpected, missing, stray_blocked;
    for (const auto& c : injected->checks) {
      if (c.failed()) {
        failed.insert(c.id);
        if (!expected.count(c.id)) unexpected += " " + c.id;
      } else if (c.not_evaluated() && !expected.count(c.blocked_by)) {
        stray_blocked += " " + c.id + " (by " + c.blocked_by + ")";
      }
    }
    for (const auto& id : expected) {
      if (!failed.count(id)) missing += " " + id;
    }
    EXPECT_TRUE(unexpected.empty() && missing.empty() && stray_blocked.empty())
        << s.id << " (" << s.injection.mutation << ") is not isolated: its injected message also fails" << unexpected
        << (missing.empty() ? "" : "; it does not fail") << missing
        << (stray_blocked.empty() ? "" : "; not evaluated for a failure the case does not name:") << stray_blocked;
  }
  EXPECT_GT(negative, 30);
}

TEST_F(ReferenceRunTest, ReportMatchesGolden) {
  constexpr char kGolden[] = "testcases/golden/report.json";
  constexpr char kHowToUpdate[] =
      "if the change is intended: MCXTEST_UPDATE_GOLDEN=1 bazel run //testcases:suite_test -- "
      "--gtest_filter='ReferenceRunTest.*'";
  ASSERT_EQ(*report_error_, "");
  auto normalized = NormalizedReport(*report_json_, SuiteDir());
  ASSERT_TRUE(normalized.ok()) << normalized.error().ToString();
  const char* update = std::getenv("MCXTEST_UPDATE_GOLDEN");
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  if (update && *update && workspace) {
    std::ofstream out(std::string(workspace) + "/" + kGolden, std::ios::binary | std::ios::trunc);
    out << *normalized;
    out.close();
    ASSERT_TRUE(out) << "cannot write " << workspace << "/" << kGolden;
    std::printf("wrote %s/%s\n", workspace, kGolden);
    return;
  }
  std::string golden = mcx::testing::ReadFileOrDie(mcx::testing::RunfilePath(kGolden));
  std::string diff = FirstDifference(golden, *normalized);
  if (!diff.empty()) {
    // The whole normalized report, to diff against the golden.
    if (const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
      std::ofstream(std::string(outputs) + "/report.normalized.json", std::ios::binary) << *normalized;
    }
  }
  EXPECT_TRUE(diff.empty()) << "report.json differs from " << kGolden << " (the whole normalized report is in "
                            << "the test's undeclared outputs, report.normalized.json; below, \"checked in\" is the golden and "
                            << "\"expected\" this run); " << kHowToUpdate << "\n"
                            << diff;
}

TEST(NormalizedReportTest, MasksWhatVariesAndKeepsTheRest) {
  const std::string report = R"({"run": {"sut_command": "/x/reference_sut", "started_at": "2024-01-01T00:00:00Z",
      "seed": 7}, "cases": [{"id": "UE-001", "seconds": 1.5, "source_file": "/s/ue/ue-001.yaml",
      "messages": [{"wire_b64": "AQID", "length": 3, "decoded": {"payloads": [{"rand": "00", "rand_length": 1},
      {"eccsi": {"r": "01", "s": "02", "pvt": "04"}}, {"protected_payload": {"iv": "03",
      "ciphertext_and_tag": "05", "date_time": 9}}]}}]}]})";
  auto normalized = NormalizedReport(report, "/s");
  ASSERT_TRUE(normalized.ok()) << normalized.error().ToString();
  auto j = nlohmann::json::parse(*normalized);
  EXPECT_EQ(j["run"]["sut_command"], "<varies>");
  EXPECT_EQ(j["run"]["started_at"], "<varies>");
  EXPECT_EQ(j["run"]["seed"], 7);
  const auto& c = j["cases"][0];
  EXPECT_EQ(c["seconds"], "<varies>");
  EXPECT_EQ(c["source_file"], "testcases/ue/ue-001.yaml");
  const auto& m = c["messages"][0];
  EXPECT_EQ(m["wire_b64"], "<varies>");
  EXPECT_EQ(m["length"], 3);
  const auto& p = m["decoded"]["payloads"];
  EXPECT_EQ(p[0]["rand"], "<varies>");
  EXPECT_EQ(p[0]["rand_length"], 1);
  EXPECT_EQ(p[1]["eccsi"]["r"], "<varies>");
  EXPECT_EQ(p[1]["eccsi"]["s"], "<varies>");
  EXPECT_EQ(p[1]["eccsi"]["pvt"], "04");
  EXPECT_EQ(p[2]["protected_payload"]["iv"], "<varies>");
  EXPECT_EQ(p[2]["protected_payload"]["ciphertext_and_tag"], "<varies>");
  EXPECT_EQ(p[2]["protected_payload"]["date_time"], 9);
  EXPECT_FALSE(NormalizedReport("[1]", "/s").ok());
  EXPECT_FALSE(NormalizedReport("{\"run\": {}}", "/s").ok());
}

}  // namespace
}  // namespace mcx::testcases
