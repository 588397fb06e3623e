#include "harness/shim/answers.h"

#include "crypto/json_fields.h"

#include "harness/shim/excerpt.h"
#include "harness/shim/reason_codes.h"
#include "harness/shim/requests.h"

namespace mcx::shim {
namespace {

using nlohmann::json;

Result<SentGktp> SentGktpFrom(const JsonFields& f) {
  SentGktp g;
  MCX_ASSIGN_OR_RETURN(uint64_t step, f.Unsigned("step"));
  if (step < 1 || step > 15) return f.FieldError("step", "must be a procedure step 1..15");
  g.step = static_cast<int>(step);
  MCX_ASSIGN_OR_RETURN(g.recipient, f.String("recipient"));
  MCX_ASSIGN_OR_RETURN(g.message, MikeyMessage(f, "b64"));
  return g;
}

// The optional "reason_code" of a rejection: absent is fine, anything that
// is not a known code is a protocol error saying which codes exist.
Result<std::string> ReasonCodeFrom(const JsonFields& f) {
  if (!f.Has("reason_code")) return std::string();
  MCX_ASSIGN_OR_RETURN(std::string code, f.String("reason_code"));
  auto parsed = ParseReasonCode(code);
  if (!parsed.ok()) return f.FieldError("reason_code", parsed.error().message());
  return code;
}

}  // namespace

json ToJson(const HelloAnswer& a) {
  return {{"name", a.name}, {"version", a.version}, {"protocol", kShimProtocolVersion}, {"roles", a.roles}};
}

Result<HelloAnswer> HelloAnswerFromJson(const json& answer) {
  const JsonFields f(answer);
  HelloAnswer hello;
  MCX_ASSIGN_OR_RETURN(hello.name, f.String("name"));
  MCX_ASSIGN_OR_RETURN(hello.version, f.String("version"));
  if (f.Has("protocol")) {
    const json& protocol = answer.at("protocol");
    if (!protocol.is_number_integer() || protocol.get<int64_t>() != kShimProtocolVersion) {
      return f.FieldError("protocol", "this harness speaks version " + std::to_string(kShimProtocolVersion) +
                                          ", the shim answered " + protocol.dump());
    }
  }
  MCX_ASSIGN_OR_RETURN(hello.roles, f.StringArray("roles"));
  for (size_t i = 0; i < hello.roles.size(); ++i) {
    const std::string& role = hello.roles[i];
    if (role != "primary-gms" && role != "partner-gms" && role != "ue") {
      return f.FieldError("roles[" + std::to_string(i) + "]", "unknown role '" + Excerpt(role, 40) + "'");
    }
  }
  return hello;
}

json ToJson(const ProvisionAnswer&) { return {{"ok", true}}; }

Result<ProvisionAnswer> ProvisionAnswerFromJson(const json&) { return ProvisionAnswer{}; }

Status CheckGktpCount(size_t gktps, size_t recipients) {
  const size_t cap = kMaxGktpsPerRecipient * recipients;
  if (gktps <= cap) return Status::Ok();
  return Error(ErrorCode::kParse, "gktps: " + std::to_string(gktps) + " GKTPs for a request with " +
                                      std::to_string(recipients) + " possible recipients (at most " +
                                      std::to_string(cap) + ")");
}

json GktpsAnswerJson(const std::vector<SentGktp>& gktps) { return {{"gktps", GktpListJson(gktps)}}; }

json GktpListJson(const std::vector<SentGktp>& gktps) {
  json list = json::array();
  for (const auto& g : gktps) {
    list.push_back({{"step", g.step}, {"recipient", g.recipient}, {"b64", ToBase64(g.message)}});
  }
  return list;
}

Result<std::vector<SentGktp>> GktpListFromJson(const json& j) {
  return JsonFields(j).ReadEach("gktps", &SentGktpFrom);
}

json ToJson(const PartnerAnswer& a) {
  json j = {{"gktps", GktpListJson(a.gktps)}};
  if (a.rejected) {
    j["rejected"] = true;
    j["reason"] = a.reason;
    if (!a.reason_code.empty()) j["reason_code"] = a.reason_code;
  }
  return j;
}

Result<PartnerAnswer> PartnerAnswerFromJson(const json& j) {
  PartnerAnswer a;
  MCX_ASSIGN_OR_RETURN(a.gktps, GktpListFromJson(j));
  const JsonFields f(j);
  MCX_ASSIGN_OR_RETURN(a.rejected, f.OptionalBool("rejected", false));
  MCX_ASSIGN_OR_RETURN(a.reason, f.OptionalString("reason", ""));
  if (a.rejected) {
    MCX_ASSIGN_OR_RETURN(a.reason_code, ReasonCodeFrom(f));
  }
  return a;
}

json ToJson(const DeliverAnswer& a) {
  if (!a.accepted) {
    json j = {{"accepted", false}, {"reason", a.reason}};
    if (!a.reason_code.empty()) j["reason_code"] = a.reason_code;
    return j;
  }
  return {{"accepted", true},
          {"gmk_id", HexU32(a.gmk_id)},
          {"srtp_master_key", ToHex(a.srtp_master_key)},
          {"srtp_master_salt", ToHex(a.srtp_master_salt)}};
}

Result<DeliverAnswer> DeliverAnswerFromJson(const json& j) {
  const JsonFields f(j);
  DeliverAnswer d;
  MCX_ASSIGN_OR_RETURN(d.accepted, f.Bool("accepted"));
  if (!d.accepted) {
    MCX_ASSIGN_OR_RETURN(d.reason, f.OptionalString("reason", ""));
    MCX_ASSIGN_OR_RETURN(d.reason_code, ReasonCodeFrom(f));
    return d;
  }
  MCX_ASSIGN_OR_RETURN(d.gmk_id, f.HexU32("gmk_id"));
  MCX_ASSIGN_OR_RETURN(d.srtp_master_key, f.Hex("srtp_master_key", 16));
  MCX_ASSIGN_OR_RETURN(d.srtp_master_salt, f.Hex("srtp_master_salt", 12));
  return d;
}

}  // namespace mcx::shim
