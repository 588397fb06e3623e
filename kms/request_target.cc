#include "kms/request_target.h"

#include <vector>

#include "kms/ntp_time.h"

namespace mcx::kms {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict percent-decoding of one path segment.
Result<std::string> PercentDecode(std::string_view segment) {
  std::string out;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] != '%') {
      out.push_back(segment[i]);
      continue;
    }
    if (i + 2 >= segment.size()) {
      return InvalidArgument("truncated percent-escape in path segment '" + std::string(segment) + "'");
    }
    const int hi = HexDigit(segment[i + 1]);
    const int lo = HexDigit(segment[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgument("bad percent-escape in path segment '" + std::string(segment) + "'");
    const char decoded = static_cast<char>(hi << 4 | lo);
    if (decoded == '\0') return InvalidArgument("NUL in path segment");
    out.push_back(decoded);
    i += 2;
  }
  return out;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

}  // namespace

std::string PercentEncodeSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 0x0f]};
    }
  }
  return out;
}

Result<KmsRequestTarget> ParseKmsRequestTarget(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return InvalidArgument("request target must be an absolute path");
  const std::vector<std::string_view> segments = SplitPath(path);
  // Find ".../keymanagement/identity/v1/<resource>".
  size_t root = segments.size();
  for (size_t i = 0; i + 3 < segments.size(); ++i) {
    if (segments[i] == "keymanagement" && segments[i + 1] == "identity" && segments[i + 2] == "v1") {
      root = i;
      break;
    }
  }
  if (root == segments.size()) {
    return Error(ErrorCode::kNotFound, "no KMS resource here: paths are .../keymanagement/identity/v1/"
                                       "{init,keyprov,certcache}");
  }
  KmsRequestTarget t;
  if (root > 1) return InvalidArgument("at most one path segment (the KMS URI) may precede /keymanagement");
  if (root == 1) {
    MCX_ASSIGN_OR_RETURN(std::string prefix, PercentDecode(segments[0]));
    t.kms_prefix = std::move(prefix);
  }
  const std::string_view resource = segments[root + 3];
  const size_t extra = segments.size() - (root + 4);
  if (resource == "init") {
    t.resource = KmsResource::kInit;
    if (extra != 0) return InvalidArgument("init takes no further path segments");
  } else if (resource == "keyprov") {
    t.resource = KmsResource::kKeyProv;
    if (extra > 2) return InvalidArgument("keyprov takes at most an identity and an NTP time");
    if (extra >= 1) {
      MCX_ASSIGN_OR_RETURN(std::string identity, PercentDecode(segments[root + 4]));
      t.identity = std::move(identity);
    }
    if (extra == 2) {
      auto ntp = NtpSecondsFromTimestampHex(segments[root + 5]);
      if (!ntp.ok()) return InvalidArgument("keyprov time: " + ntp.error().message());
      t.ntp_seconds = *ntp;
    }
  } else if (resource == "certcache") {
    t.resource = KmsResource::kCertCache;
    if (extra > 1) return InvalidArgument("certcache takes at most a cache number");
    if (extra == 1) {
      for (char c : segments[root + 4]) {
        if (c < '0' || c > '9') return InvalidArgument("certcache: cache number must be decimal digits");
      }
    }
  } else {
    return Error(ErrorCode::kNotFound, "unknown KMS resource '" + std::string(resource) +
                                           "' (expected init, keyprov or certcache)");
  }
  return t;
}

}  // namespace mcx::kms
