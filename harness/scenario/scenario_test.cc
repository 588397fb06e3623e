#include "harness/scenario/scenario.h"

#include <gtest/gtest.h>

namespace mcx::scenario {
namespace {

constexpr char kValid[] = R"(id: PGMS-001
title: Multi-domain regroup with two small groups
spec: ["TS 33.180 7.3.3.3", "TS 23.280 10.2.4.2"]
role: primary-gms
procedure: multi-domain-regroup
domains:
  primary:
    kms_uri: kms.police.example
    gms_uri: sip:gms@police.example
    key_period: 86400
  partner:
    kms_uri: kms.fire.example
    gms_uri: sip:gms@fire.example
groups:
  - id: sip:group-a@police.example
    domain: primary
    members:
      - sip:alice@police.example
      - uri: sip:bob@police.example
        affiliated: false
      - uri: sip:carol@fire.example
        domain: partner
  - id: sip:group-b@fire.example
    domain: partner
    members: [sip:dave@fire.example, sip:alice@police.example]
regroup:
  requester: sip:alice@police.example
  temporary_group_id: sip:temp-1@police.example
  constituent_groups: [sip:group-a@police.example, sip:group-b@fire.example]
options:
  identity_hiding: true
  key_params: rel15
expect:
  outcome: accept
)";

TEST(ScenarioTest, ParsesAValidScenario) {
  auto s = ParseScenario(kValid, "pgms-001.yaml");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->id, "PGMS-001");
  EXPECT_EQ(s->role, SutRole::kPrimaryGms);
  EXPECT_EQ(s->procedure, Procedure::kMultiDomainRegroup);
  ASSERT_NE(s->FindDomain("partner"), nullptr);
  EXPECT_EQ(s->FindDomain("primary")->key_period, 86400u);
  EXPECT_EQ(s->FindDomain("partner")->key_period, 2592000u);  // default
  EXPECT_TRUE(s->options.identity_hiding);
  EXPECT_EQ(s->options.key_params, KeyParamsMode::kRel15);
  EXPECT_TRUE(s->options.sp_payload);
  // bob is not affiliated; alice is in both groups but counted once.
  auto members = s->AffiliatedMembers();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].uri, "sip:alice@police.example");
  EXPECT_EQ(members[1].uri, "sip:carol@fire.example");
  EXPECT_EQ(members[1].domain, "partner");
  EXPECT_EQ(members[2].uri, "sip:dave@fire.example");
}

struct BadCase {
  const char* name;
  std::string from;  // replaced in kValid
  std::string to;
  std::string expected;  // substring of the error message
};

class BadScenarioTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenarioTest, IsRejectedNamingFileLineAndField) {
  const BadCase& c = GetParam();
  std::string text = kValid;
  auto pos = text.find(c.from);
  ASSERT_NE(pos, std::string::npos) << c.from;
  text.replace(pos, c.from.size(), c.to);
  auto s = ParseScenario(text, "case.yaml");
  ASSERT_FALSE(s.ok()) << c.name;
  EXPECT_NE(s.error().message().find(c.expected), std::string::npos) << s.error().message();
  EXPECT_EQ(s.error().message().rfind("case.yaml", 0), 0u) << s.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    All, BadScenarioTest,
    ::testing::Values(
        BadCase{"bad_yaml", "title: Multi", "title: [unclosed", "invalid YAML"},
        BadCase{"unknown_role", "role: primary-gms", "role: gateway", "case.yaml:4: role: unknown role 'gateway'"},
        BadCase{"typo_field", "procedure:", "procedur:", "procedur: unknown field"},
        BadCase{"missing_title", "title: Multi-domain regroup with two small groups\n", "", "title: missing required field"},
        BadCase{"zero_period", "key_period: 86400", "key_period: 0", "domains.primary.key_period: must be greater than 0"},
        BadCase{"negative_period", "key_period: 86400", "key_period: -5", "expected a non-negative integer"},
        BadCase{"unknown_group", "constituent_groups: [sip:group-a@police.example,",
                "constituent_groups: [sip:group-x@police.example,", "unknown group 'sip:group-x@police.example'"},
        BadCase{"unknown_member_domain", "domain: partner\n  - id", "domain: ambulance\n  - id", "unknown domain 'ambulance'"},
        BadCase{"bad_bool", "identity_hiding: true", "identity_hiding: sometimes", "options.identity_hiding: expected true or false"},
        BadCase{"bad_key_params", "key_params: rel15", "key_params: rel99", "options.key_params"},
        BadCase{"reject_for_gms", "outcome: accept", "outcome: reject", "only ue and partner-gms cases can expect a rejection"},
        BadCase{"bad_outcome", "outcome: accept", "outcome: maybe", "expect.outcome"},
        BadCase{"bad_id", "id: PGMS-001", "id: 'bad id!'", "id: must be letters"},
        BadCase{"id_leading_dot", "id: PGMS-001", "id: .PGMS-001", "id: must be letters"},
        BadCase{"id_empty", "id: PGMS-001", "id: ''", "id: must be letters"},
        BadCase{"id_non_ascii", "id: PGMS-001", "id: PGMS-\xc3\xa9", "id: must be letters"},
        BadCase{"period_non_ascii_digit", "key_period: 86400", "key_period: 8640\xd9\xa3",
                "domains.primary.key_period: expected a non-negative integer"},
        BadCase{"no_partner", "  partner:\n    kms_uri: kms.fire.example\n    gms_uri: sip:gms@fire.example\n", "",
                "needs a partner domain"},
        BadCase{"members_not_list", "members: [sip:dave@fire.example, sip:alice@police.example]", "members: 7",
                "groups[1].members: expected a list"},
        BadCase{"duplicate_group", "id: sip:group-b@fire.example", "id: sip:group-a@police.example", "duplicate group"},
        BadCase{"mutation_for_gms", "expect:\n", "inject:\n  mutation: flip-signature\nexpect:\n",
                "only ue and partner-gms cases receive a message"},
        // Issue 17 items 13 and 14: options the engine cannot build
        // correctly, which blamed a correct SUT.
        BadCase{"clock_past_32_bits", "key_params: rel15", "key_params: rel15\n  start_ntp_seconds: 4294967296",
                "case.yaml:33: options.start_ntp_seconds: must be at most 4294967295: the T payload holds 32-bit "
                "NTP seconds, got 4294967296"},
        BadCase{"advance_past_32_bits", "key_params: rel15",
                "key_params: rel15\n  start_ntp_seconds: 4294967000\n  step_advance_seconds: 296",
                "case.yaml:34: options.step_advance_seconds: moves the clock past 4294967295 NTP seconds"},
        BadCase{"cs_id_zero", "key_params: rel15", "key_params: rel15\n  cs_id: 0",
                "case.yaml:33: options.cs_id: must be 4 (MCPTT group call) or 5 (MCVideo group call)"},
        BadCase{"cs_id_six", "key_params: rel15", "key_params: rel15\n  cs_id: 6", "options.cs_id: must be 4"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(ScenarioTest, IdsMayUseDigitsDotsUnderscoresAndHyphensAfterTheFirstCharacter) {
  std::string text = kValid;
  text.replace(text.find("id: PGMS-001"), std::string("id: PGMS-001").size(), "id: 9a.B_c-d");
  auto s = ParseScenario(text, "case.yaml");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->id, "9a.B_c-d");
}

TEST(ScenarioTest, EmptyAndNonMappingDocumentsAreRejected) {
  EXPECT_FALSE(ParseScenario("", "a.yaml").ok());
  EXPECT_FALSE(ParseScenario("- 1\n- 2\n", "a.yaml").ok());
  EXPECT_FALSE(ParseScenario("\x01\x02\xff: [", "a.yaml").ok());
}

TEST(ScenarioTest, LargestClockIsAccepted) {
  std::string text = kValid;
  text.replace(text.find("key_params: rel15"), 17, "key_params: rel15\n  start_ntp_seconds: 4294967295\n  cs_id: 5");
  auto s = ParseScenario(text, "case.yaml");
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  EXPECT_EQ(s->options.start_ntp_seconds, 4294967295u);
  EXPECT_EQ(s->options.cs_id, 5);
}

TEST(ScenarioTest, MissingFileIsAnError) {
  auto s = LoadScenarios("/nonexistent/testcases");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace mcx::scenario
