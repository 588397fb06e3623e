#include "harness/shim/messages.h"

#include <cstdio>

namespace mcx::shim {
namespace {

using nlohmann::json;

Error FieldError(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kParse, "field '" + field + "': " + problem);
}

// Field readers over untrusted JSON: missing or mistyped fields are errors
// naming the field, never exceptions.
class Fields {
 public:
  Fields(const json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  bool Has(const std::string& key) const { return obj_.is_object() && obj_.contains(key); }
  std::string Name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  Result<std::string> String(const std::string& key) const {
    if (!Has(key)) return FieldError(Name(key), "missing");
    const json& v = obj_.at(key);
    if (!v.is_string()) return FieldError(Name(key), std::string("expected a string, got ") + v.type_name());
    return v.get<std::string>();
  }
  Result<std::string> OptionalString(const std::string& key, const std::string& fallback) const {
    if (!Has(key)) return fallback;
    return String(key);
  }
  Result<uint64_t> Unsigned(const std::string& key) const {
    if (!Has(key)) return FieldError(Name(key), "missing");
    const json& v = obj_.at(key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
      return FieldError(Name(key), "expected a non-negative integer");
    }
    return v.get<uint64_t>();
  }
  Result<bool> Bool(const std::string& key, bool fallback) const {
    if (!Has(key)) return fallback;
    const json& v = obj_.at(key);
    if (!v.is_boolean()) return FieldError(Name(key), "expected true or false");
    return v.get<bool>();
  }
  Result<Bytes> Hex(const std::string& key, size_t expected_size) const {
    MCX_ASSIGN_OR_RETURN(std::string text, String(key));
    auto bytes = FromHex(text);
    if (!bytes.ok()) return FieldError(Name(key), bytes.error().ToString());
    if (expected_size != 0 && bytes->size() != expected_size) {
      return FieldError(Name(key), "expected " + std::to_string(expected_size) + " octets, got " +
                                       std::to_string(bytes->size()));
    }
    return *bytes;
  }
  Result<Bytes> Base64(const std::string& key) const {
    MCX_ASSIGN_OR_RETURN(std::string text, String(key));
    auto bytes = FromBase64(text);
    if (!bytes.ok()) return FieldError(Name(key), "not base64: " + bytes.error().ToString());
    if (bytes->empty()) return FieldError(Name(key), "empty message");
    return *bytes;
  }
  Result<const json*> Array(const std::string& key) const {
    if (!Has(key)) return FieldError(Name(key), "missing");
    const json& v = obj_.at(key);
    if (!v.is_array()) return FieldError(Name(key), "expected an array");
    return &v;
  }
  Result<const json*> Object(const std::string& key) const {
    if (!Has(key)) return FieldError(Name(key), "missing");
    const json& v = obj_.at(key);
    if (!v.is_object()) return FieldError(Name(key), "expected an object");
    return &v;
  }

 private:
  const json& obj_;
  std::string prefix_;
};

uint32_t U32(const Bytes& b) { return static_cast<uint32_t>(b[0]) << 24 | b[1] << 16 | b[2] << 8 | b[3]; }

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

json PartyJson(const Party& p) { return {{"uri", p.uri}, {"kms_uri", p.kms_uri}}; }

Result<Party> PartyFrom(const json& j, const std::string& name) {
  if (!j.is_object()) return FieldError(name, "expected an object");
  Fields f(j, name);
  Party p;
  MCX_ASSIGN_OR_RETURN(p.uri, f.String("uri"));
  MCX_ASSIGN_OR_RETURN(p.kms_uri, f.String("kms_uri"));
  return p;
}

Result<std::vector<Party>> PartiesFrom(const Fields& f, const std::string& key) {
  MCX_ASSIGN_OR_RETURN(const json* list, f.Array(key));
  std::vector<Party> out;
  for (size_t i = 0; i < list->size(); ++i) {
    MCX_ASSIGN_OR_RETURN(Party p, PartyFrom((*list)[i], f.Name(key) + "[" + std::to_string(i) + "]"));
    out.push_back(std::move(p));
  }
  return out;
}

json OptionsJson(const GktpOptions& o) {
  return {{"identity_hiding", o.identity_hiding},
          {"sp_payload", o.sp_payload},
          {"key_params", o.key_params},
          {"sakke_to_self", o.sakke_to_self},
          {"cs_id", o.cs_id}};
}

Result<GktpOptions> OptionsFrom(const Fields& parent) {
  GktpOptions o;
  if (!parent.Has("options")) return o;
  MCX_ASSIGN_OR_RETURN(const json* obj, parent.Object("options"));
  Fields f(*obj, parent.Name("options"));
  MCX_ASSIGN_OR_RETURN(o.identity_hiding, f.Bool("identity_hiding", false));
  MCX_ASSIGN_OR_RETURN(o.sp_payload, f.Bool("sp_payload", true));
  MCX_ASSIGN_OR_RETURN(o.sakke_to_self, f.Bool("sakke_to_self", false));
  MCX_ASSIGN_OR_RETURN(o.key_params, f.OptionalString("key_params", "none"));
  if (o.key_params != "none" && o.key_params != "rel15" && o.key_params != "rel13") {
    return FieldError(f.Name("key_params"), "expected none, rel15 or rel13");
  }
  if (f.Has("cs_id")) {
    MCX_ASSIGN_OR_RETURN(uint64_t cs_id, f.Unsigned("cs_id"));
    if (cs_id > 255) return FieldError(f.Name("cs_id"), "must fit in one octet");
    o.cs_id = static_cast<uint8_t>(cs_id);
  }
  return o;
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

}  // namespace

json ToJson(const RegroupRequest& r) {
  json groups = json::array();
  for (const auto& g : r.constituent_groups) {
    json members = json::array();
    for (const auto& m : g.members) {
      members.push_back({{"uri", m.uri}, {"kms_uri", m.kms_uri}, {"affiliated", m.affiliated}});
    }
    json item = {{"id", g.id}, {"domain", g.domain}, {"members", members}};
    if (g.gmk) item["gmk"] = ToHex(*g.gmk);
    if (g.gmk_id) item["gmk_id"] = Hex32(*g.gmk_id);
    groups.push_back(item);
  }
  json clock = json::object();
  for (const auto& [step, t] : r.step_clock) clock[std::to_string(step)] = t;
  json j = {{"type", "regroup-request"},
            {"procedure", r.procedure},
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
  Fields f(j, "");
  RegroupRequest r;
  MCX_ASSIGN_OR_RETURN(r.procedure, f.OptionalString("procedure", "multi-domain-regroup"));
  if (r.procedure != "multi-domain-regroup" && r.procedure != "single-domain-regroup" &&
      r.procedure != "group-creation") {
    return FieldError("procedure", "unknown procedure '" + r.procedure + "'");
  }
  MCX_ASSIGN_OR_RETURN(r.requester, f.OptionalString("requester", ""));
  MCX_ASSIGN_OR_RETURN(r.temporary_group_id, f.String("temporary_group_id"));
  MCX_ASSIGN_OR_RETURN(const json* gms, f.Object("primary_gms"));
  MCX_ASSIGN_OR_RETURN(r.primary_gms, PartyFrom(*gms, "primary_gms"));
  if (f.Has("partner") && !j.at("partner").is_null()) {
    MCX_ASSIGN_OR_RETURN(Party partner, PartyFrom(j.at("partner"), "partner"));
    r.partner = partner;
  }
  MCX_ASSIGN_OR_RETURN(const json* groups, f.Array("constituent_groups"));
  for (size_t i = 0; i < groups->size(); ++i) {
    std::string name = "constituent_groups[" + std::to_string(i) + "]";
    const json& g = (*groups)[i];
    if (!g.is_object()) return FieldError(name, "expected an object");
    Fields gf(g, name);
    ConstituentGroup group;
    MCX_ASSIGN_OR_RETURN(group.id, gf.String("id"));
    MCX_ASSIGN_OR_RETURN(group.domain, gf.OptionalString("domain", ""));
    MCX_ASSIGN_OR_RETURN(const json* members, gf.Array("members"));
    for (size_t k = 0; k < members->size(); ++k) {
      std::string mname = name + ".members[" + std::to_string(k) + "]";
      const json& m = (*members)[k];
      if (!m.is_object()) return FieldError(mname, "expected an object");
      Fields mf(m, mname);
      GroupMember member;
      MCX_ASSIGN_OR_RETURN(member.uri, mf.String("uri"));
      MCX_ASSIGN_OR_RETURN(member.kms_uri, mf.String("kms_uri"));
      MCX_ASSIGN_OR_RETURN(member.affiliated, mf.Bool("affiliated", true));
      group.members.push_back(std::move(member));
    }
    if (gf.Has("gmk")) {
      MCX_ASSIGN_OR_RETURN(Bytes gmk, gf.Hex("gmk", 16));
      group.gmk = gmk;
    }
    if (gf.Has("gmk_id")) {
      MCX_ASSIGN_OR_RETURN(Bytes id, gf.Hex("gmk_id", 4));
      group.gmk_id = U32(id);
    }
    r.constituent_groups.push_back(std::move(group));
  }
  if (f.Has("step_clock")) {
    MCX_ASSIGN_OR_RETURN(const json* clock, f.Object("step_clock"));
    for (auto it = clock->begin(); it != clock->end(); ++it) {
      int step = std::atoi(it.key().c_str());
      if (step < 1 || step > 15 || !it.value().is_number_unsigned()) {
        return FieldError("step_clock." + it.key(), "expected step 1..15 mapped to NTP seconds");
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
  return {{"type", "regroup-notification"},
          {"primary_gms", PartyJson(r.primary_gms)},
          {"partner_gms", PartyJson(r.partner_gms)},
          {"temporary_group_id", r.temporary_group_id},
          {"gktp_b64", ToBase64(r.gktp)},
          {"affiliated_members", members},
          {"clock_ntp_seconds", r.clock_ntp_seconds},
          {"options", OptionsJson(r.options)}};
}

Result<RegroupNotification> RegroupNotificationFromJson(const json& j) {
  Fields f(j, "");
  RegroupNotification r;
  MCX_ASSIGN_OR_RETURN(const json* primary, f.Object("primary_gms"));
  MCX_ASSIGN_OR_RETURN(r.primary_gms, PartyFrom(*primary, "primary_gms"));
  MCX_ASSIGN_OR_RETURN(const json* partner, f.Object("partner_gms"));
  MCX_ASSIGN_OR_RETURN(r.partner_gms, PartyFrom(*partner, "partner_gms"));
  MCX_ASSIGN_OR_RETURN(r.temporary_group_id, f.String("temporary_group_id"));
  MCX_ASSIGN_OR_RETURN(r.gktp, f.Base64("gktp_b64"));
  MCX_ASSIGN_OR_RETURN(r.affiliated_members, PartiesFrom(f, "affiliated_members"));
  MCX_ASSIGN_OR_RETURN(r.clock_ntp_seconds, f.Unsigned("clock_ntp_seconds"));
  MCX_ASSIGN_OR_RETURN(r.options, OptionsFrom(f));
  return r;
}

json ToJson(const DeliverRequest& r) {
  return {{"type", "deliver-gktp"},
          {"ue", r.ue.uri},
          {"ue_kms_uri", r.ue.kms_uri},
          {"sender", r.sender},
          {"gktp_b64", ToBase64(r.gktp)},
          {"clock_ntp_seconds", r.clock_ntp_seconds},
          {"srtp", {{"cs_id", r.srtp_cs_id}, {"rand", ToHex(r.srtp_rand)}}}};
}

Result<DeliverRequest> DeliverRequestFromJson(const json& j) {
  Fields f(j, "");
  DeliverRequest r;
  MCX_ASSIGN_OR_RETURN(r.ue.uri, f.String("ue"));
  MCX_ASSIGN_OR_RETURN(r.ue.kms_uri, f.OptionalString("ue_kms_uri", ""));
  MCX_ASSIGN_OR_RETURN(r.sender, f.String("sender"));
  MCX_ASSIGN_OR_RETURN(r.gktp, f.Base64("gktp_b64"));
  MCX_ASSIGN_OR_RETURN(r.clock_ntp_seconds, f.Unsigned("clock_ntp_seconds"));
  MCX_ASSIGN_OR_RETURN(const json* srtp, f.Object("srtp"));
  Fields sf(*srtp, "srtp");
  MCX_ASSIGN_OR_RETURN(uint64_t cs_id, sf.Unsigned("cs_id"));
  if (cs_id > 255) return FieldError("srtp.cs_id", "must fit in one octet");
  r.srtp_cs_id = static_cast<uint8_t>(cs_id);
  MCX_ASSIGN_OR_RETURN(r.srtp_rand, sf.Hex("rand", 0));
  return r;
}

json ToJson(const std::vector<ProvisionedIdentity>& identities) {
  json list = json::array();
  for (const auto& id : identities) {
    list.push_back({{"uri", id.uri},
                    {"kms_uri", id.kms_uri},
                    {"init_xml", id.init_xml},
                    {"keyprov_xml", id.keyprov_xml},
                    {"certcache_xml", id.certcache_xml}});
  }
  return {{"type", "provision"}, {"identities", list}};
}

Result<std::vector<ProvisionedIdentity>> ProvisionFromJson(const json& j) {
  Fields f(j, "");
  MCX_ASSIGN_OR_RETURN(const json* list, f.Array("identities"));
  std::vector<ProvisionedIdentity> out;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string name = "identities[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return FieldError(name, "expected an object");
    Fields idf((*list)[i], name);
    ProvisionedIdentity id;
    MCX_ASSIGN_OR_RETURN(id.uri, idf.String("uri"));
    MCX_ASSIGN_OR_RETURN(id.kms_uri, idf.String("kms_uri"));
    MCX_ASSIGN_OR_RETURN(id.init_xml, idf.String("init_xml"));
    MCX_ASSIGN_OR_RETURN(id.keyprov_xml, idf.String("keyprov_xml"));
    MCX_ASSIGN_OR_RETURN(id.certcache_xml, idf.OptionalString("certcache_xml", ""));
    out.push_back(std::move(id));
  }
  return out;
}

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
  }
  return j;
}

Result<PartnerAnswer> PartnerAnswerFromJson(const json& j) {
  PartnerAnswer a;
  MCX_ASSIGN_OR_RETURN(a.gktps, GktpListFromJson(j));
  Fields f(j, "");
  MCX_ASSIGN_OR_RETURN(a.rejected, f.Bool("rejected", false));
  MCX_ASSIGN_OR_RETURN(a.reason, f.OptionalString("reason", ""));
  return a;
}

json ToJson(const DeliverAnswer& a) {
  if (!a.accepted) return {{"accepted", false}, {"reason", a.reason}};
  return {{"accepted", true},
          {"gmk_id", Hex32(a.gmk_id)},
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
    return d;
  }
  MCX_ASSIGN_OR_RETURN(Bytes gmk_id, f.Hex("gmk_id", 4));
  d.gmk_id = U32(gmk_id);
  MCX_ASSIGN_OR_RETURN(d.srtp_master_key, f.Hex("srtp_master_key", 16));
  MCX_ASSIGN_OR_RETURN(d.srtp_master_salt, f.Hex("srtp_master_salt", 12));
  return d;
}

}  // namespace mcx::shim
