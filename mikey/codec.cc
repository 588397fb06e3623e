#include "mikey/codec.h"

#include <algorithm>
#include <string>
#include <type_traits>
#include <utility>

#include "mikey/byte_writer.h"
#include "mikey/codec_parse.inc"

namespace mcx::mikey {
namespace {

constexpr uint8_t kMaxSignType = 0x0f;
constexpr uint64_t kMax40Bits = (uint64_t{1} << 40) - 1;

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
  return ParseMessage</*kRecord=*/false>(wire, message, nullptr);
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
  FieldReader</*kRecord=*/false> f(&r, nullptr, "key parameters", "key parameters content");
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
