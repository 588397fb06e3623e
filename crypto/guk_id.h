// Key IDs of TS 33.180: the purpose tag in their top 4 bits, and the GUK-ID a
// GMS sends each group member in place of the GMK-ID (F.1.3).
#ifndef MCXTEST_CRYPTO_GUK_ID_H_
#define MCXTEST_CRYPTO_GUK_ID_H_

#include <cstdint>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx {

// Top 4 bits of a key ID (practice; CSK = 2 is in the spec).
enum class KeyPurpose : uint8_t {
  kGmk = 0,
  kPck = 1,
  kCsk = 2,
  kSpk = 3,
  kMkfc = 4,
  kMscck = 5,
  kMusik = 6
};

inline constexpr uint8_t kUserSaltFc = 0x50;
inline constexpr uint32_t kPurposeTagMask = 0xF0000000u;
inline constexpr uint32_t kKeyIdValueMask = 0x0FFFFFFFu;

// "GMK", "PCK", "CSK", "SPK", "MKFC", "MSCCK", "MuSiK", or "unknown".
const char* KeyPurposeName(uint8_t tag);
// The top 4 bits of a key ID.
uint8_t PurposeTagOf(uint32_t key_id);

// The 28 least significant bits of KDF(GMK, FC 0x50, P0 = receiver's URI).
Result<uint32_t> UserSalt(ByteSpan gmk, std::string_view receiver_uri);
// GUK-ID = purpose tag of the GMK-ID || (low 28 bits of GMK-ID XOR salt).
Result<uint32_t> GukIdFromGmkId(ByteSpan gmk, uint32_t gmk_id, std::string_view receiver_uri);
// The receiver's inverse: the same XOR with its own URI's salt.
Result<uint32_t> GmkIdFromGukId(ByteSpan gmk, uint32_t guk_id, std::string_view receiver_uri);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_GUK_ID_H_
