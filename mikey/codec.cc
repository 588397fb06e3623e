#include "mikey/codec.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "mikey/byte_reader.h"
#include "mikey/byte_writer.h"
#include "mikey/field_reader.h"

namespace mcx::mikey {
namespace {

using internal::FieldReader;

constexpr size_t kHdrNextPayloadOffset = 2;
constexpr uint8_t kMaxSignType = 0x0f;
constexpr size_t kMaxSignatureLength = 0x0fff;
constexpr uint64_t kMax40Bits = (uint64_t{1} << 40) - 1;

// Octet counts of the MACs that KEMAC and V carry, by MAC algorithm (RFC 3830
// 6.2: NULL, HMAC-SHA-1-160; RFC 6043: HMAC-SHA-256-256). Unknown algorithms
// leave the payload's length undefined.
std::optional<size_t> MacLength(uint8_t mac_alg) {
  switch (mac_alg) {
    case 0: return 0;
    case 1: return 20;
    case 2: return 32;
    default: return std::nullopt;
  }
}

std::optional<size_t> TimestampLength(uint8_t ts_type) {
  switch (ts_type) {
    case 0:
    case 1: return 8;
    case 2: return 4;
    default: return std::nullopt;
  }
}

std::string_view UnsupportedPayloadName(uint8_t type) {
  switch (type) {
    case 2: return "PKE";
    case 3: return "DH";
    case 7: return "CERT";
    case 8: return "CHASH";
    case 20: return "Key data";
    default: return "";
  }
}

// ------------------------------------------------------------------ parsing
//
// Parsers overwrite every field of their output and keep what it already
// holds when the kind matches, so ParseInto on a reused Message recycles its
// buffers instead of allocating.

// The T alternative of `v`, reused when `v` already holds a T.
template <typename T, typename Variant>
T& Reuse(Variant* v) {
  if (T* existing = std::get_if<T>(v)) return *existing;
  return v->template emplace<T>();
}

Status ParseHdr(ByteReader& r, CommonHeader* hdr, uint8_t* next) {
  FieldReader f(&r, "HDR");
  size_t at = r.offset();
  MCX_RETURN_IF_ERROR(f.U8("version", &hdr->version));
  if (hdr->version != kMikeyVersion) {
    return f.Fail("version " + std::to_string(hdr->version) + " is not MIKEY version 1", at);
  }
  MCX_RETURN_IF_ERROR(f.U8("data type", &hdr->data_type));
  MCX_RETURN_IF_ERROR(f.U8("next payload", next));
  uint8_t v_prf = 0;
  MCX_RETURN_IF_ERROR(f.U8("V/PRF func", &v_prf));
  hdr->v_flag = (v_prf & 0x80) != 0;
  hdr->prf_func = v_prf & 0x7f;
  MCX_RETURN_IF_ERROR(f.U32("CSB ID", &hdr->csb_id));
  size_t count_at = r.offset();
  uint8_t cs_count = 0;
  MCX_RETURN_IF_ERROR(f.U8("#CS", &cs_count));
  size_t map_type_at = r.offset();
  uint8_t map_type = 0;
  MCX_RETURN_IF_ERROR(f.U8("CS ID map type", &map_type));

  switch (static_cast<CsIdMapType>(map_type)) {
    case CsIdMapType::kSrtpId: {
      SrtpIdMap& map = Reuse<SrtpIdMap>(&hdr->cs_id_map);
      map.entries.resize(cs_count);
      for (SrtpIdEntry& e : map.entries) {
        MCX_RETURN_IF_ERROR(f.U8("SRTP-ID policy no", &e.policy_no));
        MCX_RETURN_IF_ERROR(f.U32("SRTP-ID SSRC", &e.ssrc));
        MCX_RETURN_IF_ERROR(f.U32("SRTP-ID ROC", &e.roc));
      }
      return Status::Ok();
    }
    case CsIdMapType::kEmpty:
      if (cs_count != 0) {
        return f.Fail("#CS " + std::to_string(cs_count) +
                          " but CS ID map type 1 (empty map) describes no crypto session",
                      count_at);
      }
      hdr->cs_id_map.emplace<EmptyMap>();
      return Status::Ok();
    case CsIdMapType::kGenericId: {
      GenericIdMap& map = Reuse<GenericIdMap>(&hdr->cs_id_map);
      map.entries.resize(cs_count);
      for (GenericIdEntry& e : map.entries) {
        MCX_RETURN_IF_ERROR(f.U8("GENERIC-ID CS ID", &e.cs_id));
        MCX_RETURN_IF_ERROR(f.U8("GENERIC-ID prot type", &e.prot_type));
        uint8_t s_count = 0;
        MCX_RETURN_IF_ERROR(f.U8("GENERIC-ID S/#P", &s_count));
        e.s_flag = (s_count & 0x80) != 0;
        MCX_RETURN_IF_ERROR(f.Fixed("GENERIC-ID policy numbers", s_count & 0x7f, &e.policy_numbers));
        MCX_RETURN_IF_ERROR(f.Prefixed16("GENERIC-ID session data", &e.session_data));
        MCX_RETURN_IF_ERROR(f.Prefixed8("GENERIC-ID SPI", &e.spi));
      }
      return Status::Ok();
    }
  }
  return f.Fail("CS ID map type " + std::to_string(map_type) +
                    " is not SRTP-ID (0), empty (1) or GENERIC-ID (2)",
                map_type_at);
}

Status ParseMacByAlgorithm(FieldReader& f, uint8_t* mac_alg, Bytes* mac) {
  size_t at = f.reader().offset();
  MCX_RETURN_IF_ERROR(f.U8("MAC alg", mac_alg));
  std::optional<size_t> length = MacLength(*mac_alg);
  if (!length) {
    return f.Fail("MAC alg " + std::to_string(*mac_alg) + " is unknown, so the MAC length is undefined",
                  at);
  }
  return f.Fixed("MAC", *length, mac);
}

Status ParseSakkeBody(FieldReader& f, SakkePayload* out) {
  MCX_RETURN_IF_ERROR(f.U8("SAKKE params", &out->params));
  MCX_RETURN_IF_ERROR(f.U8("ID scheme", &out->id_scheme));
  return f.Prefixed16("SAKKE data", &out->data);
}

Status ParseKeyParametersFields(FieldReader& f, KeyTypeCoding coding, KeyParameters* out) {
  ByteReader& r = f.reader();
  size_t at = r.offset();
  MCX_RETURN_IF_ERROR(f.U8("key type", &out->key_type));
  if (coding == KeyTypeCoding::kLegacyPlusOne) {
    if (out->key_type == 0) {
      return f.Fail("key type octet 0 in the Rel-13 clear form, which carries key type + 1", at);
    }
    --out->key_type;
  }
  MCX_RETURN_IF_ERROR(f.U32("status", &out->status));
  MCX_RETURN_IF_ERROR(f.U40("activation time", &out->activation_time));
  MCX_RETURN_IF_ERROR(f.U40("expiry time", &out->expiry_time));
  ByteSpan text;
  MCX_RETURN_IF_ERROR(f.Prefixed16("text", &text));
  out->text.assign(text.begin(), text.end());
  out->group_ids.reset();
  if (r.empty()) return Status::Ok();

  size_t length_at = r.offset();
  uint16_t length = 0;
  MCX_RETURN_IF_ERROR(f.U16("group IDs length", &length));
  ByteReader ids_reader;
  MCX_RETURN_IF_ERROR(f.Sub("group IDs", length, length_at, &ids_reader));
  FieldReader ids(&ids_reader, f.where(), "group IDs element");
  size_t count_at = ids_reader.offset();
  uint8_t count = 0;
  MCX_RETURN_IF_ERROR(ids.U8("number of group IDs", &count));
  std::vector<GroupIdTlv>& group_ids = out->group_ids ? *out->group_ids : out->group_ids.emplace();
  group_ids.resize(count);
  for (GroupIdTlv& id : group_ids) {
    MCX_RETURN_IF_ERROR(ids.U8("group ID IEI", &id.iei));
    MCX_RETURN_IF_ERROR(ids.Prefixed16("group ID", &id.value));
  }
  if (!ids_reader.empty()) {
    return f.Fail("group IDs element holds " + std::to_string(ids_reader.remaining()) +
                      " octet(s) beyond the " + std::to_string(count) + " group ID(s) it counts",
                  count_at);
  }
  return f.ExpectEnd("the group IDs");
}

Status ParseProtectedPayload(FieldReader& f, ProtectedPayload* out) {
  MCX_RETURN_IF_ERROR(f.U8("protected payload message type", &out->message_type));
  MCX_RETURN_IF_ERROR(f.U40("date and time", &out->date_time));
  MCX_RETURN_IF_ERROR(f.U32("payload ID", &out->payload_id));
  MCX_RETURN_IF_ERROR(f.U8("payload sequence number", &out->sequence_number));
  MCX_RETURN_IF_ERROR(f.U8("payload algorithm", &out->algorithm));
  ByteSpan iv;
  MCX_RETURN_IF_ERROR(f.View("IV", kProtectedPayloadIvSize, &iv));
  std::copy(iv.begin(), iv.end(), out->iv.begin());
  MCX_RETURN_IF_ERROR(f.U32("DPPK-ID", &out->dppk_id));
  MCX_RETURN_IF_ERROR(f.U8("payload IEI", &out->payload_iei));
  size_t length_at = f.reader().offset();
  MCX_RETURN_IF_ERROR(f.Prefixed16("payload", &out->ciphertext));
  if (out->ciphertext.size() < kGcmTagSize) {
    return f.Fail("payload length " + std::to_string(out->ciphertext.size()) +
                      " is shorter than the 16-octet AES-GCM tag",
                  length_at);
  }
  return f.ExpectEnd("the protected payload");
}

Status ParseGeneralExt(FieldReader& f, GeneralExtPayload* out) {
  MCX_RETURN_IF_ERROR(f.U8("type", &out->type));
  size_t length_at = f.reader().offset();
  uint16_t length = 0;
  MCX_RETURN_IF_ERROR(f.U16("length", &length));
  ByteReader content;
  MCX_RETURN_IF_ERROR(f.Sub("extension data", length, length_at, &content));

  if (out->type == kExtTypeSakkeToSelf) {
    FieldReader body(&content, "GENERAL EXTENSION payload (SAKKE-to-self)", "extension data");
    MCX_RETURN_IF_ERROR(ParseSakkeBody(body, &Reuse<SakkePayload>(&out->content)));
    return body.ExpectEnd("the SAKKE data");
  }
  if (out->type == kExtTypeKeyParameters) {
    FieldReader body(&content, "GENERAL EXTENSION payload (key parameters)", "extension data");
    // A protected payload's message type has the encryption bit (0x40) set;
    // the Rel-13 clear form starts with key type + 1, a small number.
    if (!content.empty() && (content.rest()[0] & 0x40) != 0) {
      return ParseProtectedPayload(body, &Reuse<ProtectedPayload>(&out->content));
    }
    return ParseKeyParametersFields(body, KeyTypeCoding::kLegacyPlusOne,
                                    &Reuse<ClearKeyParameters>(&out->content).params);
  }
  Reuse<Bytes>(&out->content).assign(content.rest().begin(), content.rest().end());
  return Status::Ok();
}

// How many type/length/value parameters the region holds (a lower bound
// when it is malformed), so the vector is allocated once.
size_t CountPolicyParams(ByteReader params) {
  size_t count = 0;
  uint8_t type = 0;
  ByteReader value;
  while (params.GetU8(&type) && params.GetU8LengthPrefixed(&value)) ++count;
  return count;
}

Status ParseSp(FieldReader& f, SpPayload* out) {
  MCX_RETURN_IF_ERROR(f.U8("policy no", &out->policy_no));
  MCX_RETURN_IF_ERROR(f.U8("prot type", &out->prot_type));
  size_t length_at = f.reader().offset();
  uint16_t length = 0;
  MCX_RETURN_IF_ERROR(f.U16("policy param length", &length));
  ByteReader params_reader;
  MCX_RETURN_IF_ERROR(f.Sub("policy param", length, length_at, &params_reader));
  FieldReader params(&params_reader, f.where(), "policy parameters");
  out->params.reserve(CountPolicyParams(params_reader));
  size_t count = 0;
  while (!params_reader.empty()) {
    if (count == out->params.size()) out->params.emplace_back();
    PolicyParam& param = out->params[count++];
    MCX_RETURN_IF_ERROR(params.U8("policy param type", &param.type));
    ByteSpan value;
    MCX_RETURN_IF_ERROR(params.Prefixed8("policy param value", &value));
    param.value.assign(value);
  }
  out->params.resize(count);
  return Status::Ok();
}

Status ParseSign(FieldReader& f, SignPayload* out, size_t* signed_length) {
  size_t at = f.reader().offset();
  uint16_t type_length = 0;
  MCX_RETURN_IF_ERROR(f.U16("S type/signature length", &type_length));
  out->s_type = static_cast<uint8_t>(type_length >> 12);
  *signed_length = f.reader().offset();
  return f.Data("signature", type_length & kMaxSignatureLength, at, &out->signature);
}

// Parses the body (everything after the next-payload octet) of `type`.
Status ParseBody(uint8_t type, FieldReader& f, PayloadBody* body) {
  switch (static_cast<PayloadType>(type)) {
    case PayloadType::kKemac: {
      KemacPayload& p = Reuse<KemacPayload>(body);
      MCX_RETURN_IF_ERROR(f.U8("encr alg", &p.encr_alg));
      MCX_RETURN_IF_ERROR(f.Prefixed16("encr data", &p.encr_data));
      return ParseMacByAlgorithm(f, &p.mac_alg, &p.mac);
    }
    case PayloadType::kT: {
      TimestampPayload& p = Reuse<TimestampPayload>(body);
      size_t at = f.reader().offset();
      uint8_t ts_type = 0;
      MCX_RETURN_IF_ERROR(f.U8("TS type", &ts_type));
      std::optional<size_t> length = TimestampLength(ts_type);
      if (!length) {
        return f.Fail("TS type " + std::to_string(ts_type) +
                          " is not NTP-UTC (0), NTP (1) or COUNTER (2)",
                      at);
      }
      p.ts_type = static_cast<TsType>(ts_type);
      if (*length == 8) return f.U64("TS value", &p.value);
      uint32_t counter = 0;
      MCX_RETURN_IF_ERROR(f.U32("TS value", &counter));
      p.value = counter;
      return Status::Ok();
    }
    case PayloadType::kId: {
      IdPayload& p = Reuse<IdPayload>(body);
      MCX_RETURN_IF_ERROR(f.U8("ID type", &p.id_type));
      return f.Prefixed16("ID data", &p.id);
    }
    case PayloadType::kV: {
      VPayload& p = Reuse<VPayload>(body);
      return ParseMacByAlgorithm(f, &p.mac_alg, &p.mac);
    }
    case PayloadType::kSp:
      return ParseSp(f, &Reuse<SpPayload>(body));
    case PayloadType::kRand:
      return f.Prefixed8("RAND", &Reuse<RandPayload>(body).rand);
    case PayloadType::kErr: {
      ErrPayload& p = Reuse<ErrPayload>(body);
      MCX_RETURN_IF_ERROR(f.U8("error no", &p.error_no));
      return f.U16("reserved", &p.reserved);
    }
    case PayloadType::kIdr: {
      IdrPayload& p = Reuse<IdrPayload>(body);
      MCX_RETURN_IF_ERROR(f.U8("ID role", &p.role));
      MCX_RETURN_IF_ERROR(f.U8("ID type", &p.id_type));
      return f.Prefixed16("ID data", &p.id);
    }
    case PayloadType::kGeneralExt:
      return ParseGeneralExt(f, &Reuse<GeneralExtPayload>(body));
    case PayloadType::kSakke:
      return ParseSakkeBody(f, &Reuse<SakkePayload>(body));
    case PayloadType::kLast:
    case PayloadType::kSign:
      break;  // handled by the caller
  }
  return f.Fail("internal: no parser for payload type " + std::to_string(type), f.reader().offset());
}

// -------------------------------------------------------------- serializing

Error SerializeError(std::string_view where, const std::string& message) {
  return InvalidArgument("cannot serialize " + std::string(where) + ": " + message);
}

Status PutPrefixed(ByteWriter& w, size_t width, ByteSpan data, std::string_view where,
                   std::string_view field) {
  size_t max = width == 1 ? 0xff : 0xffff;
  if (data.size() > max) {
    return SerializeError(where, std::string(field) + " is " + std::to_string(data.size()) +
                                     " octets, more than its " + std::to_string(width) +
                                     "-octet length field allows");
  }
  if (width == 1) {
    w.PutU8(static_cast<uint8_t>(data.size()));
  } else {
    w.PutU16(static_cast<uint16_t>(data.size()));
  }
  w.PutBytes(data);
  return Status::Ok();
}

Status PutMac(ByteWriter& w, uint8_t mac_alg, const Bytes& mac, std::string_view where) {
  std::optional<size_t> length = MacLength(mac_alg);
  if (!length || *length != mac.size()) {
    return SerializeError(where, "MAC of " + std::to_string(mac.size()) +
                                     " octets does not fit MAC alg " + std::to_string(mac_alg));
  }
  w.PutU8(mac_alg);
  w.PutBytes(mac);
  return Status::Ok();
}

Status PutSakkeBody(ByteWriter& w, const SakkePayload& p, std::string_view where) {
  w.PutU8(p.params);
  w.PutU8(p.id_scheme);
  return PutPrefixed(w, 2, p.data, where, "SAKKE data");
}

Status PutKeyParameters(ByteWriter& w, const KeyParameters& p, KeyTypeCoding coding,
                        std::string_view where) {
  if (coding == KeyTypeCoding::kLegacyPlusOne && p.key_type == 0xff) {
    return SerializeError(where, "key type 255 has no Rel-13 (key type + 1) encoding");
  }
  if (p.activation_time > kMax40Bits || p.expiry_time > kMax40Bits) {
    return SerializeError(where, "activation/expiry time does not fit 5 octets");
  }
  w.PutU8(coding == KeyTypeCoding::kLegacyPlusOne ? p.key_type + 1 : p.key_type);
  w.PutU32(p.status);
  w.PutU40(p.activation_time);
  w.PutU40(p.expiry_time);
  MCX_RETURN_IF_ERROR(PutPrefixed(w, 2, AsSpan(p.text), where, "text"));
  if (!p.group_ids) return Status::Ok();
  if (p.group_ids->size() > 0xff) return SerializeError(where, "more than 255 group IDs");
  ByteWriter::LengthPrefix length = w.BeginLengthPrefix(2);
  w.PutU8(static_cast<uint8_t>(p.group_ids->size()));
  for (const GroupIdTlv& id : *p.group_ids) {
    w.PutU8(id.iei);
    MCX_RETURN_IF_ERROR(PutPrefixed(w, 2, id.value, where, "group ID"));
  }
  if (!w.EndLengthPrefix(length)) return SerializeError(where, "group IDs exceed 65535 octets");
  return Status::Ok();
}

Status PutProtectedPayload(ByteWriter& w, const ProtectedPayload& p, std::string_view where) {
  if (p.date_time > kMax40Bits) return SerializeError(where, "date and time does not fit 5 octets");
  if (p.ciphertext.size() < kGcmTagSize) {
    return SerializeError(where, "payload is shorter than the 16-octet AES-GCM tag");
  }
  w.PutBytes(p.AssociatedData());
  w.PutU8(p.payload_iei);
  return PutPrefixed(w, 2, p.ciphertext, where, "payload");
}

Status PutGeneralExt(ByteWriter& w, const GeneralExtPayload& p) {
  constexpr std::string_view kWhere = "GENERAL EXTENSION payload";
  bool matches = (p.type == kExtTypeSakkeToSelf)
                     ? std::holds_alternative<SakkePayload>(p.content)
                 : (p.type == kExtTypeKeyParameters)
                     ? std::holds_alternative<ProtectedPayload>(p.content) ||
                           std::holds_alternative<ClearKeyParameters>(p.content)
                     : std::holds_alternative<Bytes>(p.content);
  if (!matches) {
    return SerializeError(kWhere, "content does not match extension type " + std::to_string(p.type));
  }
  w.PutU8(p.type);
  ByteWriter::LengthPrefix length = w.BeginLengthPrefix(2);
  Status status = std::visit(
      [&](const auto& content) -> Status {
        using T = std::decay_t<decltype(content)>;
        if constexpr (std::is_same_v<T, Bytes>) {
          w.PutBytes(content);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, SakkePayload>) {
          return PutSakkeBody(w, content, kWhere);
        } else if constexpr (std::is_same_v<T, ProtectedPayload>) {
          return PutProtectedPayload(w, content, kWhere);
        } else {
          return PutKeyParameters(w, content.params, KeyTypeCoding::kLegacyPlusOne, kWhere);
        }
      },
      p.content);
  MCX_RETURN_IF_ERROR(status);
  if (!w.EndLengthPrefix(length)) return SerializeError(kWhere, "data exceeds 65535 octets");
  return Status::Ok();
}

Status PutHdr(ByteWriter& w, const CommonHeader& hdr, uint8_t next) {
  constexpr std::string_view kWhere = "HDR";
  if (hdr.prf_func > 0x7f) return SerializeError(kWhere, "PRF func does not fit 7 bits");
  if (hdr.cs_count() > 0xff) return SerializeError(kWhere, "more than 255 crypto sessions");
  w.PutU8(hdr.version);
  w.PutU8(hdr.data_type);
  w.PutU8(next);
  w.PutU8(static_cast<uint8_t>((hdr.v_flag ? 0x80 : 0) | hdr.prf_func));
  w.PutU32(hdr.csb_id);
  w.PutU8(static_cast<uint8_t>(hdr.cs_count()));
  w.PutU8(static_cast<uint8_t>(hdr.map_type()));
  if (const auto* srtp = std::get_if<SrtpIdMap>(&hdr.cs_id_map)) {
    for (const SrtpIdEntry& e : srtp->entries) {
      w.PutU8(e.policy_no);
      w.PutU32(e.ssrc);
      w.PutU32(e.roc);
    }
  } else if (const auto* generic = std::get_if<GenericIdMap>(&hdr.cs_id_map)) {
    for (const GenericIdEntry& e : generic->entries) {
      if (e.policy_numbers.size() > 0x7f) return SerializeError(kWhere, "#P does not fit 7 bits");
      w.PutU8(e.cs_id);
      w.PutU8(e.prot_type);
      w.PutU8(static_cast<uint8_t>((e.s_flag ? 0x80 : 0) | e.policy_numbers.size()));
      w.PutBytes(e.policy_numbers);
      MCX_RETURN_IF_ERROR(PutPrefixed(w, 2, e.session_data, kWhere, "GENERIC-ID session data"));
      MCX_RETURN_IF_ERROR(PutPrefixed(w, 1, e.spi, kWhere, "GENERIC-ID SPI"));
    }
  }
  return Status::Ok();
}

Status PutPayloadBody(ByteWriter& w, const PayloadBody& body) {
  return std::visit(
      [&](const auto& p) -> Status {
        using T = std::decay_t<decltype(p)>;
        const std::string_view where = PayloadLabel(static_cast<uint8_t>(T::kType));
        if constexpr (std::is_same_v<T, KemacPayload>) {
          w.PutU8(p.encr_alg);
          MCX_RETURN_IF_ERROR(PutPrefixed(w, 2, p.encr_data, where, "encr data"));
          return PutMac(w, p.mac_alg, p.mac, where);
        } else if constexpr (std::is_same_v<T, SignPayload>) {
          if (p.s_type > kMaxSignType || p.signature.size() > kMaxSignatureLength) {
            return SerializeError(where, "S type or signature length does not fit 4/12 bits");
          }
          w.PutU16(static_cast<uint16_t>(p.s_type << 12 | p.signature.size()));
          w.PutBytes(p.signature);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, TimestampPayload>) {
          std::optional<size_t> length = TimestampLength(static_cast<uint8_t>(p.ts_type));
          if (!length) return SerializeError(where, "unknown TS type");
          if (*length == 4 && p.value > 0xffffffffu) {
            return SerializeError(where, "COUNTER value does not fit 32 bits");
          }
          w.PutU8(static_cast<uint8_t>(p.ts_type));
          if (*length == 8) {
            w.PutU64(p.value);
          } else {
            w.PutU32(static_cast<uint32_t>(p.value));
          }
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, IdPayload>) {
          w.PutU8(p.id_type);
          return PutPrefixed(w, 2, p.id, where, "ID data");
        } else if constexpr (std::is_same_v<T, VPayload>) {
          return PutMac(w, p.mac_alg, p.mac, where);
        } else if constexpr (std::is_same_v<T, SpPayload>) {
          w.PutU8(p.policy_no);
          w.PutU8(p.prot_type);
          ByteWriter::LengthPrefix length = w.BeginLengthPrefix(2);
          for (const PolicyParam& param : p.params) {
            w.PutU8(param.type);
            if (param.value.too_long()) {
              return SerializeError(where, "policy param value is longer than its 1-octet length field allows");
            }
            MCX_RETURN_IF_ERROR(PutPrefixed(w, 1, param.value, where, "policy param value"));
          }
          if (!w.EndLengthPrefix(length)) return SerializeError(where, "policy params exceed 65535 octets");
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, RandPayload>) {
          return PutPrefixed(w, 1, p.rand, where, "RAND");
        } else if constexpr (std::is_same_v<T, ErrPayload>) {
          w.PutU8(p.error_no);
          w.PutU16(p.reserved);
          return Status::Ok();
        } else if constexpr (std::is_same_v<T, IdrPayload>) {
          w.PutU8(p.role);
          w.PutU8(p.id_type);
          return PutPrefixed(w, 2, p.id, where, "ID data");
        } else if constexpr (std::is_same_v<T, GeneralExtPayload>) {
          return PutGeneralExt(w, p);
        } else {
          static_assert(std::is_same_v<T, SakkePayload>);
          return PutSakkeBody(w, p, where);
        }
      },
      body);
}

}  // namespace

std::string_view PayloadLabel(uint8_t payload_type) {
  switch (static_cast<PayloadType>(payload_type)) {
    case PayloadType::kKemac: return "KEMAC payload";
    case PayloadType::kSign: return "SIGN payload";
    case PayloadType::kT: return "T payload";
    case PayloadType::kId: return "ID payload";
    case PayloadType::kV: return "V payload";
    case PayloadType::kSp: return "SP payload";
    case PayloadType::kRand: return "RAND payload";
    case PayloadType::kErr: return "ERR payload";
    case PayloadType::kIdr: return "IDR payload";
    case PayloadType::kGeneralExt: return "GENERAL EXTENSION payload";
    case PayloadType::kSakke: return "SAKKE payload";
    case PayloadType::kLast: break;
  }
  return "";
}

Status ParseInto(ByteSpan wire, Message* message) {
  ByteReader r(wire);
  uint8_t next = 0;
  message->signed_length.reset();
  MCX_RETURN_IF_ERROR(ParseHdr(r, &message->hdr, &next));
  message->hdr_length = r.offset();

  std::vector<Payload>& payloads = message->payloads;
  size_t count = 0;
  // Drops payloads left over from a previous message, on every exit.
  struct Trim {
    std::vector<Payload>& payloads;
    const size_t& count;
    ~Trim() { payloads.resize(count); }
  } trim{payloads, count};
  payloads.reserve(12);

  // Who declared `next`, and where, for errors about the declaration itself.
  std::string_view declared_by = "HDR";
  size_t declared_at = kHdrNextPayloadOffset;
  while (next != static_cast<uint8_t>(PayloadType::kLast)) {
    std::string_view label = PayloadLabel(next);
    if (label.empty()) {
      std::string_view known = UnsupportedPayloadName(next);
      return ParseError(std::string(declared_by) + ": next payload " + std::to_string(next) +
                            (known.empty() ? " is not a MIKEY payload type this codec knows"
                                           : " (" + std::string(known) + ") is not supported"),
                        declared_at);
    }
    size_t start = r.offset();
    if (count == payloads.size()) payloads.emplace_back();
    Payload& payload = payloads[count++];
    payload.offset = start;
    FieldReader f(&r, label);

    if (next == static_cast<uint8_t>(PayloadType::kSign)) {
      size_t signed_length = 0;
      MCX_RETURN_IF_ERROR(ParseSign(f, &Reuse<SignPayload>(&payload.body), &signed_length));
      payload.length = r.offset() - start;
      message->signed_length = signed_length;
      if (!r.empty()) {
        return f.Fail(std::to_string(r.remaining()) +
                          " octet(s) follow the signature, but SIGN must be the last payload",
                      r.offset());
      }
      return Status::Ok();
    }

    size_t next_at = r.offset();
    uint8_t following = 0;
    MCX_RETURN_IF_ERROR(f.U8("next payload", &following));
    MCX_RETURN_IF_ERROR(ParseBody(next, f, &payload.body));
    payload.length = r.offset() - start;
    declared_by = label;
    declared_at = next_at;
    next = following;
  }
  if (!r.empty()) {
    return ParseError(std::string(declared_by) + ": next payload is 0 (last) but " +
                          std::to_string(r.remaining()) + " octet(s) follow",
                      r.offset());
  }
  return Status::Ok();
}

Result<Message> Parse(ByteSpan wire) {
  Message message;
  MCX_RETURN_IF_ERROR(ParseInto(wire, &message));
  return message;
}

Result<Bytes> Serialize(const Message& message) {
  ByteWriter w(1024);
  const std::vector<Payload>& payloads = message.payloads;
  auto type_code = [&](size_t i) {
    return i < payloads.size() ? static_cast<uint8_t>(payloads[i].type())
                               : static_cast<uint8_t>(PayloadType::kLast);
  };
  MCX_RETURN_IF_ERROR(PutHdr(w, message.hdr, type_code(0)));
  for (size_t i = 0; i < payloads.size(); ++i) {
    bool is_sign = payloads[i].type() == PayloadType::kSign;
    if (is_sign && i + 1 != payloads.size()) {
      return SerializeError("SIGN payload", "it must be the last payload");
    }
    if (!is_sign) w.PutU8(type_code(i + 1));
    MCX_RETURN_IF_ERROR(PutPayloadBody(w, payloads[i].body));
  }
  return std::move(w).Finish();
}

Result<KeyParameters> ParseKeyParameters(ByteSpan content, KeyTypeCoding coding,
                                         size_t base_offset) {
  ByteReader r(content, base_offset);
  FieldReader f(&r, "key parameters", "key parameters content");
  KeyParameters params;
  MCX_RETURN_IF_ERROR(ParseKeyParametersFields(f, coding, &params));
  return params;
}

Result<Bytes> SerializeKeyParameters(const KeyParameters& params, KeyTypeCoding coding) {
  ByteWriter w(64);
  MCX_RETURN_IF_ERROR(PutKeyParameters(w, params, coding, "key parameters"));
  return std::move(w).Finish();
}

}  // namespace mcx::mikey
