// Base64 and hex decoding take MIKEY payloads out of SIP/HTTP bodies and SDP,
// so they see hostile text first. Invariant: whatever decodes re-encodes to
// something that decodes to the same octets.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto decoded = mcx::FromBase64(text); decoded.ok()) {
    auto again = mcx::FromBase64(mcx::ToBase64(*decoded));
    if (!again.ok() || *again != *decoded) std::abort();
  }
  if (auto decoded = mcx::FromHex(text); decoded.ok()) {
    auto again = mcx::FromHex(mcx::ToHex(*decoded));
    if (!again.ok() || *again != *decoded) std::abort();
  }
  return 0;
}
