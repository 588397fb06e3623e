#include "harness/shim/messages.h"

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
  EXPECT_NE(e.error().message().find("srtp_master_salt"), std::string::npos);
  EXPECT_FALSE(DeliverAnswerFromJson(json{{"accepted", "yes"}}).ok());
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

}  // namespace
}  // namespace mcx::shim
