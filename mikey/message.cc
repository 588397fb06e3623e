#include "mikey/message.h"

#include "mikey/byte_writer.h"

namespace mcx::mikey {
std::optional<uint32_t> GenericIdEntry::SpiKeyId() const {
  if (spi.size() != 4 && spi.size() != 8) return std::nullopt;
  return BigEndianU32(ByteSpan(spi).first<4>());
}

std::optional<uint32_t> GenericIdEntry::SpiGukId() const {
  if (spi.size() != 8) return std::nullopt;
  return BigEndianU32(ByteSpan(spi).subspan<4, 4>());
}

size_t CommonHeader::cs_count() const {
  if (const auto* srtp = std::get_if<SrtpIdMap>(&cs_id_map)) return srtp->entries.size();
  if (const auto* generic = std::get_if<GenericIdMap>(&cs_id_map)) return generic->entries.size();
  return 0;
}

std::optional<EccsiSignature> SignPayload::Eccsi() const {
  if (s_type != kSignTypeEccsi || signature.size() != kEccsiSignatureSize) return std::nullopt;
  ByteSpan all(signature);
  return EccsiSignature{all.subspan(0, kEccsiPartSize), all.subspan(kEccsiPartSize, kEccsiPartSize),
                        all.subspan(2 * kEccsiPartSize, kEccsiPvtSize)};
}

Bytes ProtectedPayload::AssociatedData() const {
  ByteWriter w(kProtectedPayloadAadSize);
  w.PutU8(message_type);
  w.PutU40(date_time);
  w.PutU32(payload_id);
  w.PutU8(sequence_number);
  w.PutU8(algorithm);
  w.PutBytes(iv);
  w.PutU32(dppk_id);
  return std::move(w).Finish();
}

PayloadType Payload::type() const {
  return std::visit([](const auto& b) { return std::decay_t<decltype(b)>::kType; }, body);
}

const IdrPayload* Message::FindIdr(IdRole role) const {
  for (const Payload& p : payloads) {
    const IdrPayload* idr = p.As<IdrPayload>();
    if (idr != nullptr && idr->role == static_cast<uint8_t>(role)) return idr;
  }
  return nullptr;
}

const GeneralExtPayload* Message::FindExtension(uint8_t ext_type) const {
  for (const Payload& p : payloads) {
    const GeneralExtPayload* ext = p.As<GeneralExtPayload>();
    if (ext != nullptr && ext->type == ext_type) return ext;
  }
  return nullptr;
}

}  // namespace mcx::mikey
