#include "mikey/inspect.h"

#include <string_view>
#include <type_traits>

#include "mikey/names.h"

namespace mcx::mikey {
namespace {

using Json = nlohmann::ordered_json;

// Octets before the variable data of each payload (next payload and the
// fixed fields), to report where that data sits in the message.
constexpr size_t kIdDataOffset = 4;      // next, type, length(2)
constexpr size_t kIdrDataOffset = 5;     // next, role, type, length(2)
constexpr size_t kRandDataOffset = 2;    // next, length
constexpr size_t kSakkeDataOffset = 5;   // next, params, scheme, length(2)
constexpr size_t kSignatureOffset = 2;   // S type/length
constexpr size_t kExtDataOffset = 4;     // next, type, length(2)
constexpr size_t kKemacDataOffset = 4;   // next, encr alg, length(2)
constexpr size_t kSpParamsOffset = 5;    // next, policy no, prot type, length(2)
constexpr size_t kSakkeBodyHeader = 4;   // params, scheme, length(2)
constexpr size_t kProtectedHeader = kProtectedPayloadAadSize + 3;  // + IEI, length(2)

Json Named(uint8_t value, std::string_view name) {
  return Json{{"value", value}, {"name", std::string(name)}};
}

Json Purpose(uint32_t key_id) {
  uint8_t tag = PurposeTag(key_id);
  return Named(tag, KeyPurposeName(tag));
}

// The octets as text when they are printable ASCII (URIs), else nothing.
void AddTextIfPrintable(Json& j, const char* key, ByteSpan bytes) {
  if (bytes.empty()) return;
  for (uint8_t b : bytes) {
    if (b < 0x20 || b > 0x7e) return;
  }
  j[key] = std::string(bytes.begin(), bytes.end());
}

Json HdrJson(const Message& m) {
  const CommonHeader& h = m.hdr;
  uint8_t first = m.payloads.empty() ? 0 : static_cast<uint8_t>(m.payloads.front().type());
  Json j;
  j["offset"] = 0;
  j["length"] = m.hdr_length;
  j["version"] = h.version;
  j["data_type"] = Named(h.data_type, DataTypeName(h.data_type));
  j["next_payload"] = Named(first, PayloadTypeName(first));
  j["v_flag"] = h.v_flag;
  j["prf_func"] = Named(h.prf_func, PrfFuncName(h.prf_func));
  j["csb_id"] = HexU32(h.csb_id);
  j["csb_id_purpose"] = Purpose(h.csb_id);
  j["cs_count"] = h.cs_count();
  uint8_t map_type = static_cast<uint8_t>(h.map_type());
  j["cs_id_map_type"] = Named(map_type, CsIdMapTypeName(map_type));
  Json map = Json::array();
  if (const auto* srtp = std::get_if<SrtpIdMap>(&h.cs_id_map)) {
    for (const SrtpIdEntry& e : srtp->entries) {
      map.push_back(Json{{"policy_no", e.policy_no}, {"ssrc", HexU32(e.ssrc)}, {"roc", e.roc}});
    }
  } else if (const auto* generic = std::get_if<GenericIdMap>(&h.cs_id_map)) {
    for (const GenericIdEntry& e : generic->entries) {
      Json entry;
      entry["cs_id"] = e.cs_id;
      entry["prot_type"] = Named(e.prot_type, ProtTypeName(e.prot_type));
      entry["s_flag"] = e.s_flag;
      entry["policy_numbers"] = e.policy_numbers;
      entry["session_data"] = ToHex(e.session_data);
      entry["spi"] = ToHex(e.spi);
      if (auto key_id = e.SpiKeyId()) {
        entry["spi_key_id"] = HexU32(*key_id);
        entry["spi_key_id_purpose"] = Purpose(*key_id);
      }
      if (auto guk_id = e.SpiGukId()) entry["spi_guk_id"] = HexU32(*guk_id);
      map.push_back(std::move(entry));
    }
  }
  j["cs_id_map"] = std::move(map);
  return j;
}

Json SakkeBodyJson(const SakkePayload& p, size_t data_offset) {
  Json j;
  j["sakke_params"] = Named(p.params, SakkeParamsName(p.params));
  j["id_scheme"] = Named(p.id_scheme, SakkeIdSchemeName(p.id_scheme));
  j["data_length"] = p.data.size();
  j["data_offset"] = data_offset;
  j["data"] = ToHex(p.data);
  return j;
}

Json ProtectedPayloadJson(const ProtectedPayload& p, size_t start) {
  Json j;
  j["message_type"] = p.message_type;
  j["encrypted"] = (p.message_type & 0x40) != 0;
  j["date_time"] = p.date_time;
  j["payload_id"] = p.payload_id;
  j["sequence_number"] = p.sequence_number;
  j["algorithm"] = Named(p.algorithm, p.algorithm == 1 ? "AES-128-GCM" : "");
  j["iv"] = ToHex(p.iv);
  j["dppk_id"] = HexU32(p.dppk_id);
  j["dppk_id_purpose"] = Purpose(p.dppk_id);
  j["associated_data_length"] = kProtectedPayloadAadSize;
  j["payload_iei"] = p.payload_iei;
  j["payload_length"] = p.ciphertext.size();
  j["payload_offset"] = start + kProtectedHeader;
  j["ciphertext_and_tag"] = ToHex(p.ciphertext);
  return j;
}

Json ExtensionJson(const GeneralExtPayload& p, size_t payload_offset, Json j) {
  size_t data_offset = payload_offset + kExtDataOffset;
  j["ext_type"] = Named(p.type, ExtensionTypeName(p.type));
  j["data_offset"] = data_offset;
  std::visit(
      [&](const auto& content) {
        using T = std::decay_t<decltype(content)>;
        if constexpr (std::is_same_v<T, Bytes>) {
          j["data_length"] = content.size();
          j["data"] = ToHex(content);
        } else if constexpr (std::is_same_v<T, SakkePayload>) {
          j["sakke_to_self"] = SakkeBodyJson(content, data_offset + kSakkeBodyHeader);
        } else if constexpr (std::is_same_v<T, ProtectedPayload>) {
          j["key_parameters_form"] = "Rel-15+ protected payload";
          j["protected_payload"] = ProtectedPayloadJson(content, data_offset);
        } else {
          j["key_parameters_form"] = "Rel-13 clear (first octet = key type + 1)";
          j["key_parameters"] = KeyParametersJson(content.params);
        }
      },
      p.content);
  return j;
}

Json PolicyParamsJson(const std::vector<PolicyParam>& policy) {
  Json params = Json::array();
  for (const PolicyParam& param : policy) {
    Json pj;
    pj["type"] = Named(param.type, SrtpPolicyParamName(param.type));
    pj["value"] = ToHex(param.value);
    if (param.value.size() == 1) {
      pj["value_int"] = param.value[0];
      std::string_view meaning = SrtpPolicyValueName(param.type, param.value[0]);
      if (!meaning.empty()) pj["meaning"] = std::string(meaning);
    }
    params.push_back(std::move(pj));
  }
  return params;
}

void AddSignJson(Json& j, const SignPayload& p, size_t at, const Message& m) {
  j["s_type"] = Named(p.s_type, SignTypeName(p.s_type));
  j["signature_length"] = p.signature.size();
  j["signature_offset"] = at + kSignatureOffset;
  if (m.signed_length) {
    j["signed_span"] = Json{{"offset", 0}, {"length", *m.signed_length}};
  }
  if (auto eccsi = p.Eccsi()) {
    j["eccsi"] = Json{{"r", ToHex(eccsi->r)}, {"s", ToHex(eccsi->s)}, {"pvt", ToHex(eccsi->pvt)}};
  } else {
    j["signature"] = ToHex(p.signature);
  }
}

Json PayloadJson(const Payload& payload, uint8_t next, const Message& m) {
  uint8_t type = static_cast<uint8_t>(payload.type());
  const size_t at = payload.offset;
  Json j;
  j["payload"] = Named(type, PayloadTypeName(type));
  j["offset"] = at;
  j["length"] = payload.length;
  if (payload.type() != PayloadType::kSign) j["next_payload"] = Named(next, PayloadTypeName(next));

  std::visit(
      [&](const auto& p) {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, TimestampPayload>) {
          uint8_t ts = static_cast<uint8_t>(p.ts_type);
          j["ts_type"] = Named(ts, TsTypeName(ts));
          j["ts_value"] = ToHex(FixedBigEndian(p.value, p.ts_type == TsType::kCounter ? 4 : 8));
          if (p.ts_type != TsType::kCounter) {
            j["ntp_seconds"] = p.value >> 32;
            j["ntp_fraction"] = p.value & 0xffffffffu;
          }
        } else if constexpr (std::is_same_v<T, RandPayload>) {
          j["rand_length"] = p.rand.size();
          j["rand_offset"] = at + kRandDataOffset;
          j["rand"] = ToHex(p.rand);
        } else if constexpr (std::is_same_v<T, IdPayload>) {
          j["id_type"] = Named(p.id_type, IdTypeName(p.id_type));
          j["id_length"] = p.id.size();
          j["id_offset"] = at + kIdDataOffset;
          j["id"] = ToHex(p.id);
          AddTextIfPrintable(j, "id_text", p.id);
        } else if constexpr (std::is_same_v<T, IdrPayload>) {
          j["id_role"] = Named(p.role, IdRoleName(p.role));
          j["id_type"] = Named(p.id_type, IdTypeName(p.id_type));
          j["id_length"] = p.id.size();
          j["id_offset"] = at + kIdrDataOffset;
          j["id"] = ToHex(p.id);
          AddTextIfPrintable(j, "id_text", p.id);
        } else if constexpr (std::is_same_v<T, SpPayload>) {
          j["policy_no"] = p.policy_no;
          j["prot_type"] = Named(p.prot_type, ProtTypeName(p.prot_type));
          j["params_offset"] = at + kSpParamsOffset;
          j["params"] = PolicyParamsJson(p.params);
        } else if constexpr (std::is_same_v<T, SakkePayload>) {
          j.update(SakkeBodyJson(p, at + kSakkeDataOffset));
        } else if constexpr (std::is_same_v<T, SignPayload>) {
          AddSignJson(j, p, at, m);
        } else if constexpr (std::is_same_v<T, GeneralExtPayload>) {
          j = ExtensionJson(p, at, std::move(j));
        } else if constexpr (std::is_same_v<T, KemacPayload>) {
          j["encr_alg"] = Named(p.encr_alg, KemacEncrAlgName(p.encr_alg));
          j["encr_data_length"] = p.encr_data.size();
          j["encr_data_offset"] = at + kKemacDataOffset;
          j["encr_data"] = ToHex(p.encr_data);
          j["mac_alg"] = Named(p.mac_alg, MacAlgName(p.mac_alg));
          j["mac"] = ToHex(p.mac);
        } else if constexpr (std::is_same_v<T, VPayload>) {
          j["mac_alg"] = Named(p.mac_alg, MacAlgName(p.mac_alg));
          j["mac"] = ToHex(p.mac);
        } else {
          static_assert(std::is_same_v<T, ErrPayload>);
          j["error_no"] = Named(p.error_no, ErrorNoName(p.error_no));
          j["reserved"] = p.reserved;
        }
      },
      payload.body);
  return j;
}

// ------------------------------------------------------------ text rendering

bool IsNamedValue(const Json& j) {
  return j.is_object() && j.size() == 2 && j.contains("value") && j.contains("name");
}


std::string Label(std::string key) {
  for (char& c : key) {
    if (c == '_') c = ' ';
  }
  return key;
}

void AppendLine(std::string& out, int indent, const std::string& label, const std::string& value) {
  constexpr size_t kWrap = 64;
  std::string pad(indent, ' ');
  out += pad + label + ":";
  if (value.size() <= kWrap) {
    out += " " + value + "\n";
    return;
  }
  out += "\n";
  for (size_t i = 0; i < value.size(); i += kWrap) {
    out += pad + "    " + value.substr(i, kWrap) + "\n";
  }
}

void RenderObject(const Json& obj, int indent, std::string& out) {
  for (const auto& [key, value] : obj.items()) {
    if (InspectIsLeaf(value)) {
      AppendLine(out, indent, Label(key), InspectLeafText(value));
    } else if (value.is_array()) {
      for (size_t i = 0; i < value.size(); ++i) {
        out += std::string(indent, ' ') + Label(key) + " [" + std::to_string(i + 1) + "]:\n";
        RenderObject(value[i], indent + 2, out);
      }
    } else {
      out += std::string(indent, ' ') + Label(key) + ":\n";
      RenderObject(value, indent + 2, out);
    }
  }
}

size_t WireLength(const Message& m) {
  if (m.payloads.empty()) return m.hdr_length;
  return m.payloads.back().offset + m.payloads.back().length;
}

}  // namespace

