// The conformance suite itself: every case loads, is filed under its role,
// every harness mutation has a UE case, and the correct reference SUT passes
// every case (skips are not allowed for the reference).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "harness/engine/engine.h"
#include "mikey/checks.h"
#include "testcases/suite_testing.h"

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

std::vector<std::string> CaseIds() {
  std::vector<std::string> ids;
  for (const auto& s : Suite()) ids.push_back(s.id);
  return ids;
}

class ReferencePassesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferencePassesTest, Case) {
  const Scenario* found = nullptr;
  for (const auto& s : Suite()) {
    if (s.id == GetParam()) found = &s;
  }
  ASSERT_NE(found, nullptr);
  engine::TestCaseResult r = engine::RunTestCase(*found, SuiteEngineOptions(ReferenceSutCommand(), 2));
  EXPECT_EQ(r.verdict, engine::Verdict::kPassed) << Explain(r);
  EXPECT_FALSE(r.messages.empty()) << r.id << ": no message was exchanged";
}

INSTANTIATE_TEST_SUITE_P(Suite, ReferencePassesTest, ::testing::ValuesIn(CaseIds()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return TestName(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ReferencePassesTest);

}  // namespace
}  // namespace mcx::testcases
