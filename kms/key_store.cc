// The in-memory key store: domains, their key sets and trust, behind one
// mutex; building writes through to the directory (key_store_files.cc) of a
// directory-backed store.
#include "kms/key_store.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <utility>

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"
#include "kms/key_store_internal.h"
#include "kms/ntp_time.h"
#include "kms/validate.h"

namespace mcx::kms {
namespace {

std::string Abbreviated(ByteSpan bytes) {
  if (bytes.size() <= 65) return ToHex(bytes);
  return ToHex(bytes.first(16)) + "... (" + std::to_string(bytes.size()) + " octets)";
}

Error IssueLimitReached(std::string_view identity, uint64_t key_period_no, size_t limit) {
  return Error(ErrorCode::kNotFound,
               "no key set of " + std::string(identity) + " for period " + std::to_string(key_period_no) +
                   ": this key store has already issued its limit of " + std::to_string(limit) +
                   " key sets on demand (provision the identity into the store, or restart)");
}

Error NoDomain(std::string_view kms_uri) {
  return Error(ErrorCode::kNotFound, "no KMS domain '" + std::string(kms_uri) + "' in the key store");
}

// What issuing a key set of a domain needs, taken under the store's lock
// so that the slow part runs outside it.
struct Issuer {
  std::shared_ptr<const SharedDomain> shared;  // set: issue through the cache
  KmsCertificate certificate;
  MasterSecrets secrets;

  static Issuer Of(const Domain& d) {
    if (d.shared) return Issuer{d.shared, {}, {}};
    return Issuer{nullptr, d.certificate, *d.secrets};
  }
  Result<SharedKeySet> Issue(KeyMaterialCache::Impl* cache, std::string_view identity, uint64_t key_period_no,
                             bool checked) const {
    if (shared) return cache->KeySet(*shared, identity, key_period_no, checked);
    MCX_ASSIGN_OR_RETURN(KmsKeySet k, IssueKeySet(certificate, secrets, identity, key_period_no, checked));
    return std::make_shared<const KmsKeySet>(std::move(k));
  }
};

}  // namespace

Result<Domain*> KeyStore::State::Find(std::string_view kms_uri) {
  auto it = domains.find(kms_uri);
  if (it == domains.end()) return NoDomain(kms_uri);
  return &it->second;
}

Result<const Domain*> KeyStore::State::Find(std::string_view kms_uri) const {
  auto it = domains.find(kms_uri);
  if (it == domains.end()) return NoDomain(kms_uri);
  return &it->second;
}

KeyStore::KeyStore(std::unique_ptr<State> state) : state_(std::move(state)) {}
KeyStore::KeyStore(KeyStore&&) noexcept = default;
KeyStore& KeyStore::operator=(KeyStore&&) noexcept = default;
KeyStore::~KeyStore() = default;

KeyStore KeyStore::InMemory() { return KeyStore(std::make_unique<State>()); }

KeyMaterialCache::Impl* KeyStore::CacheImpl() const { return state_->cache ? state_->cache->impl_.get() : nullptr; }

KeyStore KeyStore::InMemory(std::shared_ptr<KeyMaterialCache> cache) {
  auto state = std::make_unique<State>();
  state->cache = std::move(cache);
  return KeyStore(std::move(state));
}

const std::string& KeyStore::directory() const { return state_->dir; }

Status KeyStore::CreateDomain(const DomainConfig& config) {
  MCX_RETURN_IF_ERROR(CheckUri(config.kms_uri, "KMS URI"));
  if (config.user_key_period == 0) return InvalidArgument("key period must not be 0");
  {
    std::lock_guard lock(state_->mu);
    if (state_->domains.count(config.kms_uri) != 0) {
      return InvalidArgument("the key store already has a KMS domain '" + config.kms_uri + "'");
    }
  }
  Domain d;
  if (state_->cache && config.seed) {
    MCX_ASSIGN_OR_RETURN(d.shared, CacheImpl()->Domain(config));
    d.certificate = d.shared->certificate;
    d.secrets = d.shared->secrets;
  } else {
    MCX_ASSIGN_OR_RETURN(auto derived, DeriveDomain(config));
    d.certificate = std::move(derived.first);
    d.secrets = std::move(derived.second);
  }
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(WriteDomain(*state_, d));
  state_->domains.emplace(config.kms_uri, std::move(d));
  return Status::Ok();
}

Status KeyStore::ImportCertificate(const KmsCertificate& certificate) {
  MCX_RETURN_IF_ERROR(CheckUri(certificate.kms_uri, "KMS URI"));
  KmsCertificate c = certificate;
  c.role = CertificateRole::kRoot;
  MCX_RETURN_IF_ERROR(ValidateKmsCertificate(c));
  std::lock_guard lock(state_->mu);
  if (auto it = state_->domains.find(c.kms_uri); it != state_->domains.end()) {
    if (it->second.certificate == c) return Status::Ok();
    return InvalidArgument("the key store already has a different certificate for KMS '" + c.kms_uri + "'");
  }
  Domain d;
  d.certificate = std::move(c);
  MCX_RETURN_IF_ERROR(WriteDomain(*state_, d));
  std::string kms_uri = d.certificate.kms_uri;
  state_->domains.emplace(std::move(kms_uri), std::move(d));
  return Status::Ok();
}

Status KeyStore::ImportKeySet(const KmsKeySet& key_set) {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(key_set.kms_uri));
  MCX_RETURN_IF_ERROR(CheckUri(key_set.user_uri, "identity URI"));
  MCX_RETURN_IF_ERROR(ValidateKmsKeySet(key_set, d->certificate));
  KeySetKey key{key_set.user_uri, key_set.key_period_no};
  const auto different = [&key_set] {
    return InvalidArgument("a different key set of " + key_set.user_uri + " for period " +
                           std::to_string(key_set.key_period_no) + " is already stored");
  };
  if (auto it = d->stored.find(key); it != d->stored.end()) {
    if (*it->second == key_set) return Status::Ok();
    return different();
  }
  MCX_ASSIGN_OR_RETURN(KmsKeySet stored, PublishKeySet(*state_, d->certificate, key_set));
  if (!(stored == key_set)) return different();
  d->stored.emplace(std::move(key), std::make_shared<const KmsKeySet>(std::move(stored)));
  return Status::Ok();
}

