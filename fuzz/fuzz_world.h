// The fixed key material every crypto-facing fuzz target and the corpus
// generator share: two seeded KMS domains (so each run, on each machine,
// has byte-identical keys and therefore a reproducible corpus) and key sets
// for a few identities around one reference time.
//
// Two stores, because they serve different sides:
//  - `signing` holds the master secrets. The mutator and the corpus
//    generator sign and encapsulate with it, only ever for the provisioned
//    (identity, key period) pairs, so nothing is issued while fuzzing.
//  - `verifying` holds certificates and the provisioned key sets only. A
//    verifier asked about a key period or identity the fuzzer invented gets
//    a cheap "not found" instead of issuing (and caching) a fresh key set,
//    which would make executions slow and memory grow without bound.
#ifndef MCXTEST_FUZZ_FUZZ_WORLD_H_
#define MCXTEST_FUZZ_FUZZ_WORLD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/sakke.h"
#include "kms/key_store.h"
#include "mikey/gktp_builder.h"
#include "mikey/gktp_verifier.h"

namespace mcx::fuzz {

inline constexpr char kPrimaryKms[] = "kms.police.example";
inline constexpr char kPartnerKms[] = "kms.fire.example";
inline constexpr uint64_t kNow = 3913056000;  // NTP seconds
inline constexpr uint64_t kPeriod = 86400;
inline constexpr char kGroupId[] = "sip:temp-1@police.example";

struct FuzzWorld {
  kms::KeyStore signing = kms::KeyStore::InMemory();
  kms::KeyStore verifying = kms::KeyStore::InMemory();
  mikey::GktpParty gms{"sip:gms@police.example", kPrimaryKms};
  mikey::GktpParty alice{"sip:alice@police.example", kPrimaryKms};
  mikey::GktpParty partner_gms{"sip:gms@fire.example", kPartnerKms};
  // Key periods (of kNow's neighbourhood) with key sets for every party.
  std::vector<uint64_t> periods;

  std::vector<mikey::GktpParty> Parties() const { return {gms, alice, partner_gms}; }
  // The key period of `ntp_seconds` when key sets exist for it.
  bool HasKeysFor(uint64_t ntp_seconds) const;
  // What the gktp_verify target checks every message against: alice
  // receiving from the police GMS at kNow, for kGroupId.
  mikey::VerifyOptions Options() const;
};

// Built on first use (a few seconds: SAKKE key issue); never destroyed.
const FuzzWorld& World();

// The specs of the gktp_verify seed messages: the shapes the reference
// implementation sends (identity hiding on and off, GENERIC-ID and empty CS
// maps, protected and clear key parameters, SAKKE-to-self, a partner GMS).
// Deterministic: fixed GMKs, RANDs, IVs and ECCSI j values.
std::vector<mikey::GktpSpec> SeedSpecs();

// A deterministic ECCSI j (32 octets, below the group order) from `seed`.
Bytes DeterministicJ(uint64_t seed);

}  // namespace mcx::fuzz

#endif  // MCXTEST_FUZZ_FUZZ_WORLD_H_
