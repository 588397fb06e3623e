#include "crypto/uid.h"

#include <string_view>

#include "crypto/kdf.h"

namespace mcx {
namespace {

constexpr std::string_view kUidLabel = "MIKEY-SAKKE-UID";
constexpr uint8_t kUidFc = 0x00;
constexpr size_t kMaxFieldSize = 0xffff;

Bytes UriField(const std::string& uri) {
  std::string_view view(uri);
  return ToBytes(view.substr(0, kMaxFieldSize));
}

}  // namespace

Status ValidateUidParams(const UidParams& p) {
  if (p.uri.size() > kMaxFieldSize) {
    return InvalidArgument("URI has " + std::to_string(p.uri.size()) +
                           " octets; a UID field holds at most 65535");
  }
  if (p.kms_uri.size() > kMaxFieldSize) {
    return InvalidArgument("KMS URI has " + std::to_string(p.kms_uri.size()) +
                           " octets; a UID field holds at most 65535");
  }
  return Status::Ok();
}

Bytes MikeySakkeUid(const UidParams& p) {
  // F.2.1 lays the UID input out exactly like a KDF input string with FC 0x00
  // and the label as P0; only the final step is a plain hash, not an HMAC.
  std::vector<Bytes> fields = {
      ToBytes(kUidLabel),
      UriField(p.uri),
      UriField(p.kms_uri),
      MinimalBigEndian(p.key_period),
      MinimalBigEndian(p.key_period_offset),
      MinimalBigEndian(p.key_period_no),
  };
  // Every field is at most 65535 octets, so building the string cannot fail.
  Bytes s = KdfInputString(kUidFc, fields).value();
  Sha256Digest digest = Sha256({s});
  return Bytes(digest.begin(), digest.end());
}

Result<uint64_t> KeyPeriodNumber(uint64_t ntp_seconds, uint64_t key_period, uint64_t key_period_offset) {
  if (key_period == 0) return InvalidArgument("key period length is 0");
  if (ntp_seconds < key_period_offset) {
    return InvalidArgument("NTP time " + std::to_string(ntp_seconds) + " is before the key period offset " +
                           std::to_string(key_period_offset));
  }
  return (ntp_seconds - key_period_offset) / key_period;
}

}  // namespace mcx
