// A case's world: KMS keys depend on the run seed and the domain alone, are
// derived once per process, and each case's store keeps its changes to itself.
#include "harness/engine/world.h"

#include <gtest/gtest.h>

#include <string>

#include "harness/scenario/scenario.h"

namespace mcx::engine {
namespace {

scenario::Scenario Case(const std::string& id, uint64_t partner_key_period) {
  std::string yaml = "id: " + id + R"(
title: world test
spec: ["TS 33.180 7.3.3.3"]
role: primary-gms
procedure: multi-domain-regroup
domains:
  primary: {kms_uri: kms.police.example, gms_uri: "sip:gms@police.example", key_period: 86400}
  partner: {kms_uri: kms.fire.example, gms_uri: "sip:gms@fire.example", key_period: )" +
                     std::to_string(partner_key_period) + R"(}
groups:
  - id: sip:group-a@police.example
    domain: primary
    members: [sip:alice@police.example, sip:bob@police.example]
  - id: sip:group-b@fire.example
    domain: partner
    members: [sip:dave@fire.example]
regroup:
  requester: sip:alice@police.example
  temporary_group_id: sip:temp-1@police.example
  constituent_groups: [sip:group-a@police.example, sip:group-b@fire.example]
expect:
  outcome: accept
)";
  auto s = scenario::ParseScenario(yaml, id + ".yaml");
  EXPECT_TRUE(s.ok()) << s.error().ToString();
  return *s;
}

std::unique_ptr<World> Build(const scenario::Scenario& s, uint64_t seed) {
  EngineOptions o;
  o.seed = seed;
  auto w = BuildWorld(s, o);
  EXPECT_TRUE(w.ok()) << w.error().ToString();
  return std::move(w).value();
}

TEST(WorldTest, KeysDependOnTheSeedAndTheDomainNotTheCase) {
  auto a = Build(Case("W-A", 86400), 1);
  auto b = Build(Case("W-B", 86400), 1);
  for (const char* kms : {"kms.police.example", "kms.fire.example", kRogueKms}) {
    EXPECT_EQ(*a->store.Certificate(kms), *b->store.Certificate(kms)) << kms;
  }
  auto alice_a = Provision(*a, "sip:alice@police.example", "kms.police.example", {1500});
  auto alice_b = Provision(*b, "sip:alice@police.example", "kms.police.example", {1500});
  ASSERT_TRUE(alice_a.ok() && alice_b.ok());
  EXPECT_EQ(alice_a->keyprov_xml, alice_b->keyprov_xml);
  EXPECT_EQ(alice_a->certcache_xml, alice_b->certcache_xml);

  // Another seed, or another definition of a domain, gives other keys.
  auto seed2 = Build(Case("W-A", 86400), 2);
  EXPECT_NE(a->store.Kms("kms.police.example")->z_t, seed2->store.Kms("kms.police.example")->z_t);
  auto period = Build(Case("W-A", 3600), 1);
  EXPECT_NE(a->store.Kms("kms.fire.example")->kpak, period->store.Kms("kms.fire.example")->kpak);
  EXPECT_EQ(a->store.Kms("kms.police.example")->kpak, period->store.Kms("kms.police.example")->kpak);
}

TEST(WorldTest, ACaseChangesOnlyItsOwnStore) {
  auto a = Build(Case("W-C", 86400), 1);
  auto b = Build(Case("W-D", 86400), 1);
  ASSERT_TRUE(a->store.SetTrustedKms("kms.police.example", {}).ok());
  ASSERT_TRUE(a->store.Provision("kms.police.example", "sip:bob@police.example", 1500).ok());
  EXPECT_TRUE(a->store.TrustedExternalKms("kms.police.example")->empty());
  EXPECT_EQ(*b->store.TrustedExternalKms("kms.police.example"), std::vector<std::string>{"kms.fire.example"});
  EXPECT_EQ(a->store.StoredKeySets("kms.police.example").size(), 1u);
  EXPECT_TRUE(b->store.StoredKeySets("kms.police.example").empty());
  // Both stores draw on the one process-wide cache.
  EXPECT_GE(ProcessKeyMaterial()->counts().reused, 3u);
}

}  // namespace
}  // namespace mcx::engine
