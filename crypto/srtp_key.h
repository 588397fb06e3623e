// SRTP master key and salt from a GMK (TS 33.180 7.4): the MIKEY key
// derivation of RFC 3830 4.1.3 with the PRF-HMAC-SHA-256 of RFC 6043.
#ifndef MCXTEST_CRYPTO_SRTP_KEY_H_
#define MCXTEST_CRYPTO_SRTP_KEY_H_

#include <cstdint>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx {

inline constexpr size_t kSrtpMasterKeySize = 16;
inline constexpr size_t kSrtpMasterSaltSize = 12;
// RFC 3830 4.1.3 label constants.
inline constexpr uint32_t kMikeyTekConstant = 0x2AD01C64;
inline constexpr uint32_t kMikeySaltConstant = 0x39A2C14B;

struct SrtpKeys {
  SecretBytes master_key;   // 16 octets
  SecretBytes master_salt;  // 12 octets
  Bytes mki;                // GMK-ID || GUK-ID (the key ID || CSB-ID)
};

// RFC 3830 4.1.2 PRF(inkey, label) with HMAC-SHA-256 (RFC 6043), `out_size`
// octets. inkey is split into 256-bit chunks whose outputs are XORed.
Result<SecretBytes> MikeyPrfHmacSha256(ByteSpan inkey, ByteSpan label, size_t out_size);

// Keys for crypto session `cs_id` of the bundle `csb_id` (for a GMK: the
// receiver's GUK-ID; for keys without a GUK-ID the key ID itself), keyed by
// the GMK as TGK, with the MIKEY RAND. gmk_id is only used for the MKI.
Result<SrtpKeys> SrtpKeysFromGmk(ByteSpan gmk, uint32_t gmk_id, uint8_t cs_id, uint32_t csb_id,
                                 ByteSpan rand);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_SRTP_KEY_H_
