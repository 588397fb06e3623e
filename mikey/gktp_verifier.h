// Verifies a Group Key Transport payload for one recipient, the way a
// conforming receiver must (TS 33.180 5.7 and Annex E): every check reports
// under a stable ID (mikey/checks.h), and what could be recovered (GMK,
// GMK-ID, key parameters) is returned alongside.
#ifndef MCXTEST_MIKEY_GKTP_VERIFIER_H_
#define MCXTEST_MIKEY_GKTP_VERIFIER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/eccsi.h"
#include "crypto/sakke.h"
#include "crypto/secret.h"
#include "kms/key_store.h"
#include "mikey/checks.h"
#include "mikey/message.h"

namespace mcx::mikey {

struct VerifyOptions {
  std::string recipient_uri;
  // The recipient's KMS; default: the store's domain holding its key sets,
  // else the KMS the message names in IDRkmsr.
  std::optional<std::string> recipient_kms_uri;
  std::optional<std::string> expected_sender_uri;
  // The KMS the expected sender belongs to, when the caller knows it: IDR.KMS
  // then also fails when IDRkmsi names another KMS the store knows (a
  // signature under a trusted but wrong domain's keys).
  std::optional<std::string> expected_sender_kms_uri;
  // The receiver's clock; without it T is only checked against key periods.
  std::optional<uint64_t> now_ntp_seconds;
  uint64_t max_clock_skew_seconds = 300;
  // The group the key is for (KEYPARAMS.GROUPS), when the caller knows it.
  std::optional<std::string> expected_group_id;
  // URIs to try when IDRi hides the sender behind a UID.
  std::vector<std::string> candidate_senders;
};

struct GktpVerification {
  checks::CheckList checks;
  std::optional<Message> message;
  std::optional<SecretBytes> gmk;
  std::optional<uint32_t> gmk_id;  // from the SPI, else recovered from the GUK-ID
  std::optional<uint32_t> csb_id;  // the GUK-ID
  std::optional<KeyParameters> key_params;
  std::optional<std::string> sender_uri;  // when named or matched
  std::optional<std::string> sender_kms_uri;
  std::optional<std::string> recipient_kms_uri;
  std::optional<uint64_t> t_ntp_seconds;
  Bytes rand;
  std::optional<uint8_t> cs_id;

  // Every MUST check passed: a conforming receiver accepts the key.
  bool accepted() const { return !checks.AnyMustFailed(); }
};

// Thread-safe; caches prepared KMS keys across calls.
class GktpVerifier {
 public:
  explicit GktpVerifier(const kms::KeyStore& store) : store_(store) {}
  GktpVerification Verify(ByteSpan wire, const VerifyOptions& options) const;

  // A KMS's public keys prepared for SAKKE decapsulation and ECCSI
  // verification: made on first use, then shared by every later call.
  struct PreparedKms {
    std::shared_ptr<const sakke::PreparedPublicKey> sakke;
    std::shared_ptr<const eccsi::PreparedVerifier> eccsi;
  };
  Result<PreparedKms> Prepared(const std::string& kms_uri) const;

 private:
  const kms::KeyStore& store_;
  mutable std::mutex mu_;
  mutable std::map<std::string, PreparedKms> cache_;
};

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_GKTP_VERIFIER_H_
