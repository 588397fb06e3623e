#include "harness/shim/answers.h"
#include "harness/shim/excerpt.h"
#include "harness/shim/requests.h"

#include <gtest/gtest.h>

namespace mcx::shim {
namespace {

using nlohmann::json;

TEST(MessagesTest, RegroupRequestRoundTrips) {
  RegroupRequest r;
  r.requester = "sip:alice@police.example";
  r.temporary_group_id = "sip:temp@police.example";
  r.primary_gms = {"sip:gms@police.example", "kms.police.example"};
  r.partner = Party{"sip:gms@fire.example", "kms.fire.example"};
  ConstituentGroup g;
  g.id = "sip:group-a@police.example";
  g.domain = "primary";
  g.gmk = Bytes(16, 0x01);
  g.gmk_id = 0x01020304;
  g.members = {{"sip:alice@police.example", "kms.police.example", true},
               {"sip:bob@police.example", "kms.police.example", false}};
  r.constituent_groups = {g};
  r.step_clock = {{7, 100}, {14, 200}};
  r.options.key_params = "rel15";
  auto back = RegroupRequestFromJson(json::parse(ToJson(r).dump()));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->partner->uri, "sip:gms@fire.example");
  ASSERT_EQ(back->constituent_groups.size(), 1u);
  EXPECT_EQ(back->constituent_groups[0].gmk_id, 0x01020304u);
  EXPECT_EQ(back->constituent_groups[0].members.size(), 2u);
  EXPECT_FALSE(back->constituent_groups[0].members[1].affiliated);
  EXPECT_EQ(back->step_clock.at(14), 200u);
  EXPECT_EQ(back->options.key_params, "rel15");
}

TEST(MessagesTest, DeliverRoundTripsAndValidatesLengths) {
  DeliverRequest d;
  d.ue = {"sip:alice@police.example", "kms.police.example"};
  d.sender = "sip:gms@police.example";
  d.gktp = {0x01, 0x1a, 0x05};
  d.clock_ntp_seconds = 42;
  d.srtp_rand = Bytes(16, 0x33);
  auto back = DeliverRequestFromJson(ToJson(d));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->gktp, d.gktp);
  EXPECT_EQ(back->srtp_rand, d.srtp_rand);

  DeliverAnswer a;
  a.accepted = true;
  a.gmk_id = 0x0abcdef0;
  a.srtp_master_key = Bytes(16, 1);
  a.srtp_master_salt = Bytes(12, 2);
  auto ab = DeliverAnswerFromJson(ToJson(a));
  ASSERT_TRUE(ab.ok());
  EXPECT_EQ(ab->gmk_id, 0x0abcdef0u);
  json bad = ToJson(a);
  bad["srtp_master_salt"] = "0102";
  auto e = DeliverAnswerFromJson(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message(), "field 'srtp_master_salt': expected 12 octets, got 2");
  bad = ToJson(a);
  bad["gmk_id"] = "0abcdef";
  EXPECT_EQ(DeliverAnswerFromJson(bad).error().message(), "field 'gmk_id': not hex: hex string has odd length 7");
  EXPECT_EQ(DeliverAnswerFromJson(json{{"accepted", "yes"}}).error().message(),
            "field 'accepted': expected true or false, got string");
  json big_cs_id = ToJson(d);
  big_cs_id["srtp"]["cs_id"] = 256;
  EXPECT_EQ(DeliverRequestFromJson(big_cs_id).error().message(), "field 'srtp.cs_id': 256 is out of range 0..255");
  json empty_gktp = ToJson(d);
  empty_gktp["gktp_b64"] = "";
  EXPECT_EQ(DeliverRequestFromJson(empty_gktp).error().message(), "field 'gktp_b64': empty message");
}

TEST(MessagesTest, GktpListRejectsBadEntriesNamingThem) {
  json good = {{"gktps", {{{"step", 14}, {"recipient", "sip:a@x"}, {"b64", "ARoFAQ=="}}}}};
  auto list = GktpListFromJson(good);
  ASSERT_TRUE(list.ok());
  EXPECT_EQ((*list)[0].message, (Bytes{0x01, 0x1a, 0x05, 0x01}));
  json bad_step = {{"gktps", {{{"step", 99}, {"recipient", "sip:a@x"}, {"b64", "ARoFAQ=="}}}}};
  auto e1 = GktpListFromJson(bad_step);
  ASSERT_FALSE(e1.ok());
  EXPECT_NE(e1.error().message().find("gktps[0].step"), std::string::npos);
  json bad_b64 = {{"gktps", {{{"step", 7}, {"recipient", "sip:a@x"}, {"b64", "!!"}}}}};
  auto e2 = GktpListFromJson(bad_b64);
  ASSERT_FALSE(e2.ok());
  EXPECT_NE(e2.error().message().find("gktps[0].b64"), std::string::npos);
  EXPECT_FALSE(GktpListFromJson(json{{"gktps", {{{"step", 7}, {"b64", "ARoFAQ=="}}}}}).ok());
  EXPECT_EQ(GktpListFromJson(bad_b64).error().message(),
            "field 'gktps[0].b64': not base64: " + FromBase64("!!").error().ToString());
  EXPECT_EQ(GktpListFromJson(json{{"gktps", {good["gktps"][0], 5}}}).error().message(),
            "field 'gktps[1]': expected an object, got number");
  EXPECT_FALSE(GktpListFromJson(json{{"gktps", 5}}).ok());
  EXPECT_FALSE(GktpListFromJson(json::array()).ok());
}

