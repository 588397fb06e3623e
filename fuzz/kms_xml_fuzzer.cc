// Annex D XML from a KMS (or a file a vendor hands us) is untrusted: the
// reader must reject or accept, never crash, and what it accepts must
// survive a write/read round trip unchanged.
//
// One libxml2 parse per input (ParseAnnexDDocument dispatches on the root):
// running each specific reader on every input parsed it four times and kept
// the target at a third of the exec/s. The specific readers add only root
// checks and the single-item unwrapping of a KmsResponse, which accepted
// inputs still exercise below.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "kms/annex_d.h"

namespace {

// The specific readers must agree with the one-parse reader on what it
// accepted as a response: ParseKmsResponse reads the same value, and the
// certificate / key-set readers accept only a response carrying exactly one
// such item (not a SignedKmsResponse), yielding that item.
void CheckSpecificReadersAgree(std::string_view xml, const mcx::kms::KmsResponse& response) {
  using mcx::kms::KmsMessageType;
  auto same = mcx::kms::ParseKmsResponse(xml);
  if (!same.ok() || !(*same == response)) std::abort();
  if (auto certificate = mcx::kms::ParseKmsCertificateDocument(xml); certificate.ok()) {
    if (response.type == KmsMessageType::kKeyProv || response.certificates.size() != 1) std::abort();
    if (!(*certificate == response.certificates.front())) std::abort();
  }
  if (auto key_set = mcx::kms::ParseKmsKeySetDocument(xml); key_set.ok()) {
    if (response.type != KmsMessageType::kKeyProv || response.key_sets.size() != 1) std::abort();
    if (!(*key_set == response.key_sets.front())) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto document = mcx::kms::ParseAnnexDDocument(xml);
  if (!document.ok()) return 0;
  auto again = mcx::kms::ParseAnnexDDocument(mcx::kms::WriteAnnexDDocument(*document));
  if (!again.ok() || !(*again == *document)) std::abort();
  if (const auto* response = std::get_if<mcx::kms::KmsResponse>(&*document)) {
    CheckSpecificReadersAgree(xml, *response);
  }
  return 0;
}
