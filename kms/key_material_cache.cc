// Seeded domains and their key sets, derived once and shared between key
// stores (kms/key_material_cache.h). Derivation runs outside the lock, so
// two threads asking for the same new entry may both derive it; the bytes
// are the same (seeded), and the first one stored is the one shared.
#include "kms/key_material_cache.h"

#include <mutex>
#include <string>
#include <utility>

#include "kms/key_store_internal.h"
#include "kms/validate.h"

namespace mcx::kms {
namespace {

KeyMaterialCache::Impl::DomainKey KeyOf(const DomainConfig& c) {
  return {c.kms_uri, c.user_key_period, c.user_key_offset, *c.seed};
}

}  // namespace

KeyMaterialCache::KeyMaterialCache(size_t max_domains, size_t max_key_sets) : impl_(std::make_unique<Impl>()) {
  impl_->max_domains = max_domains;
  impl_->max_key_sets = max_key_sets;
}

KeyMaterialCache::~KeyMaterialCache() = default;

KeyMaterialCache::Counts KeyMaterialCache::counts() const {
  std::lock_guard lock(impl_->mu);
  Counts c = impl_->counts;
  c.domains = impl_->domains.size();
  c.key_sets = impl_->key_sets.size();
  return c;
}

Result<std::shared_ptr<const SharedDomain>> KeyMaterialCache::Impl::Domain(const DomainConfig& config) {
  if (!config.seed) return InvalidArgument("only seeded KMS domains can be shared through a key material cache");
  const DomainKey key = KeyOf(config);
  {
    std::lock_guard lock(mu);
    if (auto it = domains.find(key); it != domains.end()) {
      ++counts.reused;
      return it->second;
    }
  }
  MCX_ASSIGN_OR_RETURN(auto derived, DeriveDomain(config));
  auto made = std::make_shared<const SharedDomain>(
      SharedDomain{config, std::move(derived.first), std::move(derived.second)});
  std::lock_guard lock(mu);
  ++counts.derived;
  if (auto it = domains.find(key); it != domains.end()) return it->second;
  if (domains.size() < max_domains) domains.emplace(key, made);
  return made;
}

Result<SharedKeySet> KeyMaterialCache::Impl::KeySet(const SharedDomain& d, std::string_view identity,
                                                    uint64_t key_period_no, bool checked) {
  auto key = std::make_pair(KeyOf(d.config), KeySetKey{std::string(identity), key_period_no});
  SharedKeySet unchecked;
  {
    std::lock_guard lock(mu);
    if (auto it = key_sets.find(key); it != key_sets.end()) {
      if (it->second.checked || !checked) {
        ++counts.reused;
        return it->second.set;
      }
      unchecked = it->second.set;
    }
  }
  SharedKeySet set;
  if (unchecked) {
    // Issued on demand earlier without the client-side checks: run them now
    // rather than issuing again.
    MCX_RETURN_IF_ERROR(ValidateKmsKeySet(*unchecked, d.certificate));
    set = std::move(unchecked);
  } else {
    MCX_ASSIGN_OR_RETURN(KmsKeySet k, IssueKeySet(d.certificate, d.secrets, identity, key_period_no, checked));
    set = std::make_shared<const KmsKeySet>(std::move(k));
  }
  std::lock_guard lock(mu);
  ++counts.derived;
  if (auto it = key_sets.find(key); it != key_sets.end()) {
    it->second.checked = it->second.checked || checked;
    return it->second.set;
  }
  if (key_sets.size() < max_key_sets) key_sets.emplace(std::move(key), CachedKeySet{set, checked});
  return set;
}

}  // namespace mcx::kms
