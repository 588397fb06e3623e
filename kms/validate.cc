#include "kms/validate.h"

#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/uid.h"

namespace mcx::kms {
namespace {

Error Invalid(const std::string& element, const std::string& what) {
  return Error(ErrorCode::kCrypto, element + ": " + what);
}

}  // namespace

Status ValidateKmsCertificate(const KmsCertificate& c) {
  const std::string where = "KmsCertificate of " + c.kms_uri;
  if (c.user_id_format != kUserIdFormatHashedUid) {
    return Invalid(where + "/UserIdFormat", "'" + c.user_id_format + "' is not supported (only 2)");
  }
  if (c.parameter_set && *c.parameter_set != 1) {
    return Invalid(where + "/ParameterSet", "only parameter set 1 is supported");
  }
  if (c.user_key_period == 0) return Invalid(where + "/UserKeyPeriod", "the key period must not be 0");
  if (c.pub_auth_key.size() != kKpakSize) {
    return Invalid(where + "/PubAuthKey", "KPAK must be " + std::to_string(kKpakSize) + " octets");
  }
  if (auto kpak = eccsi::PreparedVerifier::Create(c.pub_auth_key); !kpak.ok()) {
    return Invalid(where + "/PubAuthKey", "KPAK is not a valid P-256 point: " + kpak.error().message());
  }
  if (c.pub_enc_key.size() != kSakkePointSize) {
    return Invalid(where + "/PubEncKey", "Z_T must be " + std::to_string(kSakkePointSize) + " octets");
  }
  // Checks Z_T is on the curve with order q; builds no table (sakke.h).
  if (auto z = sakke::PreparedPublicKey::Create(c.pub_enc_key); !z.ok()) {
    return Invalid(where + "/PubEncKey", "Z_T is not a valid SAKKE point: " + z.error().message());
  }
  return Status::Ok();
}

Status ValidateKmsKeySet(const KmsKeySet& k, const KmsCertificate& c) {
  const std::string where = "KmsKeySet of " + k.user_uri + " for period " + std::to_string(k.key_period_no);
  if (k.kms_uri != c.kms_uri) {
    return Invalid(where + "/KmsUri", "'" + k.kms_uri + "' does not match the KMS certificate's '" + c.kms_uri + "'");
  }
  const UidParams params{k.user_uri, c.kms_uri, c.user_key_period, c.user_key_offset, k.key_period_no};
  if (Status s = ValidateUidParams(params); !s.ok()) return Invalid(where + "/UserUri", s.error().message());
  const Bytes uid = MikeySakkeUid(params);
  if (uid != k.user_id) {
    return Invalid(where + "/UserID",
                   ToHex(k.user_id) + " is not the UID of this user, KMS and key period (expected " + ToHex(uid) + ")");
  }
  if (Status s = eccsi::ValidateUserKeys(c.pub_auth_key, uid, k.user_signing_key.span(), k.user_pub_token); !s.ok()) {
    return Invalid(where + "/UserSigningKeySSK", "SSK/PVT do not validate under the KMS's KPAK: " + s.error().message());
  }
  if (Status s = sakke::ValidateRsk(c.pub_enc_key, uid, k.user_decrypt_key.span()); !s.ok()) {
    return Invalid(where + "/UserDecryptKey", "RSK does not validate under the KMS's Z_T: " + s.error().message());
  }
  return Status::Ok();
}

}  // namespace mcx::kms
