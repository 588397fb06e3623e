// Internal to //mikey: a ByteReader wrapper that turns a failed read into a
// parse Error naming the payload, the field and the absolute offset, so each
// payload parser is a flat list of reads.
//
// FieldReader<true> also records every successful read, and every group
// (Open) around reads, in a WireLayout. FieldReader<false> compiles that
// code out: plain parsing pays nothing for the layout (bench/mikey_bench).
//
// Speed: the success path of every read is forced inline (GCC otherwise
// keeps these as calls, about a sixth of the parse time) and builds no
// strings; the error text is built out of line, only on failure.
#ifndef MCXTEST_MIKEY_FIELD_READER_H_
#define MCXTEST_MIKEY_FIELD_READER_H_

#include <string>
#include <string_view>

#include "crypto/result.h"
#include "mikey/byte_reader.h"
#include "mikey/wire_layout.h"

#define MCX_MIKEY_INLINE [[gnu::always_inline]] inline

namespace mcx::mikey::internal {

// A length field and the octets it counts (MCX_WIRE_PREFIXED rows only).
struct PrefixedField {
  WireField length;
  WireField data;
};
namespace prefixed {
#define MCX_WIRE_PREFIXED(e, name) \
  inline constexpr PrefixedField e{WireField::e##Length, WireField::e};
#include "mikey/wire_fields.def"
}  // namespace prefixed

template <bool kRecord>
class FieldReader {
 public:
  // `where` names the payload ("SAKKE payload"); `container` names what a
  // length can overrun ("message", "extension data"). `layout` is only
  // written when kRecord.
  FieldReader(ByteReader* reader, WireLayout* layout, std::string_view where,
              std::string_view container = "message")
      : r_(reader), layout_(layout), where_(where), container_(container) {}

  // A reader over a region of this one, recording into the same layout.
  FieldReader Nested(ByteReader* reader, std::string_view container) const {
    return FieldReader(reader, layout_, where_, container);
  }
  FieldReader Nested(ByteReader* reader, std::string_view where, std::string_view container) const {
    return FieldReader(reader, layout_, where, container);
  }

  ByteReader& reader() { return *r_; }
  std::string_view where() const { return where_; }

  // Records a group from here to wherever this reader is when the returned
  // object goes out of scope (an early error return included).
  class [[nodiscard]] Group {
   public:
    Group(const Group&) = delete;
    Group& operator=(const Group&) = delete;
    ~Group() {
      if constexpr (kRecord) f_.layout_->Close(index_, f_.r_->offset());
    }

   private:
    friend class FieldReader;
    Group(FieldReader& f, WireField group, uint8_t payload_type) : f_(f) {
      if constexpr (kRecord) index_ = f.layout_->Open(group, f.r_->offset(), payload_type);
    }
    FieldReader& f_;
    [[maybe_unused]] size_t index_ = 0;
  };
  Group Open(WireField group, uint8_t payload_type = 0) { return Group(*this, group, payload_type); }

  MCX_MIKEY_INLINE Status U8(WireField field, uint8_t* out) { return Read(r_->GetU8(out), field, 1); }
  MCX_MIKEY_INLINE Status U16(WireField field, uint16_t* out) {
    return Read(r_->GetU16(out), field, 2);
  }
  MCX_MIKEY_INLINE Status U32(WireField field, uint32_t* out) {
    return Read(r_->GetU32(out), field, 4);
  }
  Status U40(WireField field, uint64_t* out) { return Read(r_->GetU40(out), field, 5); }
  Status U64(WireField field, uint64_t* out) { return Read(r_->GetU64(out), field, 8); }

  // A field of fixed size `n`, copied or viewed in place.
  Status Fixed(WireField field, size_t n, Bytes* out) { return Read(r_->CopyBytes(n, out), field, n); }
  Status View(WireField field, size_t n, ByteSpan* out) { return Read(r_->GetBytes(n, out), field, n); }