TEST(MessagesTest, PartnerRejection) {
  PartnerAnswer a;
  a.rejected = true;
  a.reason = "SIGN.VALID";
  auto back = PartnerAnswerFromJson(ToJson(a));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->rejected);
  EXPECT_TRUE(back->gktps.empty());
}

TEST(MessagesTest, RejectionsCarryAnOptionalValidatedReasonCode) {
  DeliverAnswer d;
  d.reason = "signature does not verify";
  d.reason_code = "SIGN.VALID";
  EXPECT_EQ(ToJson(d)["reason_code"], "SIGN.VALID");
  auto back = DeliverAnswerFromJson(ToJson(d));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->reason_code, "SIGN.VALID");
  d.reason_code.clear();
  EXPECT_FALSE(ToJson(d).contains("reason_code")) << "absent, not empty, when the shim has none";
  auto none = DeliverAnswerFromJson(ToJson(d));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->reason_code, "");
  for (const char* bad : {"SIGN.VALIDX", "sign.valid", "UE.REJECT", "", "signatures"}) {
    auto e = DeliverAnswerFromJson(json{{"accepted", false}, {"reason", "x"}, {"reason_code", bad}});
    ASSERT_FALSE(e.ok()) << bad;
    EXPECT_NE(e.error().message().find("field 'reason_code': unknown reason_code"), std::string::npos)
        << e.error().message();
    EXPECT_NE(e.error().message().find("parse, identity, time, signature, trust, decrypt, key-id, key-params"),
              std::string::npos)
        << e.error().message();
  }
  EXPECT_FALSE(DeliverAnswerFromJson(json{{"accepted", false}, {"reason_code", 7}}).ok());

  PartnerAnswer p;
  p.rejected = true;
  p.reason = "untrusted";
  p.reason_code = "trust";
  auto pb = PartnerAnswerFromJson(ToJson(p));
  ASSERT_TRUE(pb.ok()) << pb.error().ToString();
  EXPECT_EQ(pb->reason_code, "trust");
  json bad = ToJson(p);
  bad["reason_code"] = "FLOW.SAME_GMK";
  EXPECT_FALSE(PartnerAnswerFromJson(bad).ok());
}

TEST(MessagesTest, HelloRequestWritesOnlyWhatItHas) {
  HelloRequest probe;
  probe.test_case = "probe";
  EXPECT_EQ(ToJson(probe), (json{{"protocol", 1}, {"test_case", "probe"}}));
  HelloRequest full = probe;
  full.seed = 7;
  full.clock_ntp_seconds = 3913056000;
  full.role = "ue";
  auto back = HelloRequestFromJson(ToJson(full));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->seed, 7u);
  EXPECT_EQ(back->clock_ntp_seconds, 3913056000u);
  EXPECT_EQ(back->role, "ue");
  EXPECT_EQ(back->test_case, "probe");
  auto bad = HelloRequestFromJson(json{{"seed", "seven"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("'seed'"), std::string::npos);
}

TEST(MessagesTest, HelloAnswerRoundTrips) {
  HelloAnswer a{"mcxtest-reference", "0.1.0", {"primary-gms", "ue"}};
  json j = ToJson(a);
  EXPECT_EQ(j["protocol"], kShimProtocolVersion);
  auto back = HelloAnswerFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->name, a.name);
  EXPECT_EQ(back->roles, a.roles);
}

TEST(MessagesTest, HelloRejectsUnknownRoleAndVersion) {
  EXPECT_FALSE(HelloAnswerFromJson(json{{"name", "a"}, {"version", "1"}, {"roles", {"gateway"}}}).ok());
  EXPECT_FALSE(HelloAnswerFromJson(json{{"name", "a"}, {"version", "1"}, {"roles", "ue"}}).ok());
  EXPECT_FALSE(
      HelloAnswerFromJson(json{{"name", "a"}, {"version", "1"}, {"protocol", 2}, {"roles", {"ue"}}}).ok());
  auto missing = HelloAnswerFromJson(json{{"version", "1"}, {"roles", {"ue"}}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("'name'"), std::string::npos);
}

TEST(MessagesTest, ProvisionRoundTripsAndNamesBadEntries) {
  ProvisionRequest r;
  r.identities.push_back({"sip:alice@police.example", "kms.police.example", "<init/>", "<prov/>", ""});
  auto back = ProvisionFromJson(ToJson(r));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_EQ(back->identities.size(), 1u);
  EXPECT_EQ(back->identities[0].keyprov_xml, "<prov/>");
  json bad = ToJson(r);
  bad["identities"][0].erase("init_xml");
  auto e = ProvisionFromJson(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message().find("identities[0].init_xml"), std::string::npos) << e.error().message();
  EXPECT_EQ(ToJson(ProvisionAnswer{}), (json{{"ok", true}}));
}

TEST(MessagesTest, RegroupAnswerRoundTrips) {
  std::vector<SentGktp> gktps = {{7, "sip:gms@fire.example", {0x01, 0x1a}}, {14, "sip:a@x", {0x01}}};
  auto back = GktpListFromJson(GktpsAnswerJson(gktps));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].step, 7);
  EXPECT_EQ((*back)[1].recipient, "sip:a@x");
  EXPECT_EQ((*back)[0].message, gktps[0].message);
}

TEST(MessagesTest, ExcerptIsPrintableAndBounded) {
  EXPECT_EQ(Excerpt("ok"), "ok");
  EXPECT_EQ(Excerpt(std::string("a\x1b\x00", 3)), "a\\x1b\\x00");
  EXPECT_EQ(Excerpt(std::string(200, 'x'), 10), std::string(10, 'x') + "...");
}

}  // namespace
}  // namespace mcx::shim
