// "MCX MIKEY-SAKKE" (filter prefix mcxmikey): dissects the TS 33.180 MIKEY
// I_MESSAGEs with the project's own strict codec (//mikey:codec), so the tree
// shows exactly what the conformance harness sees: the GENERIC-ID SPI split
// into GMK-ID and GUK-ID, the purpose tag of the CSB-ID, IDR roles, SAKKE and
// ECCSI parts.
//
// Wireshark reports errors by longjmp()ing out of proto_tree_add_*(), which
// skips C++ destructors. So the frames that call Wireshark hold no object
// with a destructor: the parsed message lives in one long-lived Message that
// ParseInto recycles, and the parser's error text is copied into the packet
// scope before any tree call. Every tree offset comes from a successful
// parse, so the adds stay in bounds in the first place.
#include "dissector/packet_mcxmikey.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <wireshark.h>

#include "crypto/bytes.h"
#include "crypto/guk_id.h"
#include "crypto/result.h"
#include "mikey/codec.h"
#include "mikey/message.h"
#include "mikey/names.h"

namespace {

using mcx::mikey::Message;
using mcx::mikey::Payload;

// RFC 3830 6.1: version 1, then the data type (26 = SAKKE, RFC 6509).
constexpr uint8_t kFirstOctet = mcx::mikey::kMikeyVersion;
constexpr uint8_t kSecondOctet = mcx::mikey::kDataTypeSakkeMessage;
// version, data type, next payload, V|PRF, CSB-ID (4), #CS, CS ID map type.
constexpr int kHdrFixedSize = 10;
constexpr int kSrtpIdEntrySize = 9;
constexpr int kEccsiSignatureOffset = 2;  // after the S type/length octets
constexpr size_t kSakkeRSize = 257;       // 0x04 || x || y for parameter set 1
constexpr size_t kSakkeHSize = 16;

int proto_mcxmikey = -1;
dissector_handle_t mcxmikey_handle;

int hf_version = -1;
int hf_data_type = -1;
int hf_next_payload = -1;
int hf_v_flag = -1;
int hf_prf_func = -1;
int hf_csb_id = -1;
int hf_purpose_tag = -1;
int hf_cs_count = -1;
int hf_cs_map_type = -1;
int hf_srtp_policy_no = -1;
int hf_srtp_ssrc = -1;
int hf_srtp_roc = -1;
int hf_cs_id = -1;
int hf_cs_prot_type = -1;
int hf_cs_s_flag = -1;
int hf_cs_num_policies = -1;
int hf_cs_policy_no = -1;
int hf_cs_session_data_len = -1;
int hf_cs_session_data = -1;
int hf_cs_spi_len = -1;
int hf_cs_spi = -1;
int hf_gmk_id = -1;
int hf_guk_id = -1;
int hf_t_type = -1;
int hf_t = -1;
int hf_t_date = -1;
int hf_t_counter = -1;
int hf_rand_len = -1;
int hf_rand = -1;
int hf_idr_role = -1;
int hf_idr_id_type = -1;
int hf_idr_id_len = -1;
int hf_idr_id = -1;
int hf_idr_uri = -1;
int hf_sp_policy_no = -1;
int hf_sp_prot_type = -1;
int hf_sp_params_len = -1;
int hf_sp_param_type = -1;
int hf_sp_param_len = -1;
int hf_sp_param_value = -1;
int hf_sakke_params = -1;
int hf_sakke_id_scheme = -1;
int hf_sakke_len = -1;
int hf_sakke_data = -1;
int hf_sakke_r = -1;
int hf_sakke_h = -1;
int hf_sign_type = -1;
int hf_sign_len = -1;
int hf_sign_data = -1;
int hf_sign_r = -1;
int hf_sign_s = -1;
int hf_sign_pvt = -1;
int hf_ext_type = -1;
int hf_ext_len = -1;
int hf_ext_data = -1;
int hf_payload_data = -1;

gint ett_mcxmikey = -1;
gint ett_hdr = -1;
gint ett_cs = -1;
gint ett_payload = -1;
gint ett_sp_param = -1;

expert_field ei_malformed = EI_INIT;
expert_field ei_v_on_gmk = EI_INIT;

// Value strings filled at registration from the project's name tables, so
// the dissector and the harness never disagree on a name. One spare
// {0, NULL} terminator each.
constexpr int kMaxNamed = 32;
value_string purpose_vals[kMaxNamed + 1];
value_string payload_type_vals[kMaxNamed + 1];
value_string data_type_vals[kMaxNamed + 1];
value_string map_type_vals[kMaxNamed + 1];
value_string ts_type_vals[kMaxNamed + 1];
value_string id_type_vals[kMaxNamed + 1];
value_string idr_role_vals[kMaxNamed + 1];
value_string prot_type_vals[kMaxNamed + 1];
value_string sakke_params_vals[kMaxNamed + 1];
value_string sakke_scheme_vals[kMaxNamed + 1];
value_string sign_type_vals[kMaxNamed + 1];
value_string ext_type_vals[kMaxNamed + 1];
value_string sp_param_vals[kMaxNamed + 1];
value_string prf_vals[kMaxNamed + 1];

template <typename NameFn>
void FillValueString(value_string* vals, int max_value, NameFn name_of) {
  int n = 0;
  for (int v = 0; v <= max_value && n < kMaxNamed; ++v) {
    std::string_view name = name_of(static_cast<uint8_t>(v));
    if (name.empty()) continue;
    vals[n].value = static_cast<guint32>(v);
    // Registered names must outlive the dissector; the GLib copy does.
    vals[n].strptr = g_strndup(name.data(), name.size());
    ++n;
  }
  vals[n] = {0, nullptr};
}

// The one Message every packet parses into (see the file comment).
Message& Scratch() {
  static Message* message = new Message();
  return *message;
}

// Parses the captured bytes into Scratch(). On failure returns the parser's
// error text in packet scope, else nullptr. No Wireshark call in here can
// throw: the length asked of tvb_get_ptr is the captured length.
const char* ParseTvb(tvbuff_t* tvb, packet_info* pinfo) {
  const guint len = tvb_captured_length(tvb);
  const guint8* data = len > 0 ? tvb_get_ptr(tvb, 0, static_cast<gint>(len)) : nullptr;
  mcx::Status status = mcx::mikey::ParseInto(mcx::ByteSpan(data, len), &Scratch());
  if (status.ok()) return nullptr;
  std::string text = status.error().ToString();
  return wmem_strdup(pinfo->pool, text.c_str());
}

bool LooksLikeMikeySakke(tvbuff_t* tvb) {
  return tvb_captured_length(tvb) >= 2 && tvb_get_guint8(tvb, 0) == kFirstOctet &&
         tvb_get_guint8(tvb, 1) == kSecondOctet;
}

gint AsOffset(size_t offset) { return static_cast<gint>(offset); }

void AddGenericIdMap(proto_tree* tree, tvbuff_t* tvb, const mcx::mikey::GenericIdMap& map,
                     int offset) {
  for (const mcx::mikey::GenericIdEntry& entry : map.entries) {
    const int entry_size = 3 + static_cast<int>(entry.policy_numbers.size()) + 2 +
                           static_cast<int>(entry.session_data.size()) + 1 +
                           static_cast<int>(entry.spi.size());
    proto_tree* cs = proto_tree_add_subtree_format(tree, tvb, offset, entry_size, ett_cs, nullptr,
                                                   "Crypto session %u", entry.cs_id);
    proto_tree_add_item(cs, hf_cs_id, tvb, offset, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(cs, hf_cs_prot_type, tvb, offset + 1, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(cs, hf_cs_s_flag, tvb, offset + 2, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(cs, hf_cs_num_policies, tvb, offset + 2, 1, ENC_BIG_ENDIAN);
    offset += 3;
    for (size_t i = 0; i < entry.policy_numbers.size(); ++i) {
      proto_tree_add_item(cs, hf_cs_policy_no, tvb, offset++, 1, ENC_BIG_ENDIAN);
    }
    proto_tree_add_item(cs, hf_cs_session_data_len, tvb, offset, 2, ENC_BIG_ENDIAN);
    offset += 2;
    if (!entry.session_data.empty()) {
      proto_tree_add_item(cs, hf_cs_session_data, tvb, offset,
                          static_cast<gint>(entry.session_data.size()), ENC_NA);
      offset += static_cast<int>(entry.session_data.size());
    }
    proto_tree_add_item(cs, hf_cs_spi_len, tvb, offset, 1, ENC_BIG_ENDIAN);
    offset += 1;
    if (!entry.spi.empty()) {
      proto_tree_add_item(cs, hf_cs_spi, tvb, offset, static_cast<gint>(entry.spi.size()), ENC_NA);
      // TS 33.180 E.2: SPI = key ID (GMK-ID for a GMK) || GUK-ID.
      if (entry.SpiKeyId().has_value()) {
        proto_tree_add_item(cs, hf_gmk_id, tvb, offset, 4, ENC_BIG_ENDIAN);
      }
      if (entry.SpiGukId().has_value()) {
        proto_tree_add_item(cs, hf_guk_id, tvb, offset + 4, 4, ENC_BIG_ENDIAN);
      }
      offset += static_cast<int>(entry.spi.size());
    }
  }
}

void AddHeader(proto_tree* tree, tvbuff_t* tvb, packet_info* pinfo, const Message& msg) {
  proto_tree* hdr = proto_tree_add_subtree(tree, tvb, 0, AsOffset(msg.hdr_length), ett_hdr,
                                           nullptr, "Common header (HDR)");
  proto_tree_add_item(hdr, hf_version, tvb, 0, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(hdr, hf_data_type, tvb, 1, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(hdr, hf_next_payload, tvb, 2, 1, ENC_BIG_ENDIAN);
  proto_item* v_item = proto_tree_add_item(hdr, hf_v_flag, tvb, 3, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(hdr, hf_prf_func, tvb, 3, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(hdr, hf_csb_id, tvb, 4, 4, ENC_BIG_ENDIAN);
  const uint8_t purpose = mcx::PurposeTagOf(msg.hdr.csb_id);
  proto_item* tag_item = proto_tree_add_uint(hdr, hf_purpose_tag, tvb, 4, 1, purpose);
  proto_item_set_generated(tag_item);
  if (msg.hdr.v_flag && purpose == static_cast<uint8_t>(mcx::KeyPurpose::kGmk)) {
    // TS 33.180 E.2: a GMK is pushed without a verification message.
    expert_add_info_format(pinfo, v_item, &ei_v_on_gmk,
                           "V bit set on a GMK message (TS 33.180 requires V = 0)");
  }
  proto_tree_add_item(hdr, hf_cs_count, tvb, 8, 1, ENC_BIG_ENDIAN);
  proto_tree_add_item(hdr, hf_cs_map_type, tvb, 9, 1, ENC_BIG_ENDIAN);
  if (const auto* srtp = std::get_if<mcx::mikey::SrtpIdMap>(&msg.hdr.cs_id_map)) {
    int offset = kHdrFixedSize;
    for (size_t i = 0; i < srtp->entries.size(); ++i) {
      proto_tree* cs = proto_tree_add_subtree_format(hdr, tvb, offset, kSrtpIdEntrySize, ett_cs,
                                                     nullptr, "Crypto session %zu", i + 1);
      proto_tree_add_item(cs, hf_srtp_policy_no, tvb, offset, 1, ENC_BIG_ENDIAN);
      proto_tree_add_item(cs, hf_srtp_ssrc, tvb, offset + 1, 4, ENC_BIG_ENDIAN);
      proto_tree_add_item(cs, hf_srtp_roc, tvb, offset + 5, 4, ENC_BIG_ENDIAN);
      offset += kSrtpIdEntrySize;
    }
  } else if (const auto* generic = std::get_if<mcx::mikey::GenericIdMap>(&msg.hdr.cs_id_map)) {
    AddGenericIdMap(hdr, tvb, *generic, kHdrFixedSize);
  }
}

// Adds the fields of one payload; `body` is where its fields after the
// next-payload octet start.
void AddPayloadFields(proto_tree* pt, tvbuff_t* tvb, const Payload& p) {
  const gint start = AsOffset(p.offset);
  const gint body = start + 1;
  if (const auto* t = p.As<mcx::mikey::TimestampPayload>()) {
    proto_tree_add_item(pt, hf_t_type, tvb, body, 1, ENC_BIG_ENDIAN);
    if (t->ts_type == mcx::mikey::TsType::kCounter) {
      proto_tree_add_item(pt, hf_t_counter, tvb, body + 1, 4, ENC_BIG_ENDIAN);
    } else {
      proto_tree_add_item(pt, hf_t, tvb, body + 1, 4, ENC_BIG_ENDIAN);
      proto_tree_add_item(pt, hf_t_date, tvb, body + 1, 8, ENC_TIME_NTP | ENC_BIG_ENDIAN);
    }
  } else if (const auto* rand = p.As<mcx::mikey::RandPayload>()) {
    proto_tree_add_item(pt, hf_rand_len, tvb, body, 1, ENC_BIG_ENDIAN);
    if (!rand->rand.empty()) {
      proto_tree_add_item(pt, hf_rand, tvb, body + 1, static_cast<gint>(rand->rand.size()), ENC_NA);
    }
  } else if (const auto* idr = p.As<mcx::mikey::IdrPayload>()) {
    proto_tree_add_item(pt, hf_idr_role, tvb, body, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_idr_id_type, tvb, body + 1, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_idr_id_len, tvb, body + 2, 2, ENC_BIG_ENDIAN);
    const gint id_len = static_cast<gint>(idr->id.size());
    if (id_len > 0) {
      proto_tree_add_item(pt, hf_idr_id, tvb, body + 4, id_len, ENC_NA);
      bool printable = true;
      for (uint8_t c : idr->id) printable = printable && c >= 0x20 && c < 0x7f;
      // Hashed identities (IDRuidi/IDRuidr) travel with ID type URI too.
      if (printable) proto_tree_add_item(pt, hf_idr_uri, tvb, body + 4, id_len, ENC_ASCII);
    }
  } else if (const auto* sp = p.As<mcx::mikey::SpPayload>()) {
    proto_tree_add_item(pt, hf_sp_policy_no, tvb, body, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_sp_prot_type, tvb, body + 1, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_sp_params_len, tvb, body + 2, 2, ENC_BIG_ENDIAN);
    gint offset = body + 4;
    for (const mcx::mikey::PolicyParam& param : sp->params) {
      const gint value_len = static_cast<gint>(param.value.size());
      std::string_view name = mcx::mikey::SrtpPolicyParamName(param.type);
      proto_tree* ppt = proto_tree_add_subtree_format(
          pt, tvb, offset, 2 + value_len, ett_sp_param, nullptr, "Policy param %u (%.*s)",
          param.type, static_cast<int>(name.size()), name.data());
      proto_tree_add_item(ppt, hf_sp_param_type, tvb, offset, 1, ENC_BIG_ENDIAN);
      proto_tree_add_item(ppt, hf_sp_param_len, tvb, offset + 1, 1, ENC_BIG_ENDIAN);
      if (value_len > 0) {
        proto_tree_add_item(ppt, hf_sp_param_value, tvb, offset + 2, value_len, ENC_NA);
      }
      offset += 2 + value_len;
    }
  } else if (const auto* sakke = p.As<mcx::mikey::SakkePayload>()) {
    proto_tree_add_item(pt, hf_sakke_params, tvb, body, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_sakke_id_scheme, tvb, body + 1, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_sakke_len, tvb, body + 2, 2, ENC_BIG_ENDIAN);
    const gint data_len = static_cast<gint>(sakke->data.size());
    if (data_len > 0) {
      proto_tree_add_item(pt, hf_sakke_data, tvb, body + 4, data_len, ENC_NA);
    }
    if (sakke->data.size() == kSakkeRSize + kSakkeHSize) {
      proto_tree_add_item(pt, hf_sakke_r, tvb, body + 4, kSakkeRSize, ENC_NA);
      proto_tree_add_item(pt, hf_sakke_h, tvb, body + 4 + kSakkeRSize, kSakkeHSize, ENC_NA);
    }
  } else if (const auto* sign = p.As<mcx::mikey::SignPayload>()) {
    // SIGN has no next-payload octet: S type (4 bits) and length (12 bits).
    proto_tree_add_item(pt, hf_sign_type, tvb, start, 2, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_sign_len, tvb, start, 2, ENC_BIG_ENDIAN);
    const gint sig = start + kEccsiSignatureOffset;
    if (sign->Eccsi().has_value()) {
      constexpr gint kPart = static_cast<gint>(mcx::mikey::kEccsiPartSize);
      proto_tree_add_item(pt, hf_sign_r, tvb, sig, kPart, ENC_NA);
      proto_tree_add_item(pt, hf_sign_s, tvb, sig + kPart, kPart, ENC_NA);
      proto_tree_add_item(pt, hf_sign_pvt, tvb, sig + 2 * kPart,
                          static_cast<gint>(mcx::mikey::kEccsiPvtSize), ENC_NA);
    } else if (!sign->signature.empty()) {
      proto_tree_add_item(pt, hf_sign_data, tvb, sig, static_cast<gint>(sign->signature.size()),
                          ENC_NA);
    }
  } else if (p.As<mcx::mikey::GeneralExtPayload>() != nullptr) {
    proto_tree_add_item(pt, hf_ext_type, tvb, body, 1, ENC_BIG_ENDIAN);
    proto_tree_add_item(pt, hf_ext_len, tvb, body + 1, 2, ENC_BIG_ENDIAN);
    if (p.length > 4) {
      proto_tree_add_item(pt, hf_ext_data, tvb, body + 3, AsOffset(p.length) - 4, ENC_NA);
    }
  } else if (p.length > 1) {
    // KEMAC, ID, V, ERR: kept whole until they get their own fields.
    proto_tree_add_item(pt, hf_payload_data, tvb, body, AsOffset(p.length) - 1, ENC_NA);
  }
}

void AddPayloads(proto_tree* tree, tvbuff_t* tvb, const Message& msg) {
  for (const Payload& p : msg.payloads) {
    const uint8_t type = static_cast<uint8_t>(p.type());
    std::string_view name = mcx::mikey::PayloadTypeName(type);
    proto_tree* pt = proto_tree_add_subtree_format(tree, tvb, AsOffset(p.offset),
                                                   AsOffset(p.length), ett_payload, nullptr,
                                                   "%.*s payload", static_cast<int>(name.size()),
                                                   name.data());
    if (p.type() != mcx::mikey::PayloadType::kSign) {
      proto_tree_add_item(pt, hf_next_payload, tvb, AsOffset(p.offset), 1, ENC_BIG_ENDIAN);
    }
    AddPayloadFields(pt, tvb, p);
  }
}

// Fills the tree from Scratch() (parse_error == nullptr) or reports why the
// octets are not a valid message.
int DissectParsed(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const char* parse_error) {
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MCX-MIKEY");
  col_clear(pinfo->cinfo, COL_INFO);
  proto_item* root = proto_tree_add_item(tree, proto_mcxmikey, tvb, 0, -1, ENC_NA);
  proto_tree* mt = proto_item_add_subtree(root, ett_mcxmikey);
  if (parse_error != nullptr) {
    col_add_fstr(pinfo->cinfo, COL_INFO, "Malformed MIKEY-SAKKE: %s", parse_error);
    expert_add_info_format(pinfo, root, &ei_malformed, "MIKEY message does not parse: %s",
                           parse_error);
    if (tvb_captured_length(tvb) > 0) {
      proto_tree_add_item(mt, hf_payload_data, tvb, 0, -1, ENC_NA);
    }
    return static_cast<int>(tvb_captured_length(tvb));
  }
  const Message& msg = Scratch();
  const uint8_t purpose = mcx::PurposeTagOf(msg.hdr.csb_id);
  col_add_fstr(pinfo->cinfo, COL_INFO, "MIKEY-SAKKE I_MESSAGE CSB-ID 0x%08x (%s)", msg.hdr.csb_id,
               mcx::KeyPurposeName(purpose));
  AddHeader(mt, tvb, pinfo, msg);
  AddPayloads(mt, tvb, msg);
  return static_cast<int>(tvb_captured_length(tvb));
}

int DissectMcxMikey(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* /*data*/) {
  return DissectParsed(tvb, pinfo, tree, ParseTvb(tvb, pinfo));
}

// Claims a UDP datagram only when it starts like a MIKEY-SAKKE message AND
// parses completely, so other traffic starting 01 1a is left alone.
gboolean DissectMcxMikeyHeur(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                             void* /*data*/) {
  if (!LooksLikeMikeySakke(tvb)) return FALSE;
  if (tvb_captured_length(tvb) != tvb_reported_length(tvb)) return FALSE;
  if (ParseTvb(tvb, pinfo) != nullptr) return FALSE;
  DissectParsed(tvb, pinfo, tree, nullptr);
  return TRUE;
}

void FillNameTables() {
  FillValueString(purpose_vals, 15,
                  [](uint8_t v) -> std::string_view {
                    std::string_view name = mcx::KeyPurposeName(v);
                    return name == "unknown" ? std::string_view() : name;
                  });
  FillValueString(payload_type_vals, 255, mcx::mikey::PayloadTypeName);
  FillValueString(data_type_vals, 255, mcx::mikey::DataTypeName);
  FillValueString(map_type_vals, 255, mcx::mikey::CsIdMapTypeName);
  FillValueString(ts_type_vals, 255, mcx::mikey::TsTypeName);
  FillValueString(id_type_vals, 255, mcx::mikey::IdTypeName);
  FillValueString(idr_role_vals, 255, mcx::mikey::IdRoleName);
  FillValueString(prot_type_vals, 255, mcx::mikey::ProtTypeName);
  FillValueString(sakke_params_vals, 255, mcx::mikey::SakkeParamsName);
  FillValueString(sakke_scheme_vals, 255, mcx::mikey::SakkeIdSchemeName);
  FillValueString(sign_type_vals, 15, mcx::mikey::SignTypeName);
  FillValueString(ext_type_vals, 255, mcx::mikey::ExtensionTypeName);
  FillValueString(sp_param_vals, 255, mcx::mikey::SrtpPolicyParamName);
  FillValueString(prf_vals, 127, mcx::mikey::PrfFuncName);
}

}  // namespace

extern "C" void proto_register_mcxmikey(void) {
  FillNameTables();
  static hf_register_info hf[] = {
      {&hf_version, {"Version", "mcxmikey.version", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_data_type,
       {"Data type", "mcxmikey.data_type", FT_UINT8, BASE_DEC, VALS(data_type_vals), 0x0, nullptr,
        HFILL}},
      {&hf_next_payload,
       {"Next payload", "mcxmikey.next_payload", FT_UINT8, BASE_DEC, VALS(payload_type_vals), 0x0,
        nullptr, HFILL}},
      {&hf_v_flag,
       {"V (verification requested)", "mcxmikey.v", FT_BOOLEAN, 8, nullptr, 0x80, nullptr, HFILL}},
      {&hf_prf_func,
       {"PRF function", "mcxmikey.prf_func", FT_UINT8, BASE_DEC, VALS(prf_vals), 0x7f, nullptr,
        HFILL}},
      {&hf_csb_id, {"CSB ID", "mcxmikey.csb_id", FT_UINT32, BASE_HEX, nullptr, 0x0, nullptr, HFILL}},
      {&hf_purpose_tag,
       {"Purpose tag (of CSB ID)", "mcxmikey.purpose_tag", FT_UINT8, BASE_DEC, VALS(purpose_vals),
        0x0, "Top 4 bits of the key ID (TS 33.180)", HFILL}},
      {&hf_cs_count, {"#CS", "mcxmikey.cs_count", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_cs_map_type,
       {"CS ID map type", "mcxmikey.cs_map_type", FT_UINT8, BASE_DEC, VALS(map_type_vals), 0x0,
        nullptr, HFILL}},
      {&hf_srtp_policy_no,
       {"Policy no", "mcxmikey.cs.srtp.policy_no", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr,
        HFILL}},
      {&hf_srtp_ssrc,
       {"SSRC", "mcxmikey.cs.srtp.ssrc", FT_UINT32, BASE_HEX, nullptr, 0x0, nullptr, HFILL}},
      {&hf_srtp_roc,
       {"ROC", "mcxmikey.cs.srtp.roc", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_cs_id, {"CS ID", "mcxmikey.cs.id", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_cs_prot_type,
       {"Protocol type", "mcxmikey.cs.prot_type", FT_UINT8, BASE_DEC, VALS(prot_type_vals), 0x0,
        nullptr, HFILL}},
      {&hf_cs_s_flag,
       {"S (session data)", "mcxmikey.cs.s", FT_BOOLEAN, 8, nullptr, 0x80, nullptr, HFILL}},
      {&hf_cs_num_policies,
       {"#P", "mcxmikey.cs.num_policies", FT_UINT8, BASE_DEC, nullptr, 0x7f, nullptr, HFILL}},
      {&hf_cs_policy_no,
       {"Policy no", "mcxmikey.cs.policy_no", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_cs_session_data_len,
       {"Session data length", "mcxmikey.cs.session_data_len", FT_UINT16, BASE_DEC, nullptr, 0x0,
        nullptr, HFILL}},
      {&hf_cs_session_data,
       {"Session data", "mcxmikey.cs.session_data", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr,
        HFILL}},
      {&hf_cs_spi_len,
       {"SPI length", "mcxmikey.cs.spi_len", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_cs_spi, {"SPI", "mcxmikey.cs.spi", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_gmk_id,
       {"Key ID (GMK-ID)", "mcxmikey.gmk_id", FT_UINT32, BASE_HEX, nullptr, 0x0,
        "First 4 octets of the SPI: GMK-ID, or CSK-/PCK-ID", HFILL}},
      {&hf_guk_id,
       {"GUK-ID", "mcxmikey.guk_id", FT_UINT32, BASE_HEX, nullptr, 0x0,
        "Last 4 octets of an 8-octet SPI", HFILL}},
      {&hf_t_type,
       {"TS type", "mcxmikey.t.type", FT_UINT8, BASE_DEC, VALS(ts_type_vals), 0x0, nullptr, HFILL}},
      {&hf_t, {"NTP seconds", "mcxmikey.t", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_t_date,
       {"Timestamp", "mcxmikey.t.date", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, nullptr, 0x0, nullptr,
        HFILL}},
      {&hf_t_counter,
       {"Counter", "mcxmikey.t.counter", FT_UINT32, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_rand_len,
       {"RAND length", "mcxmikey.rand.len", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_rand, {"RAND", "mcxmikey.rand", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_idr_role,
       {"Role", "mcxmikey.idr.role", FT_UINT8, BASE_DEC, VALS(idr_role_vals), 0x0, nullptr, HFILL}},
      {&hf_idr_id_type,
       {"ID type", "mcxmikey.idr.id_type", FT_UINT8, BASE_DEC, VALS(id_type_vals), 0x0, nullptr,
        HFILL}},
      {&hf_idr_id_len,
       {"ID length", "mcxmikey.idr.id_len", FT_UINT16, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_idr_id, {"ID", "mcxmikey.idr.id", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_idr_uri,
       {"ID (text)", "mcxmikey.idr.uri", FT_STRING, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sp_policy_no,
       {"Policy no", "mcxmikey.sp.policy_no", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sp_prot_type,
       {"Protocol type", "mcxmikey.sp.prot_type", FT_UINT8, BASE_DEC, VALS(prot_type_vals), 0x0,
        nullptr, HFILL}},
      {&hf_sp_params_len,
       {"Policy params length", "mcxmikey.sp.params_len", FT_UINT16, BASE_DEC, nullptr, 0x0,
        nullptr, HFILL}},
      {&hf_sp_param_type,
       {"Type", "mcxmikey.sp.param.type", FT_UINT8, BASE_DEC, VALS(sp_param_vals), 0x0, nullptr,
        HFILL}},
      {&hf_sp_param_len,
       {"Length", "mcxmikey.sp.param.len", FT_UINT8, BASE_DEC, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sp_param_value,
       {"Value", "mcxmikey.sp.param.value", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sakke_params,
       {"SAKKE params", "mcxmikey.sakke.params", FT_UINT8, BASE_DEC, VALS(sakke_params_vals), 0x0,
        nullptr, HFILL}},
      {&hf_sakke_id_scheme,
       {"ID scheme", "mcxmikey.sakke.id_scheme", FT_UINT8, BASE_DEC, VALS(sakke_scheme_vals), 0x0,
        nullptr, HFILL}},
      {&hf_sakke_len,
       {"SAKKE data length", "mcxmikey.sakke.len", FT_UINT16, BASE_DEC, nullptr, 0x0, nullptr,
        HFILL}},
      {&hf_sakke_data,
       {"SAKKE data", "mcxmikey.sakke.data", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sakke_r, {"R", "mcxmikey.sakke.r", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sakke_h, {"H", "mcxmikey.sakke.h", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sign_type,
       {"Signature type", "mcxmikey.sign.type", FT_UINT16, BASE_DEC, VALS(sign_type_vals), 0xf000,
        nullptr, HFILL}},
      {&hf_sign_len,
       {"Signature length", "mcxmikey.sign.len", FT_UINT16, BASE_DEC, nullptr, 0x0fff, nullptr,
        HFILL}},
      {&hf_sign_data,
       {"Signature", "mcxmikey.sign.data", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sign_r, {"r", "mcxmikey.sign.r", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sign_s, {"s", "mcxmikey.sign.s", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_sign_pvt,
       {"PVT", "mcxmikey.sign.pvt", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_ext_type,
       {"Extension type", "mcxmikey.ext.type", FT_UINT8, BASE_DEC, VALS(ext_type_vals), 0x0,
        nullptr, HFILL}},
      {&hf_ext_len,
       {"Extension length", "mcxmikey.ext.len", FT_UINT16, BASE_DEC, nullptr, 0x0, nullptr,
        HFILL}},
      {&hf_ext_data,
       {"Extension data", "mcxmikey.ext.data", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
      {&hf_payload_data,
       {"Data", "mcxmikey.data", FT_BYTES, BASE_NONE, nullptr, 0x0, nullptr, HFILL}},
  };
  static gint* ett[] = {&ett_mcxmikey, &ett_hdr, &ett_cs, &ett_payload, &ett_sp_param};
  static ei_register_info ei[] = {
      {&ei_malformed,
       {"mcxmikey.malformed", PI_MALFORMED, PI_ERROR, "MIKEY message does not parse",
        EXPFILL}},
      {&ei_v_on_gmk,
       {"mcxmikey.v_bit_on_gmk", PI_PROTOCOL, PI_WARN, "V bit set on a GMK message", EXPFILL}},
  };

  proto_mcxmikey = proto_register_protocol("MCX MIKEY-SAKKE", "MCX-MIKEY", "mcxmikey");
  proto_register_field_array(proto_mcxmikey, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t* expert = expert_register_protocol(proto_mcxmikey);
  expert_register_field_array(expert, ei, array_length(ei));
  mcxmikey_handle = register_dissector("mcxmikey", DissectMcxMikey, proto_mcxmikey);
}

extern "C" void proto_reg_handoff_mcxmikey(void) {
  // No default port: Wireshark's own MIKEY owns 2269. "Decode As" lets the
  // user pick any UDP port; the heuristic finds the rest.
  dissector_add_for_decode_as_with_preference("udp.port", mcxmikey_handle);
  heur_dissector_add("udp", DissectMcxMikeyHeur, "MCX MIKEY-SAKKE over UDP", "mcxmikey_udp",
                     proto_mcxmikey, HEURISTIC_ENABLE);
}
