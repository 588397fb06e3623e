// The answers of the shim protocol (docs/shim-protocol.md) as C++ values,
// with their JSON forms: ToJson() is what a shim (the reference SUT) writes
// (without "id"), the *FromJson() readers are how the harness validates what
// an implementation under test answered. Everything a shim sends is hostile
// input: the readers accept or reject any JSON, and errors name the field.
#ifndef MCXTEST_HARNESS_SHIM_ANSWERS_H_
#define MCXTEST_HARNESS_SHIM_ANSWERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx::shim {

struct HelloAnswer {
  std::string name;
  std::string version;
  std::vector<std::string> roles;
};

// {"ok": true}; the harness reads nothing from it.
struct ProvisionAnswer {};

// One GKTP as sent at a procedure step.
// A correct GMS sends each recipient one GKTP per step; this leaves room
// for every step and a retry, and stops a shim that floods the harness with
// GKTPs to verify (20,000 for 3 recipients cost minutes and gigabytes).
inline constexpr size_t kMaxGktpsPerRecipient = 4;
// An error naming "gktps" when `gktps` exceeds kMaxGktpsPerRecipient per
// recipient of the request.
Status CheckGktpCount(size_t gktps, size_t recipients);

struct SentGktp {
  int step = 0;
  std::string recipient;
  Bytes message;
};

// The answer to a regroup-notification.
struct PartnerAnswer {
  std::vector<SentGktp> gktps;
  bool rejected = false;
  std::string reason;
  // Optional with a rejection: a check ID or category of reason_codes.h,
  // validated when read; empty when the shim gave none.
  std::string reason_code;
};

// The answer to a deliver-gktp.
struct DeliverAnswer {
  bool accepted = false;
  std::string reason;
  std::string reason_code;  // as PartnerAnswer::reason_code
  uint32_t gmk_id = 0;
  Bytes srtp_master_key;
  Bytes srtp_master_salt;
};

nlohmann::json ToJson(const HelloAnswer& a);  // with "protocol": kShimProtocolVersion
nlohmann::json ToJson(const ProvisionAnswer& a);
nlohmann::json ToJson(const PartnerAnswer& a);
nlohmann::json ToJson(const DeliverAnswer& a);
// The answer to a regroup-request: {"gktps": GktpListJson(gktps)}.
nlohmann::json GktpsAnswerJson(const std::vector<SentGktp>& gktps);
// The "gktps" array alone.
nlohmann::json GktpListJson(const std::vector<SentGktp>& gktps);

Result<HelloAnswer> HelloAnswerFromJson(const nlohmann::json& j);
Result<ProvisionAnswer> ProvisionAnswerFromJson(const nlohmann::json& j);
// The "gktps" of an answer to a regroup-request.
Result<std::vector<SentGktp>> GktpListFromJson(const nlohmann::json& j);
Result<PartnerAnswer> PartnerAnswerFromJson(const nlohmann::json& j);
Result<DeliverAnswer> DeliverAnswerFromJson(const nlohmann::json& j);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_ANSWERS_H_
