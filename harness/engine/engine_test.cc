// The engine against the real reference SUT process, in each role, correct
// and with defects, and against shims that misbehave.
#include "harness/engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "testdata/testdata.h"

namespace mcx::engine {
namespace {

std::string ReferenceSut(const std::string& extra = "") {
  return mcx::testing::RunfilePath("harness/sut/reference_sut") + (extra.empty() ? "" : " " + extra);
}

std::string Scenario(const std::string& id, const std::string& role, const std::string& extra_top,
                     const std::string& expect = "accept") {
  return "id: " + id + "\ntitle: engine test\nspec: [\"TS 33.180 7.3.3.3\"]\nrole: " + role + "\n" + R"(procedure: multi-domain-regroup
domains:
  primary: {kms_uri: kms.police.example, gms_uri: "sip:gms@police.example", key_period: 86400}
  partner: {kms_uri: kms.fire.example, gms_uri: "sip:gms@fire.example", key_period: 86400}
groups:
  - id: sip:group-a@police.example
    domain: primary
    members:
      - sip:alice@police.example
      - sip:bob@police.example
      - {uri: sip:carl@police.example, affiliated: false}
  - id: sip:group-b@fire.example
    domain: partner
    members: [sip:dave@fire.example, sip:erin@fire.example]
regroup:
  requester: sip:alice@police.example
  temporary_group_id: sip:temp-1@police.example
  constituent_groups: [sip:group-a@police.example, sip:group-b@fire.example]
options: {key_params: rel15, identity_hiding: true, sakke_to_self: true}
)" + extra_top + "expect:\n  outcome: " + expect + "\n";
}

TestCaseResult RunYaml(const std::string& yaml, const std::string& sut) {
  auto s = scenario::ParseScenario(yaml, "test.yaml");
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  EngineOptions o;
  o.sut_command = sut;
  o.timeout = std::chrono::milliseconds(20000);
  o.jobs = 2;
  return RunTestCase(*s, o);
}

std::string Explain(const TestCaseResult& r) {
  std::string out = std::string(VerdictName(r.verdict)) + ": " + r.summary + "\n";
  for (const auto& c : r.AllChecks()) {
    if (c.failed()) out += "  " + c.id + ": " + c.detail + "\n";
  }
  for (const auto& l : r.sut_stderr_tail) out += "  stderr: " + l + "\n";
  return out;
}

bool HasFailed(const TestCaseResult& r, const std::string& id) {
  auto ids = r.FailedCheckIds();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(EngineTest, PrimaryGmsReferencePasses) {
  TestCaseResult r = RunYaml(Scenario("E-PGMS", "primary-gms", ""), ReferenceSut());
  EXPECT_EQ(r.verdict, Verdict::kPassed) << Explain(r);
  // step 7 + alice + bob from the SUT, then dave and erin from the harness's partner GMS.
  ASSERT_EQ(r.messages.size(), 5u) << Explain(r);
  int from_sut = 0;
  for (const auto& m : r.messages) from_sut += m.produced_by == "sut" ? 1 : 0;
  EXPECT_EQ(from_sut, 3);
}

TEST(EngineTest, PartnerGmsReferencePasses) {
  TestCaseResult r = RunYaml(Scenario("E-PART", "partner-gms", ""), ReferenceSut());
  EXPECT_EQ(r.verdict, Verdict::kPassed) << Explain(r);
}

TEST(EngineTest, UeReferenceAcceptsValidAndRejectsInvalid) {
  TestCaseResult ok = RunYaml(Scenario("E-UE", "ue", ""), ReferenceSut());
  EXPECT_EQ(ok.verdict, Verdict::kPassed) << Explain(ok);
  TestCaseResult bad = RunYaml(Scenario("E-UE-BAD", "ue", "inject: {mutation: bad-signature}\n", "reject"), ReferenceSut());
  EXPECT_EQ(bad.verdict, Verdict::kPassed) << Explain(bad);
  // Issue 19.10: what the case expects and did, and why the SUT said no.
  EXPECT_EQ(ok.expected_outcome, "accept");
  EXPECT_EQ(ok.mutation, "");
  EXPECT_EQ(ok.sut_reason, "") << "it accepted";
  EXPECT_EQ(bad.expected_outcome, "reject");
  EXPECT_EQ(bad.mutation, "bad-signature");
  EXPECT_FALSE(bad.sut_reason.empty());
}

TEST(EngineTest, DefectsAreCaughtByTheirChecks) {
  struct Case {
    const char* defect;
    const char* role;
    const char* inject;
    const char* expect;
    const char* check;
  };
  const Case cases[] = {
      {"guk-id-mismatch", "primary-gms", "", "accept", "GUKID.DERIVATION"},
      {"different-gmk-per-domain", "primary-gms", "", "accept", "FLOW.SAME_GMK"},
      {"member-skipped", "primary-gms", "", "accept", "FLOW.COVERAGE"},
      {"partner-new-gmk", "partner-gms", "", "accept", "FLOW.SAME_GMK"},
      {"ue-accepts-bad-signature", "ue", "inject: {mutation: bad-signature}\n", "reject", "UE.REJECT"},
      {"ue-wrong-srtp-label", "ue", "", "accept", "UE.ACCEPT"},
  };
  for (const auto& c : cases) {
    TestCaseResult r = RunYaml(Scenario(std::string("E-") + c.defect, c.role, c.inject, c.expect),
                           ReferenceSut(std::string("--defect ") + c.defect));
    EXPECT_EQ(r.verdict, Verdict::kFailed) << c.defect << "\n" << Explain(r);
    EXPECT_TRUE(HasFailed(r, c.check)) << c.defect << "\n" << Explain(r);
  }
}

// Issue 17 items 13 and 14: options the loader refuses, set in code. The
// correct reference SUT rightly rejects what the harness then builds: the
// case is an ERROR of the test case, never a FAIL of the SUT.
TEST(EngineTest, OptionsTheEngineCannotBuildAreATestCaseErrorNotASutFailure) {
  for (const char* role : {"ue", "partner-gms"}) {
    auto s = scenario::ParseScenario(Scenario(std::string("E-CS0-") + role, role, ""), "cs0.yaml");
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    s->options.cs_id = 0;
    EngineOptions o;
    o.sut_command = ReferenceSut();
    o.timeout = std::chrono::milliseconds(20000);
    TestCaseResult r = RunTestCase(*s, o);
    EXPECT_EQ(r.verdict, Verdict::kError) << role << "\n" << Explain(r);
    EXPECT_NE(r.summary.find("test case defect: the harness's own valid GKTP fails HDR.CSMAP (cs0.yaml"),
              std::string::npos)
        << r.summary;
    EXPECT_TRUE(r.FailedCheckIds().empty() || !HasFailed(r, "UE.ACCEPT")) << Explain(r);

    s->options.cs_id = 4;
    s->options.start_ntp_seconds = uint64_t{1} << 32;
    r = RunTestCase(*s, o);
    EXPECT_EQ(r.verdict, Verdict::kError) << role << "\n" << Explain(r);
    EXPECT_NE(r.summary.find("test case defect: cs0.yaml: the clock (options.start_ntp_seconds 4294967296 + "
                             "options.step_advance_seconds 0) passes 4294967295 NTP seconds"),
              std::string::npos)
        << r.summary;
  }
}

// Issue 17 item 18: the tail was kept (and reported) for passing cases.
TEST(EngineTest, StderrTailIsKeptForFailuresOnly) {
  const std::string noisy = "echo 'shim log line' >&2; exec " + ReferenceSut();
  TestCaseResult pass = RunYaml(Scenario("E-QUIET", "primary-gms", ""), noisy);
  EXPECT_EQ(pass.verdict, Verdict::kPassed) << Explain(pass);
  EXPECT_TRUE(pass.sut_stderr_tail.empty()) << Explain(pass);
  TestCaseResult fail =
      RunYaml(Scenario("E-LOUD", "primary-gms", ""), noisy + " --defect member-skipped");
  EXPECT_EQ(fail.verdict, Verdict::kFailed) << Explain(fail);
  ASSERT_FALSE(fail.sut_stderr_tail.empty()) << Explain(fail);
  EXPECT_EQ(fail.sut_stderr_tail.front(), "shim log line");
}

TEST(EngineTest, MisbehavingShimsGetClearVerdicts) {
  struct Case {
    const char* name;
    std::string command;
    Verdict verdict;
    const char* summary_part;
  };
  const Case cases[] = {
      {"hang", "sleep 60", Verdict::kError, "timeout"},
      {"crash", "read l; kill -SEGV $$", Verdict::kError, "sut-exited"},
      {"garbage", "read l; echo 'not json'; sleep 5", Verdict::kError, "invalid-json"},
      {"unimplemented",
       "while read l; do id=$(echo \"$l\" | sed 's/.*\"id\":\\([0-9]*\\).*/\\1/'); "
       "echo \"{\\\"id\\\":$id,\\\"error\\\":\\\"unimplemented\\\"}\"; done",
       Verdict::kSkipped, "not implemented"},
      {"cannot-start", "/nonexistent/shim", Verdict::kError, "sut-exited"},
  };
  for (const auto& c : cases) {
    auto s = scenario::ParseScenario(Scenario("E-FAULT", "ue", ""), "t.yaml");
    ASSERT_TRUE(s.ok());
    EngineOptions o;
    o.sut_command = c.command;
    o.timeout = std::chrono::milliseconds(1500);
    auto start = std::chrono::steady_clock::now();
    TestCaseResult r = RunTestCase(*s, o);
    EXPECT_EQ(r.verdict, c.verdict) << c.name << "\n" << Explain(r);
    EXPECT_NE(r.summary.find(c.summary_part), std::string::npos) << c.name << ": " << r.summary;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15)) << c.name;
  }
}

}  // namespace
}  // namespace mcx::engine
