// Key material of seeded KMS domains, derived once and shared by every key
// store built with the same cache. A seeded domain's certificate, master
// secrets and key sets are functions of its DomainConfig (and the identity
// and key period), so one derivation serves any number of stores: the
// harness keeps one cache per process and gives it to each case's store, so
// the cases of a run stop recomputing Z = [z]P and re-issuing RSKs and SSKs.
//
// What the cache holds is immutable and shared (std::shared_ptr<const ...>):
// each store keeps its own domains, trust lists and stored or issued key
// sets over it, so what one store changes (trust, imported certificates or
// key sets) is never seen by another. Secrets are SecretBytes, wiped when
// the last holder lets go. Unseeded (random) domains are never cached.
#ifndef MCXTEST_KMS_KEY_MATERIAL_CACHE_H_
#define MCXTEST_KMS_KEY_MATERIAL_CACHE_H_

#include <cstddef>
#include <memory>

namespace mcx::kms {

// Bounds of one cache: a domain costs about 1 KiB (certificate, secrets), a
// key set about 1 KiB, so a full default cache holds about 4 MiB. Past a
// bound nothing more is cached: further domains and key sets are derived
// per store, as without a cache (same bytes, only slower).
inline constexpr size_t kMaxCachedDomains = 256;
inline constexpr size_t kMaxCachedKeySets = 4096;

class KeyMaterialCache {
 public:
  explicit KeyMaterialCache(size_t max_domains = kMaxCachedDomains, size_t max_key_sets = kMaxCachedKeySets);
  ~KeyMaterialCache();
  KeyMaterialCache(const KeyMaterialCache&) = delete;
  KeyMaterialCache& operator=(const KeyMaterialCache&) = delete;

  // What the cache did so far (thread-safe).
  struct Counts {
    size_t domains = 0;          // cached now
    size_t key_sets = 0;         // cached now
    size_t derived = 0;          // domains and key sets derived by the cache
    size_t reused = 0;           // answers from the cache without deriving
  };
  Counts counts() const;

  struct Impl;  // kms/key_store_internal.h

 private:
  friend class KeyStore;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_KEY_MATERIAL_CACHE_H_
