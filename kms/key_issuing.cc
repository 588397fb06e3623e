// Making a domain's master secrets and issuing key sets from them (TS 33.180
// 5.3, RFC 6507 5.1.1, RFC 6508 6.1.1), seeded or random (docs/keystore.md).
#include <optional>
#include <string>
#include <utility>

#include "crypto/eccsi.h"
#include "crypto/kdf.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"
#include "crypto/utf8.h"
#include "kms/drbg.h"
#include "kms/key_store_internal.h"
#include "kms/ntp_time.h"
#include "kms/validate.h"

namespace mcx::kms {
namespace {

// DRBG labels; part of the documented derivation (docs/keystore.md).
constexpr char kKsakLabel[] = "KSAK";
constexpr char kZLabel[] = "z";
constexpr char kEccsiVLabel[] = "ECCSI-v";

// URIs end up in XML text, file names and UIDs: printable, valid UTF-8 and

}  // namespace

Status CheckUri(std::string_view uri, const char* what) {
  if (uri.empty()) return InvalidArgument(std::string(what) + " must not be empty");
  if (uri.size() > 0xffff) return InvalidArgument(std::string(what) + " is longer than 65535 octets");
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return InvalidArgument(std::string(what) + " '" + std::string(uri) + "' contains a control character");
    }
  }
  if (!IsValidUtf8(uri)) return InvalidArgument(std::string(what) + " is not valid UTF-8");
  if (uri.front() == ' ' || uri.back() == ' ') {
    return InvalidArgument(std::string(what) + " '" + std::string(uri) + "' has surrounding spaces");
  }
  return Status::Ok();
}

Result<MasterSecrets> GenerateSecrets(const DomainConfig& config) {
  MasterSecrets s;
  if (config.seed) {
    s.drbg_key = DrbgDomainKey(*config.seed, config.kms_uri);
    MCX_ASSIGN_OR_RETURN(s.ksak, DrbgScalar(s.drbg_key.span(), AsSpan(kKsakLabel), P256Order()));
    MCX_ASSIGN_OR_RETURN(s.z, DrbgScalar(s.drbg_key.span(), AsSpan(kZLabel), sakke::ParamQ()));
  } else {
    MCX_ASSIGN_OR_RETURN(s.ksak, RandomScalar(P256Order()));
    MCX_ASSIGN_OR_RETURN(s.z, sakke::GenerateMasterSecret());
  }
  return s;
}

Result<std::pair<KmsCertificate, MasterSecrets>> DeriveDomain(const DomainConfig& config) {
  MCX_ASSIGN_OR_RETURN(MasterSecrets secrets, GenerateSecrets(config));
  KmsCertificate c;
  c.role = CertificateRole::kRoot;
  c.kms_uri = config.kms_uri;
  c.user_key_period = config.user_key_period;
  c.user_key_offset = config.user_key_offset;
  c.parameter_set = 1;
  MCX_ASSIGN_OR_RETURN(c.pub_auth_key, eccsi::KpakFromKsak(secrets.ksak.span()));
  MCX_ASSIGN_OR_RETURN(c.pub_enc_key, sakke::PublicKeyFromMaster(secrets.z.span()));
  MCX_RETURN_IF_ERROR(ValidateKmsCertificate(c));
  return std::make_pair(std::move(c), std::move(secrets));
}

Status CheckSecretsMatch(const MasterSecrets& s, const KmsCertificate& c, const std::string& where) {
  auto kpak = eccsi::KpakFromKsak(s.ksak.span());
  if (!kpak.ok()) return Error(ErrorCode::kCrypto, where + ": ksak: " + kpak.error().message());
  if (*kpak != c.pub_auth_key) {
    return Error(ErrorCode::kCrypto, where + ": ksak does not match the certificate's PubAuthKey (KPAK)");
  }
  auto z_t = sakke::PublicKeyFromMaster(s.z.span());
  if (!z_t.ok()) return Error(ErrorCode::kCrypto, where + ": z: " + z_t.error().message());
  if (*z_t != c.pub_enc_key) {
    return Error(ErrorCode::kCrypto, where + ": z does not match the certificate's PubEncKey (Z_T)");
  }
  return Status::Ok();
}

Result<KmsKeySet> IssueKeySet(const KmsCertificate& c, const MasterSecrets& s, std::string_view identity,
                              uint64_t key_period_no, bool check_keys) {
  MCX_RETURN_IF_ERROR(CheckUri(identity, "identity URI"));
  MCX_ASSIGN_OR_RETURN(auto validity, KeyPeriodValidity(c.user_key_period, c.user_key_offset, key_period_no));
  KmsKeySet k;
  k.kms_uri = c.kms_uri;
  k.cert_uri = c.cert_uri;
  k.issuer = c.issuer;
  k.user_uri = std::string(identity);
  k.key_period_no = key_period_no;
  k.valid_from = validity.first;
  k.valid_to = validity.second;
  k.revoked = false;
  k.user_id = MikeySakkeUid({k.user_uri, c.kms_uri, c.user_key_period, c.user_key_offset, key_period_no});

  std::optional<SecretBytes> v;
  if (!s.drbg_key.empty()) {
    Bytes label = ToBytes(kEccsiVLabel);
    label.insert(label.end(), k.user_id.begin(), k.user_id.end());
    MCX_ASSIGN_OR_RETURN(SecretBytes derived, DrbgScalar(s.drbg_key.span(), label, P256Order()));
    v = std::move(derived);
  }
  auto keys = v ? eccsi::IssueUserKeys(s.ksak.span(), k.user_id, v->span())
                : eccsi::IssueUserKeys(s.ksak.span(), k.user_id);
  if (!keys.ok()) return keys.error().WithContext("issuing SSK/PVT for " + k.user_uri);
  k.user_signing_key = std::move(keys->ssk);
  k.user_pub_token = std::move(keys->pvt);
  auto rsk = sakke::IssueRsk(s.z.span(), k.user_id);
  if (!rsk.ok()) return rsk.error().WithContext("issuing RSK for " + k.user_uri);
  k.user_decrypt_key = std::move(rsk).value();
  if (!check_keys) return k;
  // The whole set goes through the client-side checks before anyone sees it.
  MCX_RETURN_IF_ERROR(ValidateKmsKeySet(k, c));
  return k;
}

Result<std::pair<std::string, std::string>> KeyPeriodValidity(uint64_t key_period, uint64_t key_period_offset,
                                                              uint64_t key_period_no) {
  if (key_period == 0) return InvalidArgument("key period must not be 0");
  // NTP seconds are kept below 2^40 (year ~36800) so that the date stays representable.
  constexpr uint64_t kLimit = uint64_t{1} << 40;
  if (key_period_no >= kLimit / key_period || key_period_offset >= kLimit ||
      key_period_offset + (key_period_no + 1) * key_period >= kLimit) {
    return InvalidArgument("key period number " + std::to_string(key_period_no) +
                           " is out of range for a period of " + std::to_string(key_period) + " s");
  }
  const uint64_t start = key_period_offset + key_period_no * key_period;
  const uint64_t end = start + key_period - 1;
  if (start > 9999ull * 366 * 86400 || end > 9999ull * 366 * 86400) {
    return InvalidArgument("key period number " + std::to_string(key_period_no) + " lies past the year 9999");
  }
  return std::make_pair(Iso8601FromNtpSeconds(start), Iso8601FromNtpSeconds(end));
}

}  // namespace mcx::kms