Result<KmsKeySet> KeyStore::Provision(std::string_view kms_uri, std::string_view identity, uint64_t key_period_no) {
  Issuer issuer;
  {
    std::lock_guard lock(state_->mu);
    MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
    if (auto it = d->stored.find({std::string(identity), key_period_no}); it != d->stored.end()) return *it->second;
    if (!d->secrets) {
      return InvalidArgument("KMS '" + std::string(kms_uri) +
                             "' has no master secrets in this store (public only): it cannot issue key sets");
    }
    issuer = Issuer::Of(*d);
  }
  MCX_ASSIGN_OR_RETURN(SharedKeySet issued, issuer.Issue(CacheImpl(), identity, key_period_no, /*checked=*/true));
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
  KeySetKey key{issued->user_uri, issued->key_period_no};
  if (auto it = d->stored.find(key); it != d->stored.end()) return *it->second;
  // Another process may have stored this key set since the store was
  // loaded: then its set wins and is what this caller gets too.
  MCX_ASSIGN_OR_RETURN(KmsKeySet stored, PublishKeySet(*state_, d->certificate, *issued));
  state_->issued_on_demand -= d->issued.erase(key);
  d->stored.emplace(std::move(key), stored == *issued ? issued : std::make_shared<const KmsKeySet>(stored));
  return stored;
}

std::vector<std::string> KeyStore::KmsUris() const {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> uris;
  for (const auto& [uri, domain] : state_->domains) uris.push_back(uri);
  return uris;
}

bool KeyStore::HasDomain(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  return state_->domains.find(kms_uri) != state_->domains.end();
}

bool KeyStore::HasMasterSecrets(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->domains.find(kms_uri);
  return it != state_->domains.end() && it->second.secrets.has_value();
}