Json KeyParametersJson(const KeyParameters& params) {
  Json j;
  j["key_type"] = Named(params.key_type, KeyPurposeName(params.key_type));
  j["status"] = Json{{"value", params.status},
                     {"valid", (params.status & kKeyStatusValid) != 0},
                     {"shared", (params.status & kKeyStatusShared) != 0}};
  j["activation_time"] = params.activation_time;
  j["expiry_time"] = params.expiry_time;
  j["text"] = params.text;
  if (params.group_ids) {
    Json ids = Json::array();
    for (const GroupIdTlv& id : *params.group_ids) {
      Json entry{{"iei", id.iei}, {"value", ToHex(id.value)}};
      AddTextIfPrintable(entry, "value_text", id.value);
      ids.push_back(std::move(entry));
    }
    j["group_ids"] = std::move(ids);
  }
  return j;
}

Json InspectJson(const Message& message) {
  Json j;
  j["length"] = WireLength(message);
  if (message.signed_length) j["signed_length"] = *message.signed_length;
  j["hdr"] = HdrJson(message);
  Json payloads = Json::array();
  const std::vector<Payload>& all = message.payloads;
  for (size_t i = 0; i < all.size(); ++i) {
    uint8_t next = i + 1 < all.size() ? static_cast<uint8_t>(all[i + 1].type()) : 0;
    payloads.push_back(PayloadJson(all[i], next, message));
  }
  j["payloads"] = std::move(payloads);
  return j;
}

