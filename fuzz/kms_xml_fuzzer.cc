// Annex D XML from a KMS (or a file a vendor hands us) is untrusted: the
// reader must reject or accept, never crash, and what it accepts must
// survive a write/read round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kms/annex_d.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto response = mcx::kms::ParseKmsResponse(xml);
  if (response.ok()) {
    auto again = mcx::kms::ParseKmsResponse(mcx::kms::WriteKmsResponse(*response));
    if (!again.ok() || !(*again == *response)) std::abort();
  }
  (void)mcx::kms::ParseKmsCertificateDocument(xml);
  (void)mcx::kms::ParseKmsKeySetDocument(xml);
  (void)mcx::kms::ParseKmsRequest(xml);
  return 0;
}
