#include "harness/shim/answers.h"

#include "harness/shim/excerpt.h"
#include "harness/shim/json_fields.h"
#include "harness/shim/reason_codes.h"
#include "harness/shim/requests.h"

namespace mcx::shim {
namespace {

using nlohmann::json;

// The hello answer names its fields "answer field 'X'".
Error AnswerFieldError(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kParse, "answer field '" + field + "': " + problem);
}

Result<std::string> GetAnswerString(const json& obj, const std::string& field, bool required = true) {
  auto it = obj.find(field);
  if (it == obj.end()) {
    if (required) return AnswerFieldError(field, "missing");
    return std::string();
  }
  if (!it->is_string()) return AnswerFieldError(field, std::string("expected a string, got ") + it->type_name());
  return it->get<std::string>();
}

Result<SentGktp> SentGktpFrom(const json& item, const std::string& name) {
  if (!item.is_object()) return FieldError(name, "expected an object");
  Fields f(item, name);
  SentGktp g;
  MCX_ASSIGN_OR_RETURN(uint64_t step, f.Unsigned("step"));
  if (step < 1 || step > 15) return FieldError(f.Name("step"), "must be a procedure step 1..15");
  g.step = static_cast<int>(step);
  MCX_ASSIGN_OR_RETURN(g.recipient, f.String("recipient"));
  MCX_ASSIGN_OR_RETURN(g.message, f.Base64("b64"));
  return g;
}

// The optional "reason_code" of a rejection: absent is fine, anything that
// is not a known code is a protocol error saying which codes exist.
Result<std::string> ReasonCodeFrom(const Fields& f) {
  if (!f.Has("reason_code")) return std::string();
  MCX_ASSIGN_OR_RETURN(std::string code, f.String("reason_code"));
  auto parsed = ParseReasonCode(code);
  if (!parsed.ok()) return FieldError("reason_code", parsed.error().message());
  return code;
}

}  // namespace

json ToJson(const HelloAnswer& a) {
  return {{"name", a.name}, {"version", a.version}, {"protocol", kShimProtocolVersion}, {"roles", a.roles}};
}

Result<HelloAnswer> HelloAnswerFromJson(const json& answer) {
  HelloAnswer hello;
  MCX_ASSIGN_OR_RETURN(hello.name, GetAnswerString(answer, "name"));
  MCX_ASSIGN_OR_RETURN(hello.version, GetAnswerString(answer, "version"));
  auto protocol = answer.find("protocol");
  if (protocol != answer.end() &&
      (!protocol->is_number_integer() || protocol->get<int64_t>() != kShimProtocolVersion)) {
    return AnswerFieldError("protocol", "this harness speaks version " + std::to_string(kShimProtocolVersion) +
                                      ", the shim answered " + protocol->dump());
  }
  auto roles = answer.find("roles");
  if (roles == answer.end()) return AnswerFieldError("roles", "missing");
  if (!roles->is_array()) return AnswerFieldError("roles", "expected an array of role names");
  for (size_t i = 0; i < roles->size(); ++i) {
    const json& r = (*roles)[i];
    if (!r.is_string()) return AnswerFieldError("roles[" + std::to_string(i) + "]", "expected a string");
    std::string role = r.get<std::string>();
    if (role != "primary-gms" && role != "partner-gms" && role != "ue") {
      return AnswerFieldError("roles[" + std::to_string(i) + "]", "unknown role '" + Excerpt(role, 40) + "'");
    }
    hello.roles.push_back(role);
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
  Fields f(j, "");
  MCX_ASSIGN_OR_RETURN(const json* list, f.Array("gktps"));
  std::vector<SentGktp> out;
  for (size_t i = 0; i < list->size(); ++i) {
    MCX_ASSIGN_OR_RETURN(SentGktp g, SentGktpFrom((*list)[i], "gktps[" + std::to_string(i) + "]"));
    out.push_back(std::move(g));
  }
  return out;
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
  Fields f(j, "");
  MCX_ASSIGN_OR_RETURN(a.rejected, f.Bool("rejected", false));
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
  Fields f(j, "");
  DeliverAnswer d;
  if (!f.Has("accepted") || !j.at("accepted").is_boolean()) return FieldError("accepted", "expected true or false");
  d.accepted = j.at("accepted").get<bool>();
  if (!d.accepted) {
    MCX_ASSIGN_OR_RETURN(d.reason, f.OptionalString("reason", ""));
    MCX_ASSIGN_OR_RETURN(d.reason_code, ReasonCodeFrom(f));
    return d;
  }
  MCX_ASSIGN_OR_RETURN(Bytes gmk_id, f.Hex("gmk_id", 4));
  d.gmk_id = U32(gmk_id);
  MCX_ASSIGN_OR_RETURN(d.srtp_master_key, f.Hex("srtp_master_key", 16));
  MCX_ASSIGN_OR_RETURN(d.srtp_master_salt, f.Hex("srtp_master_salt", 12));
  return d;
}

}  // namespace mcx::shim
