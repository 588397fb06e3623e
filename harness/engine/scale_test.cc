// The engine at scale: a generated regroup of 200 affiliated members per
// domain (plus non-affiliated ones who must get nothing) against the real
// reference SUT, in both GMS roles. 2x5,000 runs in bench/scale_bench.cc.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>

#include "harness/engine/engine.h"
#include "harness/scenario/generate.h"
#include "testdata/testdata.h"

namespace mcx::engine {
namespace {

constexpr int kMembers = 200;
constexpr int kNonAffiliated = 3;

std::string Explain(const TestCaseResult& r) {
  std::string out = std::string(VerdictName(r.verdict)) + ": " + r.summary + "\n";
  int shown = 0;
  for (const auto& c : r.AllChecks()) {
    if (c.failed() && shown++ < 10) out += "  " + c.id + ": " + c.detail.substr(0, 300) + "\n";
  }
  for (const auto& l : r.sut_stderr_tail) out += "  stderr: " + l + "\n";
  return out;
}

struct ProgressLog {
  std::mutex mu;
  std::map<std::string, std::pair<uint64_t, uint64_t>> last;  // what -> (done, total)
  bool monotonic = true;
};

TestCaseResult RunLarge(scenario::SutRole role, ProgressLog* log) {
  scenario::LargeRegroupSpec spec;
  spec.id = std::string("SCALE-") + scenario::SutRoleName(role);
  spec.role = role;
  spec.members_per_domain = kMembers;
  spec.non_affiliated_per_domain = kNonAffiliated;
  auto s = scenario::LargeRegroupScenario(spec);
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  EngineOptions o;
  o.sut_command = mcx::testing::RunfilePath("harness/sut/reference_sut");
  o.timeout = std::chrono::milliseconds(120000);
  o.jobs = 2;
  o.progress = [log](uint64_t done, uint64_t total, std::string_view what) {
    std::lock_guard lock(log->mu);
    auto& [last_done, last_total] = log->last[std::string(what)];
    if (done != 0 && (done < last_done || total != last_total)) log->monotonic = false;
    last_done = done;
    last_total = total;
  };
  return RunTestCase(*s, o);
}

void ExpectFlowChecksPass(const TestCaseResult& r) {
  int flow = 0;
  for (const auto& c : r.flow_checks) {
    if (c.id.rfind("FLOW.", 0) != 0) continue;
    ++flow;
    EXPECT_FALSE(c.failed()) << c.id << ": " << c.detail.substr(0, 300);
  }
  EXPECT_GE(flow, 4) << Explain(r);
}

TEST(ScaleTest, PrimaryGmsKeysEveryAffiliatedMemberOfBothDomains) {
  ProgressLog log;
  TestCaseResult r = RunLarge(scenario::SutRole::kPrimaryGms, &log);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << Explain(r);
  ExpectFlowChecksPass(r);
  // Step 7 and step 14 from the SUT, step 11 from the harness's partner GMS.
  std::map<std::pair<std::string, int>, int> by_origin;
  for (const auto& m : r.messages) by_origin[{m.produced_by, m.step}]++;
  EXPECT_EQ((by_origin[{"sut", 7}]), 1);
  EXPECT_EQ((by_origin[{"sut", 14}]), kMembers);
  EXPECT_EQ((by_origin[{"harness", 11}]), kMembers);
  EXPECT_EQ(r.messages.size(), 2u * kMembers + 1);
  for (const auto& m : r.messages) EXPECT_EQ(m.to.find("u00" + std::to_string(kMembers + 1)), std::string::npos);
  EXPECT_TRUE(log.monotonic);
  EXPECT_EQ(log.last["GKTPs from the SUT"], std::make_pair(uint64_t{kMembers + 1}, uint64_t{kMembers + 1}));
  EXPECT_EQ(log.last["step-11 GKTPs of the harness's partner GMS"],
            std::make_pair(uint64_t{kMembers}, uint64_t{kMembers}));
}

TEST(ScaleTest, PartnerGmsRekeysEveryAffiliatedMemberOfItsDomain) {
  ProgressLog log;
  TestCaseResult r = RunLarge(scenario::SutRole::kPartnerGms, &log);
  ASSERT_EQ(r.verdict, Verdict::kPassed) << Explain(r);
  ExpectFlowChecksPass(r);
  int step11_from_sut = 0;
  for (const auto& m : r.messages) step11_from_sut += m.produced_by == "sut" && m.step == 11 ? 1 : 0;
  EXPECT_EQ(step11_from_sut, kMembers);
  EXPECT_EQ(r.messages.size(), kMembers + 1u);  // with the step-7 GKTP the harness sent
  EXPECT_TRUE(log.monotonic);
  EXPECT_EQ(log.last["GKTPs from the SUT"], std::make_pair(uint64_t{kMembers}, uint64_t{kMembers}));
}

TEST(ScaleTest, GeneratedScenarioHasTheRequestedShape) {
  scenario::LargeRegroupSpec spec;
  spec.members_per_domain = 7;
  spec.non_affiliated_per_domain = 2;
  auto s = scenario::LargeRegroupScenario(spec);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->groups.size(), 2u);
  EXPECT_EQ(s->groups[0].members.size(), 9u);
  EXPECT_EQ(s->AffiliatedMembers().size(), 14u);
  EXPECT_EQ(s->AffiliatedMembers().front().uri, "sip:u00001@police.example");
  EXPECT_EQ(s->AffiliatedMembers().back().uri, "sip:u00007@fire.example");
  spec.members_per_domain = 0;
  EXPECT_FALSE(scenario::LargeRegroupScenario(spec).ok());
}

TEST(ScaleTest, EveryMutationIsDescribed) {
  for (const auto& m : Mutations()) EXPECT_FALSE(m.description.empty()) << m.name;
}

}  // namespace
}  // namespace mcx::engine
