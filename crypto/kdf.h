// The 3GPP key derivation function (TS 33.220 Annex B) and the SHA-256 /
// HMAC-SHA-256 primitives it and its relatives (UID, MIKEY PRF, ECCSI) share.
#ifndef MCXTEST_CRYPTO_KDF_H_
#define MCXTEST_CRYPTO_KDF_H_

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// SHA-256 of the concatenation of `parts` (no copy of the parts is made).
Sha256Digest Sha256(std::initializer_list<ByteSpan> parts);

// HMAC-SHA-256(key, concatenation of `parts`).
Sha256Digest HmacSha256(ByteSpan key, std::initializer_list<ByteSpan> parts);

// The input string S = FC || P0 || L0 || P1 || L1 ... of TS 33.220 B.2, with
// each Li the 2-octet big-endian length of Pi. Fails if a Pi is longer than
// 65535 octets (its length would not fit Li).
Result<Bytes> KdfInputString(uint8_t fc, const std::vector<Bytes>& params);

// TS 33.220 Annex B: HMAC-SHA-256(key, S); 32 octets. Where a 128-bit key is
// wanted, TS 33.220 takes the last 16 octets (see Last128Bits).
Result<SecretBytes> Kdf(ByteSpan key, uint8_t fc, const std::vector<Bytes>& params);

// The 128 least significant bits (last 16 octets) of a 256-bit KDF output.
SecretBytes Last128Bits(const SecretBytes& kdf_output);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_KDF_H_
