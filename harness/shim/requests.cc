#include "harness/shim/requests.h"

#include <cstdlib>


namespace mcx::shim {
namespace {

using nlohmann::json;

// A hello's "protocol" beyond this is not a version number at all.
constexpr uint64_t kMaxProtocolVersion = 1000;

json PartyJson(const Party& p) { return {{"uri", p.uri}, {"kms_uri", p.kms_uri}}; }

Result<Party> PartyFrom(const JsonFields& f) {
  Party p;
  MCX_ASSIGN_OR_RETURN(p.uri, f.String("uri"));
  MCX_ASSIGN_OR_RETURN(p.kms_uri, f.String("kms_uri"));
  return p;
}

Result<Party> PartyField(const JsonFields& parent, const std::string& key) {
  MCX_ASSIGN_OR_RETURN(JsonFields f, parent.Object(key));
  return PartyFrom(f);
}

json OptionsJson(const GktpOptions& o) {
  return {{"identity_hiding", o.identity_hiding},
          {"sp_payload", o.sp_payload},
          {"key_params", o.key_params},
          {"sakke_to_self", o.sakke_to_self},
          {"cs_id", o.cs_id}};
}

Result<GktpOptions> OptionsFrom(const JsonFields& parent) {
  GktpOptions o;
  if (!parent.Has("options")) return o;
  MCX_ASSIGN_OR_RETURN(JsonFields f, parent.Object("options"));
  MCX_ASSIGN_OR_RETURN(o.identity_hiding, f.OptionalBool("identity_hiding", false));
  MCX_ASSIGN_OR_RETURN(o.sp_payload, f.OptionalBool("sp_payload", true));
  MCX_ASSIGN_OR_RETURN(o.sakke_to_self, f.OptionalBool("sakke_to_self", false));
  MCX_ASSIGN_OR_RETURN(o.key_params, f.OptionalString("key_params", "none"));
  if (o.key_params != "none" && o.key_params != "rel15" && o.key_params != "rel13") {
    return f.FieldError("key_params", "expected none, rel15 or rel13");
  }
  if (f.Has("cs_id")) {
    MCX_ASSIGN_OR_RETURN(uint64_t cs_id, f.Unsigned("cs_id", 255));
    o.cs_id = static_cast<uint8_t>(cs_id);
  }
  return o;
}

Result<GroupMember> MemberFrom(const JsonFields& f) {
  GroupMember member;
  MCX_ASSIGN_OR_RETURN(member.uri, f.String("uri"));
  MCX_ASSIGN_OR_RETURN(member.kms_uri, f.String("kms_uri"));
  MCX_ASSIGN_OR_RETURN(member.affiliated, f.OptionalBool("affiliated", true));
  return member;
}

Result<ProvisionedIdentity> IdentityFrom(const JsonFields& f) {
  ProvisionedIdentity id;
  MCX_ASSIGN_OR_RETURN(id.uri, f.String("uri"));
  MCX_ASSIGN_OR_RETURN(id.kms_uri, f.String("kms_uri"));
  MCX_ASSIGN_OR_RETURN(id.init_xml, f.String("init_xml"));
  MCX_ASSIGN_OR_RETURN(id.keyprov_xml, f.String("keyprov_xml"));
  MCX_ASSIGN_OR_RETURN(id.certcache_xml, f.OptionalString("certcache_xml", ""));
  return id;
}

Result<ConstituentGroup> GroupFrom(const JsonFields& gf) {
  ConstituentGroup group;
  MCX_ASSIGN_OR_RETURN(group.id, gf.String("id"));
  MCX_ASSIGN_OR_RETURN(group.domain, gf.OptionalString("domain", ""));
  MCX_ASSIGN_OR_RETURN(group.members, gf.ReadEach("members", &MemberFrom));
  if (gf.Has("gmk")) {
    MCX_ASSIGN_OR_RETURN(group.gmk, gf.Hex("gmk", 16));
  }
  if (gf.Has("gmk_id")) {
    MCX_ASSIGN_OR_RETURN(group.gmk_id, gf.HexU32("gmk_id"));
  }
  return group;
}

}  // namespace

json ToJson(const HelloRequest& r) {
  json j = {{"protocol", r.protocol}, {"test_case", r.test_case}};
  if (r.seed) j["seed"] = *r.seed;
  if (r.clock_ntp_seconds) j["clock_ntp_seconds"] = *r.clock_ntp_seconds;
  if (r.role) j["role"] = *r.role;
  return j;
}

Result<HelloRequest> HelloRequestFromJson(const json& j) {
  const JsonFields f(j);
  HelloRequest r;
  if (f.Has("protocol")) {
    MCX_ASSIGN_OR_RETURN(uint64_t protocol, f.Unsigned("protocol", kMaxProtocolVersion));
    r.protocol = static_cast<int>(protocol);
  }
  if (f.Has("seed")) {
    MCX_ASSIGN_OR_RETURN(r.seed, f.Unsigned("seed"));
  }
  if (f.Has("clock_ntp_seconds")) {
    MCX_ASSIGN_OR_RETURN(r.clock_ntp_seconds, f.Unsigned("clock_ntp_seconds"));
  }
  MCX_ASSIGN_OR_RETURN(r.test_case, f.OptionalString("test_case", ""));
  if (f.Has("role")) {
    MCX_ASSIGN_OR_RETURN(r.role, f.String("role"));
  }
  return r;
}

json ToJson(const RegroupRequest& r) {
  json groups = json::array();
  for (const auto& g : r.constituent_groups) {
    json members = json::array();
    for (const auto& m : g.members) {
      members.push_back({{"uri", m.uri}, {"kms_uri", m.kms_uri}, {"affiliated", m.affiliated}});
    }
    json item = {{"id", g.id}, {"domain", g.domain}, {"members", members}};
    if (g.gmk) item["gmk"] = ToHex(*g.gmk);
    if (g.gmk_id) item["gmk_id"] = HexU32(*g.gmk_id);
    groups.push_back(item);
  }
  json clock = json::object();
  for (const auto& [step, t] : r.step_clock) clock[std::to_string(step)] = t;
  json j = {{"procedure", r.procedure},
            {"requester", r.requester},
            {"temporary_group_id", r.temporary_group_id},
            {"primary_gms", PartyJson(r.primary_gms)},
            {"constituent_groups", groups},
            {"step_clock", clock},
            {"options", OptionsJson(r.options)}};
  j["partner"] = r.partner ? PartyJson(*r.partner) : json(nullptr);
  return j;
}

Result<RegroupRequest> RegroupRequestFromJson(const json& j) {
  const JsonFields f(j);
  RegroupRequest r;
  MCX_ASSIGN_OR_RETURN(r.procedure, f.OptionalString("procedure", "multi-domain-regroup"));
  if (r.procedure != "multi-domain-regroup" && r.procedure != "single-domain-regroup" &&
      r.procedure != "group-creation") {
    return f.FieldError("procedure", "unknown procedure '" + r.procedure + "'");
  }
  MCX_ASSIGN_OR_RETURN(r.requester, f.OptionalString("requester", ""));
  MCX_ASSIGN_OR_RETURN(r.temporary_group_id, f.String("temporary_group_id"));
  MCX_ASSIGN_OR_RETURN(r.primary_gms, PartyField(f, "primary_gms"));
  if (f.Has("partner") && !j.at("partner").is_null()) {
    MCX_ASSIGN_OR_RETURN(r.partner, PartyField(f, "partner"));
  }
  MCX_ASSIGN_OR_RETURN(r.constituent_groups, f.ReadEach("constituent_groups", &GroupFrom));
  if (f.Has("step_clock")) {
    MCX_ASSIGN_OR_RETURN(JsonFields clock, f.Object("step_clock"));
    for (auto it = clock.object().begin(); it != clock.object().end(); ++it) {
      int step = std::atoi(it.key().c_str());
      if (step < 1 || step > 15 || !it.value().is_number_unsigned()) {
        return clock.FieldError(it.key(), "expected step 1..15 mapped to NTP seconds");
      }
      r.step_clock[step] = it.value().get<uint64_t>();
    }
  }
  MCX_ASSIGN_OR_RETURN(r.options, OptionsFrom(f));
  return r;
}

json ToJson(const RegroupNotification& r) {
  json members = json::array();
  for (const auto& m : r.affiliated_members) members.push_back(PartyJson(m));
  return {{"primary_gms", PartyJson(r.primary_gms)},
          {"partner_gms", PartyJson(r.partner_gms)},
          {"temporary_group_id", r.temporary_group_id},
          {"gktp_b64", ToBase64(r.gktp)},
          {"affiliated_members", members},
          {"clock_ntp_seconds", r.clock_ntp_seconds},
          {"options", OptionsJson(r.options)}};
}

Result<RegroupNotification> RegroupNotificationFromJson(const json& j) {
  const JsonFields f(j);
  RegroupNotification r;
  MCX_ASSIGN_OR_RETURN(r.primary_gms, PartyField(f, "primary_gms"));
  MCX_ASSIGN_OR_RETURN(r.partner_gms, PartyField(f, "partner_gms"));
  MCX_ASSIGN_OR_RETURN(r.temporary_group_id, f.String("temporary_group_id"));
  MCX_ASSIGN_OR_RETURN(r.gktp, MikeyMessage(f, "gktp_b64"));
  MCX_ASSIGN_OR_RETURN(r.affiliated_members, f.ReadEach("affiliated_members", &PartyFrom));
  MCX_ASSIGN_OR_RETURN(r.clock_ntp_seconds, f.Unsigned("clock_ntp_seconds"));
  MCX_ASSIGN_OR_RETURN(r.options, OptionsFrom(f));
  return r;
}

json ToJson(const DeliverRequest& r) {
  return {{"ue", r.ue.uri},
          {"ue_kms_uri", r.ue.kms_uri},
          {"sender", r.sender},
          {"gktp_b64", ToBase64(r.gktp)},
          {"clock_ntp_seconds", r.clock_ntp_seconds},
          {"srtp", {{"cs_id", r.srtp_cs_id}, {"rand", ToHex(r.srtp_rand)}}}};
}

Result<DeliverRequest> DeliverRequestFromJson(const json& j) {
  const JsonFields f(j);
  DeliverRequest r;
  MCX_ASSIGN_OR_RETURN(r.ue.uri, f.String("ue"));
  MCX_ASSIGN_OR_RETURN(r.ue.kms_uri, f.OptionalString("ue_kms_uri", ""));
  MCX_ASSIGN_OR_RETURN(r.sender, f.String("sender"));
  MCX_ASSIGN_OR_RETURN(r.gktp, MikeyMessage(f, "gktp_b64"));
  MCX_ASSIGN_OR_RETURN(r.clock_ntp_seconds, f.Unsigned("clock_ntp_seconds"));
  MCX_ASSIGN_OR_RETURN(JsonFields srtp, f.Object("srtp"));
  MCX_ASSIGN_OR_RETURN(uint64_t cs_id, srtp.Unsigned("cs_id", 255));
  r.srtp_cs_id = static_cast<uint8_t>(cs_id);
  MCX_ASSIGN_OR_RETURN(r.srtp_rand, srtp.Hex("rand"));
  return r;
}

json ToJson(const ProvisionRequest& r) {
  json list = json::array();
  for (const auto& id : r.identities) {
    list.push_back({{"uri", id.uri},
                    {"kms_uri", id.kms_uri},
                    {"init_xml", id.init_xml},
                    {"keyprov_xml", id.keyprov_xml},
                    {"certcache_xml", id.certcache_xml}});
  }
  return {{"identities", list}};
}

Result<ProvisionRequest> ProvisionFromJson(const json& j) {
  ProvisionRequest r;
  MCX_ASSIGN_OR_RETURN(r.identities, JsonFields(j).ReadEach("identities", &IdentityFrom));
  return r;
}

Result<Bytes> MikeyMessage(const JsonFields& fields, const std::string& key) {
  MCX_ASSIGN_OR_RETURN(Bytes message, fields.Base64(key));
  if (message.empty()) return fields.FieldError(key, "empty message");
  return message;
}

}  // namespace mcx::shim
