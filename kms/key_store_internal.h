// Private to //kms:key_store: the state behind kms::KeyStore and the
// functions its source files share. key_store.cc is the in-memory
// store (lookups, building); key_issuing.cc makes master secrets and key
// sets; key_store_files.cc reads and writes the store directory;
// key_store_json.cc reads and writes the JSON export and the secrets file;
// key_material_cache.cc shares seeded domains and key sets between stores.
#ifndef MCXTEST_KMS_KEY_STORE_INTERNAL_H_
#define MCXTEST_KMS_KEY_STORE_INTERNAL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

#include "crypto/result.h"
#include "crypto/secret.h"
#include "kms/annex_d.h"
#include "kms/key_material_cache.h"
#include "kms/key_store.h"

namespace mcx::kms {

inline constexpr char kStoreFormat[] = "mcxtest-kms-store";
inline constexpr char kSecretsFormat[] = "mcxtest-kms-master-secrets";
inline constexpr int kFormatVersion = 1;

struct MasterSecrets {
  SecretBytes ksak;
  SecretBytes z;
  SecretBytes drbg_key;  // empty when the domain was created without a seed
};

using KeySetKey = std::pair<std::string, uint64_t>;  // (identity, key period no)

// A seeded domain as its DomainConfig derives it, once per
// KeyMaterialCache; never changed after it is made.
struct SharedDomain {
  DomainConfig config;
  KmsCertificate certificate;  // Role="Root"
  MasterSecrets secrets;
};

struct Domain {
  KmsCertificate certificate;
  std::optional<MasterSecrets> secrets;
  // Set when the domain came from a KeyMaterialCache: its key sets are
  // issued through (and shared with) the cache.
  std::shared_ptr<const SharedDomain> shared;
  std::map<KeySetKey, SharedKeySet> stored;
  // Issued on demand by lookups; never written.
  std::map<KeySetKey, SharedKeySet> issued;
};

struct KeyStore::State {
  std::string dir;  // empty: in memory only
  std::map<std::string, Domain, std::less<>> domains;
  // Domains with an explicit trust list trust only those KMSs; the others
  // trust every other domain of the store.
  std::map<std::string, std::set<std::string>, std::less<>> trust;
  size_t issued_on_demand = 0;  // over all domains
  size_t issue_limit = kMaxKeySetsIssuedOnDemand;
  std::shared_ptr<KeyMaterialCache> cache;  // null: derive everything here
  mutable std::mutex mu;

  Result<Domain*> Find(std::string_view kms_uri);
  Result<const Domain*> Find(std::string_view kms_uri) const;
};

struct KeyMaterialCache::Impl {
  using DomainKey = std::tuple<std::string, uint64_t, uint64_t, uint64_t>;  // URI, period, offset, seed
  struct CachedKeySet {
    SharedKeySet set;
    bool checked = false;  // has passed ValidateKmsKeySet
  };

  // `config` must have a seed.
  Result<std::shared_ptr<const SharedDomain>> Domain(const DomainConfig& config);
  // The key set of `identity` for a period of `d`; `checked`: it must have
  // passed the client-side checks (Provision), else they may be skipped
  // (KeyStore::KeySet says why).
  Result<SharedKeySet> KeySet(const SharedDomain& d, std::string_view identity, uint64_t key_period_no,
                              bool checked);

  size_t max_domains = 0;
  size_t max_key_sets = 0;
  mutable std::mutex mu;
  std::map<DomainKey, std::shared_ptr<const SharedDomain>> domains;
  std::map<std::pair<DomainKey, KeySetKey>, CachedKeySet> key_sets;
  KeyMaterialCache::Counts counts;
};

// Wipes a string holding key material when it goes out of scope.
struct WipeOnExit {
  std::string& s;
  ~WipeOnExit() { SecureZero(s.data(), s.size()); }
};

// ---- key_issuing.cc

// URIs end up in XML text, file names and UIDs: printable, valid UTF-8 and
// short enough for the UID's 2-octet length field.
Status CheckUri(std::string_view uri, const char* what);
Result<MasterSecrets> GenerateSecrets(const DomainConfig& config);
// A new domain's master secrets and its validated Root certificate.
Result<std::pair<KmsCertificate, MasterSecrets>> DeriveDomain(const DomainConfig& config);
// Secrets must reproduce the certificate's public keys, or the domain would
// issue keys nobody can validate.
Status CheckSecretsMatch(const MasterSecrets& s, const KmsCertificate& c, const std::string& where);
// `check_keys`: run the client-side checks on the new set (see
// KeyStore::KeySet for when they are skipped).
Result<KmsKeySet> IssueKeySet(const KmsCertificate& c, const MasterSecrets& s, std::string_view identity,
                              uint64_t key_period_no, bool check_keys = true);

// ---- key_store_json.cc

// keystore.json, the directory's format marker.
std::string MarkerJson();
Status CheckMarkerJson(std::string_view text, const std::string& where);
// master-secrets.json of a domain.
std::string SecretsJson(const std::string& kms_uri, const MasterSecrets& s);
Result<MasterSecrets> ParseSecrets(std::string_view text, const KmsCertificate& c, const std::string& where);
// The JSON export; `where` names the input in errors.
std::string ExportJsonOf(const KeyStore::State& state, bool include_secrets);
Result<std::unique_ptr<KeyStore::State>> ParseJsonExport(std::string_view text, const std::string& where);

// ---- key_store_files.cc (all no-ops for an in-memory state)

// A whole domain appears at once: written under a hidden name, then renamed.
Status WriteDomain(const KeyStore::State& state, const Domain& d);
// Writes `k` unless the directory already holds a key set for its identity
// and period (another process was first); returns the one now stored.
Result<KmsKeySet> PublishKeySet(const KeyStore::State& state, const KmsCertificate& certificate,
                                const KmsKeySet& k);
Result<std::unique_ptr<KeyStore::State>> LoadDirectory(const std::string& dir);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_KEY_STORE_INTERNAL_H_
