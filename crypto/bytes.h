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
// Accepts upper or lower case; rejects odd length and non-hex characters.
Result<Bytes> FromHex(std::string_view hex);

inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline ByteSpan AsSpan(std::string_view s) {
  return ByteSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Big-endian encoding in the fewest octets (0 -> one octet 0x00).
Bytes MinimalBigEndian(uint64_t value);
// Big-endian encoding in exactly `width` octets (value must fit).
Bytes FixedBigEndian(uint64_t value, size_t width);

std::string ToBase64(ByteSpan bytes);
Result<Bytes> FromBase64(std::string_view b64);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_BYTES_H_