std::string InspectText(const Message& message) {
  Json j = InspectJson(message);
  std::string out = "MIKEY message, " + j["length"].dump() + " octets";
  if (message.signed_length) {
    out += "; signature covers octets 0.." + std::to_string(*message.signed_length - 1);
  }
  out += "\n";
  auto heading = [&](const std::string& name, const Json& part) {
    out += name + " (offset " + part["offset"].dump() + ", " + part["length"].dump() + " octets)\n";
  };
  Json hdr = j["hdr"];
  heading("HDR", hdr);
  hdr.erase("offset");
  hdr.erase("length");
  RenderObject(hdr, 2, out);
  for (Json payload : j["payloads"]) {
    std::string name = payload["payload"]["name"].get<std::string>();
    heading(name + " payload", payload);
    for (const char* key : {"payload", "offset", "length"}) payload.erase(key);
    RenderObject(payload, 2, out);
  }
  return out;
}


std::string InspectLeafText(const nlohmann::ordered_json& j) {
  if (IsNamedValue(j)) {
    std::string name = j["name"].is_string() ? j["name"].get<std::string>() : "";
    return j["value"].dump() + (name.empty() ? " (unassigned)" : " (" + name + ")");
  }
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    return s.empty() ? "(empty)" : s;
  }
  if (j.is_boolean()) return j.get<bool>() ? "yes" : "no";
  if (j.is_array()) {
    std::string joined;
    for (const Json& item : j) joined += (joined.empty() ? "" : ", ") + InspectLeafText(item);
    return joined.empty() ? "(none)" : joined;
  }
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool InspectIsLeaf(const nlohmann::ordered_json& j) {
  if (IsNamedValue(j)) return true;
  if (j.is_object()) return false;
  if (j.is_array()) {
    for (const Json& item : j) {
      if (item.is_object() && !IsNamedValue(item)) return false;
    }
  }
  return true;
}

}  // namespace mcx::mikey
