// The MIKEY-SAKKE UID (TS 33.180 F.2.1): the identity the KMS keys are issued
// for, one per user URI, KMS and key period.
#ifndef MCXTEST_CRYPTO_UID_H_
#define MCXTEST_CRYPTO_UID_H_

#include <cstdint>
#include <string>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx {

inline constexpr size_t kUidSize = 32;

struct UidParams {
  std::string uri;  // the user's MC service ID (or a GMS's server URI)
  std::string kms_uri;
  uint64_t key_period;         // seconds
  uint64_t key_period_offset;  // seconds
  uint64_t key_period_no;
};

// SHA-256(0x00 || "MIKEY-SAKKE-UID" || 0x000f || URI || L || KMS-URI || L ||
// period || L || offset || L || period-no || L); integers in the fewest
// big-endian octets. 32 octets. A URI longer than 65535 octets cannot be
// length-prefixed: callers holding untrusted URIs check ValidateUidParams
// first; unchecked, such a URI is hashed truncated to 65535 octets.
Bytes MikeySakkeUid(const UidParams& p);

// Fails if a URI is too long for its 2-octet length field.
Status ValidateUidParams(const UidParams& p);

// floor((ntp_seconds - offset) / period); error if period == 0 or
// ntp_seconds < offset.
Result<uint64_t> KeyPeriodNumber(uint64_t ntp_seconds, uint64_t key_period, uint64_t key_period_offset);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_UID_H_
