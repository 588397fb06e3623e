// "MCX MIKEY-SAKKE" (filter prefix mcxmikey): the epan glue around
// dissector/annotate.h. annotate.h decides everything (fields, values,
// verification, expert infos); this file registers the fields it declares,
// finds messages (UDP/TCP heuristics, base64 in SIP/HTTP bodies, Decode As)
// and renders an Annotation into the tree.
//
// Wireshark reports errors by longjmp()ing out of proto_tree_add_*(), which
// skips C++ destructors. So the functions that call Wireshark hold no object
// with a destructor: annotations, found bodies and hints live in long-lived
// scratch objects filled by helpers that make no proto_* call. Every tree
// offset comes from a successful parse, so the adds stay in bounds anyway.
#include "dissector/packet_mcxmikey.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <wireshark.h>

#include "crypto/bytes.h"
#include "crypto/guk_id.h"
#include "dissector/annotate.h"
#include "mikey/checks.h"
#include "mikey/message.h"
#include "mikey/names.h"

namespace {

namespace d = mcx::dissector;

constexpr int kMaxDepth = 8;
// Media types whose bodies may carry base64 MIKEY-SAKKE (TS 24.379/24.481
// documents, SDP key-mgmt). The dissector registered for each before us
// still dissects the body; we add our tree after it.
constexpr const char* kMediaTypes[] = {
    "application/sdp",
    "application/xml",
    "text/xml",
    "text/plain",
    "application/vnd.3gpp.mcptt-info+xml",
    "application/vnd.3gpp.mcdata-info+xml",
    "application/vnd.3gpp.mcvideo-info+xml",
    "application/vnd.3gpp.mcptt-signed+xml",
    "application/vnd.3gpp.mcx-gktp+xml",
};

int proto_mcxmikey = -1;
dissector_handle_t mcxmikey_handle;
dissector_handle_t media_handle;
dissector_handle_t xml_handle;

int hf_fields[d::kFieldCount];
int* hf_checks = nullptr;  // one per checks::Catalogue() entry
gint ett_root = -1;
gint ett_depth[kMaxDepth + 1];
expert_field ei[d::kExpertCount];

// Preferences.
const char* pref_keystore = "";
gboolean pref_show_secrets = FALSE;

// One spare {0, NULL} terminator each.
constexpr int kMaxNamed = 32;
value_string name_tables[16][kMaxNamed + 1];

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

void FillNameTables() {
  auto table = [](d::Names n) { return name_tables[static_cast<int>(n)]; };
  FillValueString(table(d::Names::kPurpose), 15, [](uint8_t v) -> std::string_view {
    std::string_view name = mcx::KeyPurposeName(v);
    return name == "unknown" ? std::string_view() : name;
  });
  FillValueString(table(d::Names::kPayloadType), 255, mcx::mikey::PayloadTypeName);
  FillValueString(table(d::Names::kDataType), 255, mcx::mikey::DataTypeName);
  FillValueString(table(d::Names::kMapType), 255, mcx::mikey::CsIdMapTypeName);
  FillValueString(table(d::Names::kTsType), 255, mcx::mikey::TsTypeName);
  FillValueString(table(d::Names::kIdType), 255, mcx::mikey::IdTypeName);
  FillValueString(table(d::Names::kIdrRole), 255, mcx::mikey::IdRoleName);
  FillValueString(table(d::Names::kProtType), 255, mcx::mikey::ProtTypeName);
  FillValueString(table(d::Names::kSakkeParams), 255, mcx::mikey::SakkeParamsName);
  FillValueString(table(d::Names::kSakkeScheme), 255, mcx::mikey::SakkeIdSchemeName);
  FillValueString(table(d::Names::kSignType), 15, mcx::mikey::SignTypeName);
  FillValueString(table(d::Names::kExtType), 255, mcx::mikey::ExtensionTypeName);
  FillValueString(table(d::Names::kSpParam), 255, mcx::mikey::SrtpPolicyParamName);
  FillValueString(table(d::Names::kPrf), 127, mcx::mikey::PrfFuncName);
}

// ---------------------------------------------------------------- state
// Long-lived scratch (see the file comment). Dissection is single-threaded.

struct State {
  std::unique_ptr<d::KeyContext> keys;
  std::string loaded_path;
  std::string load_error;  // why pref_keystore could not be loaded
  d::Annotation annotation;
  std::vector<d::Embedded> embedded;
  std::string hint;
  std::map<std::string, dissector_handle_t> previous_media;
};

State& S() {
  static State* state = new State();
  return *state;
}

void ApplyPreferences() {
  State& s = S();
  const std::string path = pref_keystore != nullptr ? pref_keystore : "";
  if (path == s.loaded_path) return;
  s.loaded_path = path;
  s.keys.reset();
  s.load_error.clear();
  if (path.empty()) return;
  auto loaded = d::KeyContext::Load(path);
  if (loaded.ok()) {
    s.keys = std::move(loaded).value();
  } else {
    s.load_error = "key store " + path + " not loaded: " + loaded.error().ToString();
  }
}

const guint8* Octets(tvbuff_t* tvb) {
  const guint len = tvb_captured_length(tvb);
  return len > 0 ? tvb_get_ptr(tvb, 0, static_cast<gint>(len)) : nullptr;
}

mcx::ByteSpan SpanOf(tvbuff_t* tvb) { return mcx::ByteSpan(Octets(tvb), tvb_captured_length(tvb)); }

// Fills S().annotation for the whole of `tvb`; no proto_* call.
void AnnotateTvb(tvbuff_t* tvb, const char* hint) {
  State& s = S();
  d::AnnotateOptions options;
  options.keys = s.keys.get();
  options.show_secrets = pref_show_secrets != FALSE;
  if (hint != nullptr) options.recipient_hint = hint;
  d::Annotate(SpanOf(tvb), options, &s.annotation);
}

// The recipient URI of the SIP request this packet carries, from the To
// header in the frame, or nullptr; no proto_* call.
const char* SipHint(packet_info* pinfo) {
  State& s = S();
  s.hint.clear();
  if (pinfo->data_src == nullptr) return nullptr;
  const auto* src = static_cast<const struct data_source*>(pinfo->data_src->data);
  tvbuff_t* frame = get_data_source_tvb(src);
  if (frame == nullptr) return nullptr;
  mcx::ByteSpan octets = SpanOf(frame);
  auto uri = d::SipToUri(
      std::string_view(reinterpret_cast<const char*>(octets.data()), octets.size()));
  if (!uri) return nullptr;
  s.hint = *uri;
  return s.hint.c_str();
}

// ---------------------------------------------------------------- rendering

const guint kEncoding[] = {
    ENC_BIG_ENDIAN,  // kU8
    ENC_BIG_ENDIAN,  // kU16
    ENC_BIG_ENDIAN,  // kU32
    ENC_BIG_ENDIAN,  // kU40
    ENC_BIG_ENDIAN,  // kBool8
    ENC_NA,          // kBytes
    ENC_ASCII,       // kString
    ENC_TIME_NTP | ENC_BIG_ENDIAN,  // kNtpTime
};

// `depth` is it.depth clamped to [0, kMaxDepth].
proto_item* RenderItem(const d::Item& it, int depth, proto_tree* parent, tvbuff_t* tvb) {
  const gint off = static_cast<gint>(it.offset);
  const gint len = static_cast<gint>(it.length);
  if (it.field == d::Field::kLabel) {
    proto_item* item = nullptr;
    proto_tree_add_subtree(parent, tvb, off, len, ett_depth[depth < kMaxDepth ? depth + 1 : kMaxDepth],
                           &item, it.text.c_str());
    return item;
  }
  if (it.field == d::Field::kCheck) {
    proto_item* item = proto_tree_add_string_format_value(parent, hf_checks[it.check], tvb, off, len,
                                                          it.text.c_str(), "%s",
                                                          it.display.c_str());
    proto_item_set_generated(item);
    return item;
  }
  const int hf = hf_fields[static_cast<size_t>(it.field)];
  const d::FieldDef& def = d::Def(it.field);
  if (it.source == d::Item::Source::kWire) {
    return proto_tree_add_item(parent, hf, tvb, off, len,
                               kEncoding[static_cast<int>(def.type)]);
  }
  proto_item* item = nullptr;
  const bool shown = !it.display.empty();
  switch (def.type) {
    case d::FieldType::kU8:
    case d::FieldType::kU16:
    case d::FieldType::kU32:
    case d::FieldType::kBool8:
      item = shown ? proto_tree_add_uint_format_value(parent, hf, tvb, off, len,
                                                      static_cast<guint32>(it.number), "%s",
                                                      it.display.c_str())
                   : proto_tree_add_uint(parent, hf, tvb, off, len, static_cast<guint32>(it.number));
      break;
    case d::FieldType::kU40:
      item = shown ? proto_tree_add_uint64_format_value(parent, hf, tvb, off, len, it.number, "%s",
                                                        it.display.c_str())
                   : proto_tree_add_uint64(parent, hf, tvb, off, len, it.number);
      break;
    case d::FieldType::kString:
      item = shown ? proto_tree_add_string_format_value(parent, hf, tvb, off, len, it.text.c_str(),
                                                        "%s", it.display.c_str())
                   : proto_tree_add_string(parent, hf, tvb, off, len, it.text.c_str());
      break;
    case d::FieldType::kBytes:
      item = proto_tree_add_bytes_with_length(parent, hf, tvb, off, len, it.bytes.data(),
                                              static_cast<gint>(it.bytes.size()));
      break;
    case d::FieldType::kNtpTime:
      break;  // only ever read from the wire
  }
  proto_item_set_generated(item);
  return item;
}

// Renders S().annotation for `tvb` under `tree`.
void Render(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  const d::Annotation& a = S().annotation;
  col_set_str(pinfo->cinfo, COL_PROTOCOL, "MCX-MIKEY");
  col_clear(pinfo->cinfo, COL_INFO);
  col_add_str(pinfo->cinfo, COL_INFO, a.info.c_str());
  proto_item* root = proto_tree_add_item(tree, proto_mcxmikey, tvb, 0, -1, ENC_NA);
  proto_tree* parents[kMaxDepth + 2] = {};
  parents[0] = proto_item_add_subtree(root, ett_root);
  const size_t n = a.items.size();
  proto_item** rendered = wmem_alloc0_array(pinfo->pool, proto_item*, n == 0 ? 1 : n);
  for (size_t i = 0; i < n; ++i) {
    const d::Item& it = a.items[i];
    const int depth = it.depth < 0 ? 0 : (it.depth > kMaxDepth ? kMaxDepth : it.depth);
    proto_tree* parent = parents[depth] != nullptr ? parents[depth] : parents[0];
    proto_item* item = RenderItem(it, depth, parent, tvb);
    rendered[i] = item;
    if (i + 1 < n && a.items[i + 1].depth > it.depth && depth < kMaxDepth) {
      parents[depth + 1] = it.field == d::Field::kLabel
                               ? proto_item_get_subtree(item)
                               : proto_item_add_subtree(item, ett_depth[depth + 1]);
      if (parents[depth + 1] == nullptr) parents[depth + 1] = parent;
    }
  }
  for (const d::Expert& e : a.experts) {
    proto_item* at = e.item >= 0 && static_cast<size_t>(e.item) < n ? rendered[e.item] : root;
    expert_add_info_format(pinfo, at != nullptr ? at : root, &ei[static_cast<int>(e.id)], "%s",
                           e.message.c_str());
  }
  if (!S().load_error.empty()) {
    expert_add_info_format(pinfo, root, &ei[static_cast<int>(d::ExpertId::kNotVerified)], "%s",
                           S().load_error.c_str());
  }
}

// ---------------------------------------------------------------- entry points

int DissectMcxMikey(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* /*data*/) {
  AnnotateTvb(tvb, nullptr);
  Render(tvb, pinfo, tree);
  return static_cast<int>(tvb_captured_length(tvb));
}

// Claims a UDP datagram or TCP segment only when it starts 01 1a AND parses
// completely, so other traffic starting 01 1a is left alone.
gboolean DissectHeurBinary(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* /*data*/) {
  if (tvb_captured_length(tvb) < 2 || tvb_captured_length(tvb) != tvb_reported_length(tvb)) {
    return FALSE;
  }
  if (!d::IsMikeySakke(SpanOf(tvb))) return FALSE;
  DissectMcxMikey(tvb, pinfo, tree, nullptr);
  return TRUE;
}

// Fills S().embedded from the body; no proto_* call.
size_t FindInBody(tvbuff_t* tvb) {
  mcx::ByteSpan body = SpanOf(tvb);
  S().embedded = d::FindEmbedded(
      std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
  return S().embedded.size();
}

// Dissects every base64 MIKEY-SAKKE message FindInBody found in `tvb`, each
// in a tvb of its decoded octets.
void DissectFound(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree) {
  const char* hint = SipHint(pinfo);
  const size_t count = S().embedded.size();
  for (size_t i = 0; i < count; ++i) {
    const d::Embedded& e = S().embedded[i];
    const guint size = static_cast<guint>(e.wire.size());
    auto* copy = static_cast<guint8*>(wmem_memdup(pinfo->pool, e.wire.data(), size));
    tvbuff_t* child = tvb_new_child_real_data(tvb, copy, size, static_cast<gint>(size));
    add_new_data_source(pinfo, child, "Base64-decoded MIKEY-SAKKE");
    proto_item* where = proto_tree_add_string(
        tree, hf_fields[static_cast<size_t>(d::Field::kEmbeddedIn)], tvb,
        static_cast<gint>(e.offset), static_cast<gint>(e.length), e.where.c_str());
    proto_item_set_generated(where);
    AnnotateTvb(child, hint);
    Render(child, pinfo, tree);
  }
}

// The X-MCX-* headers of mcxtest's SIP traces (harness/pcap/sip_trace.cc),
// given to the SIP dissector's extension-header table ("sip.hdr", looked up
// by the lower-case name) so they show as fields instead of "Unrecognised
// SIP header" expert infos.
template <d::Field kField>
int DissectTraceHeader(tvbuff_t* tvb, packet_info* /*pinfo*/, proto_tree* tree, void* /*data*/) {
  proto_tree_add_item(tree, hf_fields[static_cast<size_t>(kField)], tvb, 0, -1,
                      ENC_UTF_8 | ENC_NA);
  return static_cast<int>(tvb_captured_length(tvb));
}

// Heuristic on SIP, HTTP and media bodies whose media type no dissector
// claims.
gboolean DissectHeurBody(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* /*data*/) {
  if (FindInBody(tvb) == 0) return FALSE;
  DissectFound(tvb, pinfo, tree);
  return TRUE;
}

// The media types of kMediaTypes: the previous dissector first, then ours.
int DissectMediaBody(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, void* data) {
  dissector_handle_t previous = nullptr;
  if (pinfo->match_string != nullptr) {
    auto it = S().previous_media.find(pinfo->match_string);
    if (it != S().previous_media.end()) previous = it->second;
  }
  if (previous == nullptr && xml_handle != nullptr && pinfo->match_string != nullptr &&
      g_str_has_suffix(pinfo->match_string, "xml")) {
    previous = xml_handle;
  }
  if (previous == nullptr) previous = media_handle;
  if (previous != nullptr) call_dissector_with_data(previous, tvb, pinfo, tree, data);
  if (FindInBody(tvb) > 0) DissectFound(tvb, pinfo, tree);
  return static_cast<int>(tvb_captured_length(tvb));
}

ftenum FtOf(d::FieldType t) {
  switch (t) {
    case d::FieldType::kU8: return FT_UINT8;
    case d::FieldType::kU16: return FT_UINT16;
    case d::FieldType::kU32: return FT_UINT32;
    case d::FieldType::kU40: return FT_UINT40;
    case d::FieldType::kBool8: return FT_BOOLEAN;
    case d::FieldType::kBytes: return FT_BYTES;
    case d::FieldType::kString: return FT_STRING;
    case d::FieldType::kNtpTime: return FT_ABSOLUTE_TIME;
  }
  return FT_NONE;
}

int DisplayOf(const d::FieldDef& def) {
  switch (def.type) {
    case d::FieldType::kBool8: return 8;
    case d::FieldType::kNtpTime: return ABSOLUTE_TIME_UTC;
    case d::FieldType::kBytes:
    case d::FieldType::kString: return BASE_NONE;
    default: return def.base == d::FieldBase::kHex ? BASE_HEX : BASE_DEC;
  }
}

struct ExpertClass {
  int group;
  int severity;
};

ExpertClass ClassOf(d::ExpertId id) {
  switch (id) {
    case d::ExpertId::kMalformed: return {PI_MALFORMED, PI_ERROR};
    case d::ExpertId::kVBitOnGmk: return {PI_PROTOCOL, PI_WARN};
    case d::ExpertId::kTNotNtpUtc: return {PI_PROTOCOL, PI_WARN};
    case d::ExpertId::kBadSignature: return {PI_SECURITY, PI_ERROR};
    case d::ExpertId::kUntrustedSigner: return {PI_SECURITY, PI_ERROR};
    case d::ExpertId::kGukIdMismatch: return {PI_PROTOCOL, PI_ERROR};
    case d::ExpertId::kPurposeNotGmk: return {PI_PROTOCOL, PI_ERROR};
    case d::ExpertId::kSakkeUndecryptable: return {PI_DECRYPTION, PI_WARN};
    case d::ExpertId::kCheckFailed: return {PI_PROTOCOL, PI_WARN};
    case d::ExpertId::kCheckNotEvaluated: return {PI_PROTOCOL, PI_NOTE};
    case d::ExpertId::kNotVerified: return {PI_DECRYPTION, PI_NOTE};
    case d::ExpertId::kCount: break;
  }
  return {PI_PROTOCOL, PI_NOTE};
}

}  // namespace

extern "C" void proto_register_mcxmikey(void) {
  FillNameTables();
  proto_mcxmikey = proto_register_protocol("MCX MIKEY-SAKKE", "MCX-MIKEY", "mcxmikey");

  // Fields: declared once in annotate.h; registered from that table.
  const auto& catalogue = mcx::checks::Catalogue();
  const size_t total = d::kFieldCount + catalogue.size();
  auto* hf = g_new0(hf_register_info, total);
  for (size_t i = 0; i < d::kFieldCount; ++i) {
    const d::FieldDef& def = d::Def(static_cast<d::Field>(i));
    hf_fields[i] = -1;
    hf[i].p_id = &hf_fields[i];
    header_field_info& h = hf[i].hfinfo;
    h.name = def.name;
    h.abbrev = g_strconcat("mcxmikey.", def.abbrev, nullptr);
    h.type = FtOf(def.type);
    h.display = DisplayOf(def);
    h.strings = def.names == d::Names::kNone ? nullptr
                                             : VALS(name_tables[static_cast<int>(def.names)]);
    h.bitmask = def.mask;
    h.blurb = def.blurb;
    h.id = -1;
    h.parent = 0;
    h.ref_type = HF_REF_TYPE_NONE;
    h.same_name_prev_id = -1;
    h.same_name_next = nullptr;
  }
  hf_checks = g_new0(int, catalogue.size());
  for (size_t c = 0; c < catalogue.size(); ++c) {
    hf_register_info& r = hf[d::kFieldCount + c];
    hf_checks[c] = -1;
    r.p_id = &hf_checks[c];
    header_field_info& h = r.hfinfo;
    const std::string id(catalogue[c].id);
    const std::string suffix = d::CheckFieldSuffix(catalogue[c].id);
    const std::string summary(catalogue[c].summary);
    h.name = g_strdup(("Check " + id).c_str());
    h.abbrev = g_strdup(("mcxmikey.check." + suffix).c_str());
    h.type = FT_STRING;
    h.display = BASE_NONE;
    h.blurb = g_strdup(summary.c_str());
    h.id = -1;
    h.ref_type = HF_REF_TYPE_NONE;
    h.same_name_prev_id = -1;
  }
  proto_register_field_array(proto_mcxmikey, hf, static_cast<int>(total));

  static gint* ett[kMaxDepth + 2];
  ett[0] = &ett_root;
  for (int i = 0; i <= kMaxDepth; ++i) {
    ett_depth[i] = -1;
    ett[i + 1] = &ett_depth[i];
  }
  proto_register_subtree_array(ett, kMaxDepth + 2);

  auto* eis = g_new0(ei_register_info, d::kExpertCount);
  for (size_t i = 0; i < d::kExpertCount; ++i) {
    const d::ExpertDef& def = d::Def(static_cast<d::ExpertId>(i));
    const ExpertClass cls = ClassOf(static_cast<d::ExpertId>(i));
    ei[i] = EI_INIT;
    eis[i].ids = &ei[i];
    eis[i].eiinfo.name = g_strconcat("mcxmikey.", def.abbrev, nullptr);
    eis[i].eiinfo.group = cls.group;
    eis[i].eiinfo.severity = cls.severity;
    eis[i].eiinfo.summary = def.summary;
    // What EXPFILL would set.
    header_field_info& h = eis[i].eiinfo.hf_info.hfinfo;
    h.type = FT_NONE;
    h.display = BASE_NONE;
    h.id = -1;
    h.ref_type = HF_REF_TYPE_NONE;
    h.same_name_prev_id = -1;
  }
  expert_module_t* expert = expert_register_protocol(proto_mcxmikey);
  expert_register_field_array(expert, eis, static_cast<int>(d::kExpertCount));

  module_t* prefs = prefs_register_protocol(proto_mcxmikey, ApplyPreferences);
  prefs_register_filename_preference(
      prefs, "keystore", "Key store JSON",
      "A key store exported with `mcxtest kms export --json` (or written by `mcxtest run "
      "--pcap-dir`): verify signatures, decapsulate GMKs, recover GMK-IDs, decrypt key "
      "parameters",
      &pref_keystore, FALSE);
  prefs_register_bool_preference(prefs, "show_secrets", "Show secrets",
                                 "Show decapsulated GMKs in the tree", &pref_show_secrets);

  mcxmikey_handle = register_dissector("mcxmikey", DissectMcxMikey, proto_mcxmikey);
}

extern "C" void proto_reg_handoff_mcxmikey(void) {
  // No default port: Wireshark's own MIKEY owns 2269. "Decode As" lets the
  // user pick any UDP or TCP port; the heuristics find the rest.
  dissector_add_for_decode_as_with_preference("udp.port", mcxmikey_handle);
  dissector_add_for_decode_as_with_preference("tcp.port", mcxmikey_handle);
  heur_dissector_add("udp", DissectHeurBinary, "MCX MIKEY-SAKKE over UDP", "mcxmikey_udp",
                     proto_mcxmikey, HEURISTIC_ENABLE);
  heur_dissector_add("tcp", DissectHeurBinary, "MCX MIKEY-SAKKE over TCP", "mcxmikey_tcp",
                     proto_mcxmikey, HEURISTIC_ENABLE);
  heur_dissector_add("sip", DissectHeurBody, "Base64 MCX MIKEY-SAKKE in SIP bodies",
                     "mcxmikey_sip", proto_mcxmikey, HEURISTIC_ENABLE);
  heur_dissector_add("http", DissectHeurBody, "Base64 MCX MIKEY-SAKKE in HTTP bodies",
                     "mcxmikey_http", proto_mcxmikey, HEURISTIC_ENABLE);
  heur_dissector_add("media", DissectHeurBody, "Base64 MCX MIKEY-SAKKE in other bodies",
                     "mcxmikey_media", proto_mcxmikey, HEURISTIC_ENABLE);

  if (find_dissector_table("sip.hdr") != nullptr) {
    dissector_add_string("sip.hdr", "x-mcx-step",
                         create_dissector_handle(DissectTraceHeader<d::Field::kTraceStep>,
                                                 proto_mcxmikey));
    dissector_add_string("sip.hdr", "x-mcx-produced-by",
                         create_dissector_handle(DissectTraceHeader<d::Field::kTraceProducedBy>,
                                                 proto_mcxmikey));
  }

  media_handle = find_dissector("media");
  xml_handle = find_dissector("xml");
  dissector_table_t media_types = find_dissector_table("media_type");
  if (media_types == nullptr) return;
  dissector_handle_t body_handle =
      create_dissector_handle(DissectMediaBody, proto_mcxmikey);
  for (const char* type : kMediaTypes) {
    dissector_handle_t previous = dissector_get_string_handle(media_types, type);
    if (previous != nullptr) S().previous_media[type] = previous;
    dissector_add_string("media_type", type, body_handle);
  }
}
