// The deterministic generator behind `mcxtest kms init --seed N`: every
// secret a seeded KMS domain produces (KSAK, z, each ECCSI ephemeral v) comes
// from it, so one seed always gives a byte-identical key store.
//
//   domain_key = HMAC-SHA-256("mcxtest-kms-drbg-v1", seed (8 octets BE) || KMS URI)
//   block_i    = HMAC-SHA-256(domain_key, label || 0x00 || i (4 octets BE)), i = 1, 2, ...
//   scalar     = (first len(n)+16 octets of block_1 || block_2 ... mod (n - 1)) + 1
//
// The 128 surplus bits make the reduction's bias negligible; the result lies
// in [1, n-1] and is encoded big-endian in len(n) octets. This is a test
// fixture generator, not a substitute for a real KMS's entropy source.
#ifndef MCXTEST_KMS_DRBG_H_
#define MCXTEST_KMS_DRBG_H_

#include <cstdint>
#include <string_view>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx::kms {

inline constexpr size_t kDrbgKeySize = 32;

// The per-domain key derived from a user-supplied seed.
SecretBytes DrbgDomainKey(uint64_t seed, std::string_view kms_uri);

// `size` pseudo-random octets for `label`.
SecretBytes DrbgOctets(ByteSpan domain_key, ByteSpan label, size_t size);

// A scalar in [1, order-1] (order big-endian, at least 2) for `label`.
Result<SecretBytes> DrbgScalar(ByteSpan domain_key, ByteSpan label, ByteSpan order);

// A uniformly random scalar in [1, order-1] from OpenSSL's private DRBG.
Result<SecretBytes> RandomScalar(ByteSpan order);

// The order n of NIST P-256, big-endian (from OpenSSL, not retyped).
const Bytes& P256Order();

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_DRBG_H_
