// The request target of `mcxtest kms serve` comes straight from the network:
// the parser must accept or reject, never crash, and what it accepts must
// survive being written back as a canonical target and parsed again.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kms/ntp_time.h"
#include "kms/request_target.h"

namespace {

std::string Canonical(const mcx::kms::KmsRequestTarget& t) {
  std::string out = t.kms_prefix ? "/" + mcx::kms::PercentEncodeSegment(*t.kms_prefix) : "";
  out += mcx::kms::kKmsResourceRoot;
  switch (t.resource) {
    case mcx::kms::KmsResource::kInit: return out + "/init";
    case mcx::kms::KmsResource::kCertCache: return out + "/certcache";
    case mcx::kms::KmsResource::kKeyProv: break;
  }
  out += "/keyprov";
  if (t.identity) out += "/" + mcx::kms::PercentEncodeSegment(*t.identity);
  if (t.ntp_seconds) out += "/" + mcx::kms::NtpTimestampHex(*t.ntp_seconds);
  return out;
}

bool Same(const mcx::kms::KmsRequestTarget& a, const mcx::kms::KmsRequestTarget& b) {
  return a.resource == b.resource && a.kms_prefix == b.kms_prefix && a.identity == b.identity &&
         a.ntp_seconds == b.ntp_seconds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view target(reinterpret_cast<const char*>(data), size);
  auto parsed = mcx::kms::ParseKmsRequestTarget(target);
  if (!parsed.ok()) return 0;
  // An empty segment cannot be written back: "//" is skipped on reading.
  if ((parsed->kms_prefix && parsed->kms_prefix->empty()) || (parsed->identity && parsed->identity->empty())) {
    std::abort();
  }
  auto again = mcx::kms::ParseKmsRequestTarget(Canonical(*parsed));
  if (!again.ok() || !Same(*again, *parsed)) std::abort();
  return 0;
}