  // `length` octets of `field` whose length was read at `length_offset`;
  // an overrun is blamed on the length field.
  Status Data(WireField field, size_t length, size_t length_offset, Bytes* out) {
    if (r_->CopyBytes(length, out)) [[likely]] {
      Record(field, length);
      return Status::Ok();
    }
    return Overrun(field, length, length_offset);
  }
  // The same, for a sub-reader (content parsed further).
  Status Sub(WireField field, size_t length, size_t length_offset, ByteReader* out) {
    if (r_->GetSubReader(length, out)) [[likely]] {
      Record(field, length);
      return Status::Ok();
    }
    return Overrun(field, length, length_offset);
  }

  // A 1- or 2-octet length field and its data.
  MCX_MIKEY_INLINE Status Prefixed8(PrefixedField field, Bytes* out) {
    return PrefixedCopy(field, 1, out);
  }
  MCX_MIKEY_INLINE Status Prefixed16(PrefixedField field, Bytes* out) {
    return PrefixedCopy(field, 2, out);
  }
  Status Prefixed16(PrefixedField field, ByteSpan* out) { return Prefixed(field, 2, out); }
  Status Prefixed8(PrefixedField field, ByteSpan* out) { return Prefixed(field, 1, out); }

  // Fails if octets remain (`after` says what they follow).
  Status ExpectEnd(std::string_view after) {
    if (r_->empty()) return Status::Ok();
    return Fail(std::to_string(r_->remaining()) + " unexpected octet(s) after " + std::string(after),
                r_->offset());
  }

  Error Fail(const std::string& message, size_t offset) const {
    return ParseError(std::string(where_) + ": " + message, offset);
  }

 private:
  MCX_MIKEY_INLINE Status Prefixed(PrefixedField field, size_t width, ByteSpan* out) {
    size_t at = r_->offset();
    uint16_t length = 0;
    uint8_t short_length = 0;
    bool ok = width == 1 ? r_->GetU8(&short_length) : r_->GetU16(&length);
    MCX_RETURN_IF_ERROR(Read(ok, field.length, width));
    if (width == 1) length = short_length;
    if (r_->GetBytes(length, out)) [[likely]] {
      Record(field.data, length);
      return Status::Ok();
    }
    return Overrun(field.data, length, at);
  }
  MCX_MIKEY_INLINE Status PrefixedCopy(PrefixedField field, size_t width, Bytes* out) {
    ByteSpan view;
    MCX_RETURN_IF_ERROR(Prefixed(field, width, &view));
    out->assign(view.begin(), view.end());
    return Status::Ok();
  }

  // After a read of `size` octets succeeded, they end at the cursor.
  MCX_MIKEY_INLINE void Record(WireField field, size_t size) {
    if constexpr (kRecord) layout_->Add(field, r_->offset() - size, size);
  }
  MCX_MIKEY_INLINE Status Read(bool ok, WireField field, size_t size) {
    if (ok) [[likely]] {
      Record(field, size);
      return Status::Ok();
    }
    return Truncated(field, size);
  }
  [[gnu::cold, gnu::noinline]] Error Truncated(WireField field, size_t size) const {
    return Fail(std::string(container_) + " ends inside " + std::string(WireFieldName(field)) +
                    " (needs " + std::to_string(size) + " octet(s), " +
                    std::to_string(r_->remaining()) + " left)",
                r_->offset());
  }
  [[gnu::cold, gnu::noinline]] Error Overrun(WireField field, size_t length,
                                             size_t length_offset) const {
    return Fail(std::string(WireFieldName(field)) + " length " + std::to_string(length) +
                    " overruns the " + std::string(container_) + " (" +
                    std::to_string(r_->remaining()) + " octet(s) left)",
                length_offset);
  }

  ByteReader* r_;
  [[maybe_unused]] WireLayout* layout_;
  std::string_view where_;
  std::string_view container_;
};

}  // namespace mcx::mikey::internal

#undef MCX_MIKEY_INLINE

#endif  // MCXTEST_MIKEY_FIELD_READER_H_
