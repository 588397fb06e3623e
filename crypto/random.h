// Random octets from OpenSSL's DRBG, as values rather than out-parameters.
#ifndef MCXTEST_CRYPTO_RANDOM_H_
#define MCXTEST_CRYPTO_RANDOM_H_

#include <cstddef>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx {

// Public random values (RAND payloads, key IDs, test inputs).
Result<Bytes> RandomBytes(size_t size);
// Random key material; drawn from OpenSSL's private DRBG.
Result<SecretBytes> RandomSecret(size_t size);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_RANDOM_H_
