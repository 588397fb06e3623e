// The request target of an Annex D.2 HTTP request, parsed strictly: it comes
// from the network, so every malformed target is an error saying what was
// wrong, never a crash (fuzzed by //fuzz:kms_request_target_fuzzer).
//
//   [/<KMS URI>]/keymanagement/identity/v1/init
//   [/<KMS URI>]/keymanagement/identity/v1/keyprov[/<identity>[/<NTP timestamp, 16 hex digits>]]
//   [/<KMS URI>]/keymanagement/identity/v1/certcache[/<n>]
//
// Segments are percent-decoded (a NUL is refused); a query is ignored.
#ifndef MCXTEST_KMS_REQUEST_TARGET_H_
#define MCXTEST_KMS_REQUEST_TARGET_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/result.h"

namespace mcx::kms {

inline constexpr char kKmsResourceRoot[] = "/keymanagement/identity/v1";

enum class KmsResource { kInit, kKeyProv, kCertCache };

struct KmsRequestTarget {
  KmsResource resource = KmsResource::kInit;
  std::optional<std::string> kms_prefix;  // /<KMS URI>/keymanagement/...
  std::optional<std::string> identity;    // keyprov/<identity>
  std::optional<uint64_t> ntp_seconds;    // keyprov/<identity>/<NTP>
};

// kNotFound for a path that names no KMS resource, kInvalidArgument for a
// malformed one.
Result<KmsRequestTarget> ParseKmsRequestTarget(std::string_view target);

// RFC 3986 percent-encoding of one path segment (unreserved characters kept),
// as clients name an identity or KMS in a target.
std::string PercentEncodeSegment(std::string_view text);

}  // namespace mcx::kms

#endif  // MCXTEST_KMS_REQUEST_TARGET_H_
