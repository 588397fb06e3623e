#include "crypto/random.h"

#include <openssl/rand.h>

#include <climits>

namespace mcx {

Result<Bytes> RandomBytes(size_t size) {
  if (size > INT_MAX) return InvalidArgument("random size " + std::to_string(size) + " too large");
  Bytes out(size);
  if (size > 0 && RAND_bytes(out.data(), static_cast<int>(size)) != 1) {
    return Error(ErrorCode::kInternal, "RAND_bytes failed");
  }
  return out;
}

Result<SecretBytes> RandomSecret(size_t size) {
  if (size > INT_MAX) return InvalidArgument("random size " + std::to_string(size) + " too large");
  SecretBytes out{Bytes(size)};
  if (size > 0 && RAND_priv_bytes(out.mutable_data(), static_cast<int>(size)) != 1) {
    return Error(ErrorCode::kInternal, "RAND_priv_bytes failed");
  }
  return out;
}

}  // namespace mcx
