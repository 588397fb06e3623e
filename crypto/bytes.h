// Octet strings and their hex form, the currency of every API and CLI here.
#ifndef MCXTEST_CRYPTO_BYTES_H_
#define MCXTEST_CRYPTO_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/result.h"

namespace mcx {

using Bytes = std::vector<uint8_t>;
using ByteSpan = std::span<const uint8_t>;

// Lowercase hex, no separators.
std::string ToHex(ByteSpan bytes);
// Eight lowercase hex digits, no prefix: how 32-bit identifiers (GMK-ID, GUK-ID,
// CSB-ID, SSRC) appear in reports, JSON and the dissector.
std::string HexU32(uint32_t value);
// Accepts upper or lower case; rejects odd length and non-hex characters.
Result<Bytes> FromHex(std::string_view hex);
// FromHex into caller-owned memory of exactly hex.size() / 2 octets, so a
// secret can be decoded straight into a SecretBytes (nothing left unwiped on
// failure). The error of a non-hex character names it only when `echo_bad`.
Status FromHexInto(std::string_view hex, std::span<uint8_t> out, bool echo_bad = true);

inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline ByteSpan AsSpan(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Big-endian encoding in the fewest octets (0 -> one octet 0x00).
Bytes MinimalBigEndian(uint64_t value);
// Big-endian encoding in exactly `width` octets (value must fit).
Bytes FixedBigEndian(uint64_t value, size_t width);

// The 32-bit big-endian value of exactly four octets. The fixed extent makes a
// short input a compile error (or, for subspan<>, a checked precondition at the
// call site) rather than a read past the end; parsers use mikey::ByteReader.
inline uint32_t BigEndianU32(std::span<const uint8_t, 4> four) {
  return static_cast<uint32_t>(four[0]) << 24 | static_cast<uint32_t>(four[1]) << 16 |
         static_cast<uint32_t>(four[2]) << 8 | static_cast<uint32_t>(four[3]);
}

std::string ToBase64(ByteSpan bytes);
Result<Bytes> FromBase64(std::string_view b64);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_BYTES_H_
