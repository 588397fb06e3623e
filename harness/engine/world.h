// The world of one test case, internal to the engine: its KMS domains (and
// a rogue KMS nobody trusts), the GMSs, which KMS each member belongs to, the
// clock, and the keys the harness distributes when it plays a GMS. Everything
// is derived from the run's seed and the case, so reruns repeat it; the KMS
// domains' keys from the seed and the domain alone (DomainConfigOf).
#ifndef MCXTEST_HARNESS_ENGINE_WORLD_H_
#define MCXTEST_HARNESS_ENGINE_WORLD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"
#include "harness/engine/engine.h"
#include "harness/scenario/scenario.h"
#include "harness/shim/requests.h"
#include "kms/key_material_cache.h"
#include "kms/key_store.h"
#include "mikey/gktp_verifier.h"

namespace mcx::engine {

inline constexpr char kRogueKms[] = "kms.rogue.invalid";
inline constexpr char kRogueGms[] = "sip:gms@rogue.invalid";

// The key material every World of this process shares (derived once per
// run: see DomainConfigOf). Thread-safe; cases mutate only their own store.
std::shared_ptr<kms::KeyMaterialCache> ProcessKeyMaterial();

struct World {
  // The case's own store (its trust lists, provisioned and imported key
  // sets) over the process's shared, immutable domain keys.
  kms::KeyStore store = kms::KeyStore::InMemory(ProcessKeyMaterial());
  shim::Party primary_gms;
  std::optional<shim::Party> partner_gms;
  shim::Party rogue_gms{kRogueGms, kRogueKms};
  std::map<std::string, std::string> kms_of_member;  // member URI -> KMS URI
  std::map<std::string, std::string> kms_of_domain;  // "primary"/"partner" -> KMS URI
  uint64_t t0 = kDefaultClockNtpSeconds;
  uint64_t seed = 1;
  // How far T may be from a receiver's clock (EngineOptions::t_window_seconds).
  uint64_t t_window_seconds = kDefaultTWindowSeconds;
  shim::GktpOptions options;
  // One for the whole case, so its prepared KMS keys (a 4.2 MB table each,
  // about 0.1 s to build) serve every batch.
  mikey::GktpVerifier verifier{store};
};

// A KMS domain of the world: its keys depend only on the run's seed and the
// domain's definition (URI, key period, offset), never on the case, so a
// case run alone (mcxtest run FILE) gets the keys it gets inside the whole suite,
// whatever --jobs or the order, and a run derives each domain once.
kms::DomainConfig DomainConfigOf(uint64_t run_seed, const std::string& kms_uri, uint64_t key_period,
                                 uint64_t key_period_offset);

Result<std::unique_ptr<World>> BuildWorld(const scenario::Scenario& s, const EngineOptions& o);

// What a KMS would give `identity`: its certificate, key sets for `periods`
// and the external certificates its domain trusts.
Result<shim::ProvisionedIdentity> Provision(World& w, const std::string& uri, const std::string& kms_uri,
                                            const std::set<uint64_t>& periods);
// The key periods of `kms_uri` that `times` fall in.
Result<std::set<uint64_t>> PeriodsAt(const World& w, const std::string& kms_uri, std::vector<uint64_t> times);

// The KMS a GMS of the scenario belongs to (the harness knows it; IDR.KMS
// fails when IDRkmsi names another one).
std::optional<std::string> KmsOfGms(const World& w, const std::string& gms_uri);
// The MC domain's KMS that is not `kms_uri` (empty with one domain): what a
// fault naming "the other domain's KMS" puts in.
std::string OtherMcKms(const World& w, const std::string& kms_uri);

// The group whose key the case distributes.
std::string GroupOfKeys(const scenario::Scenario& s);
// The GMK and GMK-ID the harness distributes when it plays a GMS towards the
// SUT: derived from the run's seed and the case, so reruns repeat them.
std::pair<SecretBytes, uint32_t> HarnessGroupKey(const World& w, const scenario::Scenario& s);
// The GMK and GMK-ID of a negative case's positive control: its own, so the
// valid twin is never a replay of the mutated message's key.
std::pair<SecretBytes, uint32_t> HarnessControlKey(const World& w, const scenario::Scenario& s);
// The existing key of a constituent group: from the scenario, else derived.
std::pair<Bytes, uint32_t> ExistingGroupKey(const World& w, const scenario::Group& g);

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_WORLD_H_
