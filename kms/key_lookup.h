// What a reader of a key store may ask: the narrow, read-only view that the
// GKTP builder and verifier, the dissector and the fuzz targets depend on
// (//kms:key_lookup), so they need neither the store's files nor its
// building API. kms::KeyStore implements it.
//
// Key sets come back as shared immutable objects: a verifier that looks up
// the same member's keys for every message shares one copy of the secrets
// instead of copying (and wiping) them per call. The object stays valid for
// as long as the caller holds it, even if the store drops it meanwhile.
#ifndef MCXTEST_KMS_KEY_LOOKUP_H_
#define MCXTEST_KMS_KEY_LOOKUP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "kms/annex_d.h"

namespace mcx::kms {

// What a verifier needs to know about a KMS.
struct KmsPublicParams {
  std::string kms_uri;
  Bytes kpak;  // ECCSI KPAK, 65 octets
  Bytes z_t;   // SAKKE Z_T, 257 octets
  uint64_t user_key_period = 0;
  uint64_t user_key_offset = 0;
};

using SharedKeySet = std::shared_ptr<const KmsKeySet>;

// Every lookup is thread-safe.
class KeyLookup {
 public:
  virtual ~KeyLookup() = default;

  virtual bool HasDomain(std::string_view kms_uri) const = 0;
  virtual Result<KmsPublicParams> Kms(std::string_view kms_uri) const = 0;
  // The key period of `kms_uri` that contains `ntp_seconds`.
  virtual Result<uint64_t> KeyPeriodNo(std::string_view kms_uri, uint64_t ntp_seconds) const = 0;
  // The key set of `identity` for a key period: stored, or issued on demand
  // when the store can (kms::KeyStore::KeySet says when). Never null on success.
  virtual Result<SharedKeySet> KeySet(std::string_view kms_uri, std::string_view identity,
                                      uint64_t key_period_no) const = 0;
  // The KMS URIs `kms_uri` trusts as External KMSs, sorted.
  virtual Result<std::vector<std::string>> TrustedExternalKms(std::string_view kms_uri) const = 0;
  // The domain holding key sets of `identity`, or the only domain.
  virtual Result<std::string> KmsForIdentity(std::string_view identity) const = 0;
  // Identities with stored key sets in any domain, sorted, each once.
  virtual std::vector<std::string> Identities() const = 0;
};

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_KEY_LOOKUP_H_
