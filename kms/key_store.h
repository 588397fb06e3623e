// A key store: the KMS side of every test. It holds several security domains
// (say a primary and a partner MC system), each with its KMS certificate,
// optionally its master secrets (then it can issue key sets for any identity
// and key period) and the key sets issued so far. Every domain trusts the
// certificates of the other domains in the same store as External KMSs.
//
// On disk it is a directory (format in docs/keystore.md):
//
//   DIR/keystore.json                                  format marker
//   DIR/domains/<KMS>/certificate.xml                  Annex D KmsCertificate, Role="Root"
//   DIR/domains/<KMS>/master-secrets.json              KSAK, z (mode 0600; absent for public-only domains)
//   DIR/domains/<KMS>/keysets/<identity>.<period>.xml  Annex D KmsKeySet (mode 0600)
//
// Loading is all or nothing: every file is parsed strictly and every key set
// validated against its certificate before Load returns a store, so a store
// is never half-loaded. The same content exports as one JSON file, which
// Load also accepts.
#ifndef MCXTEST_KMS_KEY_STORE_H_
#define MCXTEST_KMS_KEY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"
#include "kms/annex_d.h"
#include "kms/key_lookup.h"
#include "kms/key_material_cache.h"

namespace mcx::kms {

// 30 days, as in the Annex D examples.
inline constexpr uint64_t kDefaultUserKeyPeriod = 2592000;
// Key sets one store issues on demand (KeySet) and keeps in memory, over
// all domains: about 1 KiB each, so at most ~64 MiB however many identities
// `kms serve` is asked about. Past it, KeySet answers kNotFound for sets not
// issued yet (Provision stores them without limit).
inline constexpr size_t kMaxKeySetsIssuedOnDemand = 65536;

struct DomainConfig {
  std::string kms_uri;
  uint64_t user_key_period = kDefaultUserKeyPeriod;  // seconds
  uint64_t user_key_offset = 0;                      // seconds
  // Set: every secret of the domain comes from kms/drbg.h, so the same seed
  // gives byte-identical files. Unset: OpenSSL randomness.
  std::optional<uint64_t> seed;
};

class KeyStore final : public KeyLookup {
 public:
  // An empty store that lives only in memory (nothing is ever written).
  static KeyStore InMemory();
  // The same, taking its seeded domains and their key sets from `cache`
  // (deriving them there once): same bytes as without it, derived once for
  // all the stores that share the cache (kms/key_material_cache.h).
  static KeyStore InMemory(std::shared_ptr<KeyMaterialCache> cache);
  // An empty store backed by `dir`; `dir` must not exist or be empty.
  static Result<KeyStore> Create(const std::string& dir);
  // A store directory, or a JSON file written by ExportJson (then the store
  // is in-memory). All or nothing; errors name the file and element.
  static Result<KeyStore> Load(const std::string& path);
  // A JSON export already in memory, as Load reads a file: an in-memory
  // store; `name` says where the text came from in errors.
  static Result<KeyStore> LoadJsonExport(std::string_view json, const std::string& name);
  // Load(dir) if it holds a store, else Create(dir).
  static Result<KeyStore> OpenOrCreate(const std::string& dir);

  KeyStore(KeyStore&&) noexcept;
  KeyStore& operator=(KeyStore&&) noexcept;
  ~KeyStore() override;

  // Empty for an in-memory store.
  const std::string& directory() const;

  // ---- building

  // A new domain with fresh (or seeded) master secrets.
  Status CreateDomain(const DomainConfig& config);
  // A domain known only by its certificate (a partner KMS, published
  // vectors): it can answer with stored key sets but issue none.
  Status ImportCertificate(const KmsCertificate& certificate);
  // A key set issued elsewhere, validated against its KMS's certificate.
  Status ImportKeySet(const KmsKeySet& key_set);
  // Issues (or returns the already stored) key set of `identity` for key
  // period `key_period_no`, validates it and keeps it (on disk too).
  Result<KmsKeySet> Provision(std::string_view kms_uri, std::string_view identity, uint64_t key_period_no);

  // Restricts which other domains `kms_uri` trusts as external KMSs (by
  // default: all of them); the harness uses it to model a KMS nobody trusts.
  // The JSON export carries the lists; a store directory has no place for
  // them, so a directory-backed store forgets them when it is loaded again.
  Status SetTrustedKms(std::string_view kms_uri, const std::vector<std::string>& trusted);
  // Lowers (or raises) kMaxKeySetsIssuedOnDemand for this store.
  void SetOnDemandIssueLimit(size_t max_key_sets);

  // ---- lookups (thread-safe)

  std::vector<std::string> KmsUris() const;  // sorted
  bool HasDomain(std::string_view kms_uri) const override;
  bool HasMasterSecrets(std::string_view kms_uri) const;
  Result<KmsPublicParams> Kms(std::string_view kms_uri) const override;
  // The domain's own certificate (Role="Root").
  Result<KmsCertificate> Certificate(std::string_view kms_uri) const;
  // The certificates `kms_uri` trusts for inter-domain traffic: every other
  // domain's, marked Role="External", sorted by KMS URI.
  Result<std::vector<KmsCertificate>> TrustedExternalCertificates(std::string_view kms_uri) const;
  Result<std::vector<std::string>> TrustedExternalKms(std::string_view kms_uri) const override;
  Result<uint64_t> KeyPeriodNo(std::string_view kms_uri, uint64_t ntp_seconds) const override;

  // The key set of `identity` for a key period: the stored one, else issued
  // on demand when the domain has its master secrets (kept in memory, not
  // written). Unlike Provision(), sets issued here skip the client-side
  // validation (key_store.cc says why).
  Result<SharedKeySet> KeySet(std::string_view kms_uri, std::string_view identity,
                              uint64_t key_period_no) const override;
  // The same without naming the KMS: the domain that holds key sets of
  // `identity`, or the store's only domain (an error if several domains
  // hold key sets of `identity`, or none does and there are several).
  Result<SharedKeySet> KeySet(std::string_view identity, uint64_t key_period_no) const;
  Result<std::string> KmsForIdentity(std::string_view identity) const override;
  std::vector<std::string> Identities() const override;
  // Stored key sets of a domain, sorted by (identity, period).
  std::vector<KmsKeySet> StoredKeySets(std::string_view kms_uri) const;

  // ---- export

  // The whole store as JSON (schema in docs/keystore.md); KSAK, z, SSK and
  // RSK only when `include_secrets`. Deterministic.
  std::string ExportJson(bool include_secrets) const;
  // A human-readable summary for `mcxtest kms show`.
  std::string Describe() const;

  struct State;

 private:
  explicit KeyStore(std::unique_ptr<State> state);
  KeyMaterialCache::Impl* CacheImpl() const;  // null without a cache
  std::unique_ptr<State> state_;
};

// The file-name form of a URI inside a store: [A-Za-z0-9._-] kept, every
// other octet (and a leading '.') as %XX; long names end in a hash.
std::string StoreFileName(std::string_view uri);

// The validity window of a key period as xsd:dateTime (UTC).
Result<std::pair<std::string, std::string>> KeyPeriodValidity(uint64_t key_period, uint64_t key_period_offset,
                                                              uint64_t key_period_no);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_KEY_STORE_H_