Result<KmsPublicParams> KeyStore::Kms(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
  const KmsCertificate& c = d->certificate;
  return KmsPublicParams{c.kms_uri, c.pub_auth_key, c.pub_enc_key, c.user_key_period, c.user_key_offset};
}

Result<KmsCertificate> KeyStore::Certificate(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
  return d->certificate;
}

Status KeyStore::SetTrustedKms(std::string_view kms_uri, const std::vector<std::string>& trusted) {
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(state_->Find(kms_uri));
  for (const auto& t : trusted) MCX_RETURN_IF_ERROR(state_->Find(t));
  state_->trust[std::string(kms_uri)] = std::set<std::string>(trusted.begin(), trusted.end());
  return Status::Ok();
}

Result<std::vector<KmsCertificate>> KeyStore::TrustedExternalCertificates(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(const Domain* self, state_->Find(kms_uri));
  std::vector<KmsCertificate> out;
  auto trust = state_->trust.find(kms_uri);
  for (const auto& [uri, domain] : state_->domains) {
    if (&domain == self) continue;
    if (trust != state_->trust.end() && !trust->second.count(uri)) continue;
    KmsCertificate c = domain.certificate;
    c.role = CertificateRole::kExternal;
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<std::string>> KeyStore::TrustedExternalKms(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  MCX_RETURN_IF_ERROR(state_->Find(kms_uri));
  std::vector<std::string> out;
  auto trust = state_->trust.find(kms_uri);
  for (const auto& [uri, domain] : state_->domains) {
    if (uri == kms_uri) continue;
    if (trust != state_->trust.end() && !trust->second.count(uri)) continue;
    out.push_back(uri);
  }
  return out;
}

Result<uint64_t> KeyStore::KeyPeriodNo(std::string_view kms_uri, uint64_t ntp_seconds) const {
  MCX_ASSIGN_OR_RETURN(KmsPublicParams kms, Kms(kms_uri));
  return KeyPeriodNumber(ntp_seconds, kms.user_key_period, kms.user_key_offset);
}

Result<SharedKeySet> KeyStore::KeySet(std::string_view kms_uri, std::string_view identity,
                                      uint64_t key_period_no) const {
  Issuer issuer;
  const KeySetKey key{std::string(identity), key_period_no};
  {
    std::lock_guard lock(state_->mu);
    MCX_ASSIGN_OR_RETURN(const Domain* d, state_->Find(kms_uri));
    if (auto it = d->stored.find(key); it != d->stored.end()) return it->second;
    if (auto it = d->issued.find(key); it != d->issued.end()) return it->second;
    if (!d->secrets) {
      return Error(ErrorCode::kNotFound, "no key set of " + std::string(identity) + " for period " +
                                             std::to_string(key_period_no) + " in KMS '" + std::string(kms_uri) +
                                             "', and the store has no master secrets to issue one");
    }
    if (state_->issued_on_demand >= state_->issue_limit) {
      return IssueLimitReached(identity, key_period_no, state_->issue_limit);
    }
    issuer = Issuer::Of(*d);
  }
  // Issued outside the lock: SAKKE key issue is the slow part. The
  // client-side checks are skipped here: the RSK's pairing costs as much as
  // a decapsulation, and a verifier that checks a GKTP for each of 10,000
  // members issues 10,000 sets this way. The keys come from this domain's own
  // z and KSAK (checked against Z_T and KPAK when the secrets were made or
  // loaded), and a wrong key cannot make a message pass: decapsulation
  // re-checks R = [r]([ID]P + Z), and a wrong SSK makes signatures that fail
  // under the KPAK. Provision() and loaded or imported sets are still fully
  // validated.
  MCX_ASSIGN_OR_RETURN(SharedKeySet issued, issuer.Issue(CacheImpl(), identity, key_period_no, /*checked=*/false));
  std::lock_guard lock(state_->mu);
  MCX_ASSIGN_OR_RETURN(Domain * d, state_->Find(kms_uri));
  // Another thread may have issued the same set meanwhile: the first one wins.
  if (auto it = d->issued.find(key); it != d->issued.end()) return it->second;
  if (state_->issued_on_demand >= state_->issue_limit) {
    return IssueLimitReached(identity, key_period_no, state_->issue_limit);
  }
  ++state_->issued_on_demand;
  return d->issued.emplace(key, std::move(issued)).first->second;
}

void KeyStore::SetOnDemandIssueLimit(size_t max_key_sets) {
  std::lock_guard lock(state_->mu);
  state_->issue_limit = max_key_sets;
}

Result<std::string> KeyStore::KmsForIdentity(std::string_view identity) const {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> found;
  for (const auto& [uri, domain] : state_->domains) {
    for (const auto& [key, set] : domain.stored) {
      if (key.first == identity) {
        found.push_back(uri);
        break;
      }
    }
  }
  if (found.empty() && state_->domains.size() == 1) return state_->domains.begin()->first;
  if (found.empty()) {
    return Error(ErrorCode::kNotFound, "no KMS domain in the key store has key sets of " + std::string(identity) +
                                           "; name the KMS");
  }
  if (found.size() > 1) {
    return InvalidArgument("several KMS domains have key sets of " + std::string(identity) + ": " + found[0] +
                           ", " + found[1] + "; name the KMS");
  }
  return found.front();
}

Result<SharedKeySet> KeyStore::KeySet(std::string_view identity, uint64_t key_period_no) const {
  MCX_ASSIGN_OR_RETURN(std::string kms_uri, KmsForIdentity(identity));
  return KeySet(kms_uri, identity, key_period_no);
}

std::vector<KmsKeySet> KeyStore::StoredKeySets(std::string_view kms_uri) const {
  std::lock_guard lock(state_->mu);
  std::vector<KmsKeySet> out;
  auto it = state_->domains.find(kms_uri);
  if (it == state_->domains.end()) return out;
  for (const auto& [key, set] : it->second.stored) out.push_back(*set);
  return out;
}

std::vector<std::string> KeyStore::Identities() const {
  std::lock_guard lock(state_->mu);
  std::set<std::string> identities;
  for (const auto& [uri, domain] : state_->domains) {
    for (const auto& [key, set] : domain.stored) identities.insert(key.first);
  }
  return std::vector<std::string>(identities.begin(), identities.end());
}

std::string KeyStore::ExportJson(bool include_secrets) const {
  std::lock_guard lock(state_->mu);
  return ExportJsonOf(*state_, include_secrets);
}

std::string KeyStore::Describe() const {
  std::lock_guard lock(state_->mu);
  std::ostringstream out;
  out << "key store " << (state_->dir.empty() ? std::string("(in memory)") : state_->dir) << ": "
      << state_->domains.size() << " KMS domain" << (state_->domains.size() == 1 ? "" : "s") << "\n";
  for (const auto& [uri, d] : state_->domains) {
    const KmsCertificate& c = d.certificate;
    out << "\nKMS " << uri << "\n";
    out << "  key period " << c.user_key_period << " s, offset " << c.user_key_offset << " s\n";
    out << "  KPAK (PubAuthKey) " << ToHex(c.pub_auth_key) << "\n";
    out << "  Z_T (PubEncKey)   " << Abbreviated(c.pub_enc_key) << "\n";
    out << "  master secrets: "
        << (!d.secrets ? "none (public only)" : d.secrets->drbg_key.empty() ? "yes (random)" : "yes (seeded)") << "\n";
    out << "  trusts as External:";
    bool any = false;
    for (const auto& [other, unused] : state_->domains) {
      if (other == uri) continue;
      out << " " << other;
      any = true;
    }
    out << (any ? "" : " (none)") << "\n";
    out << "  key sets: " << d.stored.size() << "\n";
    for (const auto& [key, set] : d.stored) {
      out << "    " << set->user_uri << "  period " << set->key_period_no << "  UID " << ToHex(set->user_id);
      if (set->valid_from && set->valid_to) out << "  valid " << *set->valid_from << " .. " << *set->valid_to;
      out << "\n";
    }
  }
  return out.str();
}

}  // namespace mcx::kms
