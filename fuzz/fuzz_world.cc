#include "fuzz/fuzz_world.h"

#include <cstdio>
#include <cstdlib>

#include "crypto/uid.h"

namespace mcx::fuzz {
namespace {

void OrDie(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "fuzz world: %s: %s\n", what, s.error().ToString().c_str());
  std::abort();
}

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) OrDie(Status(r.error()), what);
  return std::move(r).value();
}

uint64_t SplitMix(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

FuzzWorld* Build() {
  auto* w = new FuzzWorld;
  OrDie(w->signing.CreateDomain({kPrimaryKms, kPeriod, 0, 1}), "primary domain");
  OrDie(w->signing.CreateDomain({kPartnerKms, kPeriod, 0, 2}), "partner domain");
  uint64_t now_period = OrDie(w->signing.KeyPeriodNo(kPrimaryKms, kNow), "key period");
  w->periods = {now_period - 1, now_period, now_period + 1};
  for (const char* kms : {kPrimaryKms, kPartnerKms}) {
    OrDie(w->verifying.ImportCertificate(OrDie(w->signing.Certificate(kms), "certificate")), "import certificate");
  }
  for (const auto& party : w->Parties()) {
    for (uint64_t period : w->periods) {
      auto keys = OrDie(w->signing.Provision(party.kms_uri, party.uri, period), "provision");
      OrDie(w->verifying.ImportKeySet(keys), "import key set");
    }
  }
  return w;
}

}  // namespace

bool FuzzWorld::HasKeysFor(uint64_t ntp_seconds) const {
  auto period = KeyPeriodNumber(ntp_seconds, kPeriod, 0);
  if (!period.ok()) return false;
  for (uint64_t p : periods) {
    if (p == *period) return true;
  }
  return false;
}

mikey::VerifyOptions FuzzWorld::Options() const {
  mikey::VerifyOptions o;
  o.recipient_uri = alice.uri;
  o.recipient_kms_uri = alice.kms_uri;
  o.expected_sender_uri = gms.uri;
  o.candidate_senders = {partner_gms.uri};
  o.now_ntp_seconds = kNow;
  o.expected_group_id = kGroupId;
  return o;
}

const FuzzWorld& World() {
  static const FuzzWorld* world = Build();
  return *world;
}

Bytes DeterministicJ(uint64_t seed) {
  uint64_t state = seed;
  Bytes j;
  while (j.size() < 32) {
    Bytes part = FixedBigEndian(SplitMix(&state), 8);
    j.insert(j.end(), part.begin(), part.end());
  }
  j[0] &= 0x7f;  // below the P-256 group order
  j[31] |= 0x01;  // never zero
  return j;
}

std::vector<mikey::GktpSpec> SeedSpecs() {
  const FuzzWorld& w = World();
  auto base = [&](uint64_t n) {
    mikey::GktpSpec spec;
    spec.sender = w.gms;
    spec.recipient = w.alice;
    spec.gmk = SecretBytes(Bytes(16, static_cast<uint8_t>(0x40 + n)));
    spec.gmk_id = 0x0abcde00 + static_cast<uint32_t>(n);
    spec.ntp_seconds = kNow;
    spec.rand = Bytes(16, static_cast<uint8_t>(0x10 + n));
    spec.key_params.form = mikey::KeyParamsForm::kProtected;
    spec.key_params.params.key_type = 0;
    spec.key_params.params.status = mikey::kKeyStatusValid;
    spec.key_params.params.text = "fuzz seed " + std::to_string(n);
    spec.key_params.params.group_ids = std::vector<mikey::GroupIdTlv>{{0x78, ToBytes(kGroupId)}};
    spec.key_params.date_time = kNow;
    spec.key_params.payload_id = static_cast<uint32_t>(n);
    std::array<uint8_t, mikey::kProtectedPayloadIvSize> iv{};
    iv.fill(static_cast<uint8_t>(0xa0 + n));
    spec.key_params.iv = iv;
    spec.sakke_to_self = true;
    spec.eccsi_j = DeterministicJ(n);
    return spec;
  };
  std::vector<mikey::GktpSpec> specs;
  specs.push_back(base(0));  // the deployed Rel-15+ shape
  {
    auto s = base(1);  // identities in clear
    s.identity_hiding = false;
    specs.push_back(s);
  }
  {
    auto s = base(2);  // Rel-13: clear key parameters, no SAKKE-to-self
    s.key_params.form = mikey::KeyParamsForm::kClear;
    s.sakke_to_self = false;
    specs.push_back(s);
  }
  {
    auto s = base(3);  // empty CS ID map, no SP, no key parameters
    s.cs_map = mikey::CsMapMode::kEmpty;
    s.include_sp = false;
    s.key_params.form = mikey::KeyParamsForm::kNone;
    specs.push_back(s);
  }
  {
    auto s = base(4);  // from the partner domain's GMS
    s.sender = w.partner_gms;
    specs.push_back(s);
  }
  {
    auto s = base(5);  // the next key period, MCVideo group
    s.ntp_seconds = kNow + kPeriod;
    s.cs_id = 5;
    specs.push_back(s);
  }
  {
    auto s = base(6);  // key parameters with times and several groups
    s.key_params.params.activation_time = kNow - 60;
    s.key_params.params.expiry_time = kNow + 3600;
    s.key_params.params.status = mikey::kKeyStatusValid | mikey::kKeyStatusShared;
    s.key_params.params.group_ids->push_back({0x78, ToBytes("sip:other@police.example")});
    specs.push_back(s);
  }
  return specs;
}

}  // namespace mcx::fuzz
