// Internal to //mikey: a ByteReader wrapper that turns a failed read into a
// parse Error naming the payload, the field and the absolute offset, so each
// payload parser is a flat list of reads.
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

#define MCX_MIKEY_INLINE [[gnu::always_inline]] inline

namespace mcx::mikey::internal {

class FieldReader {
 public:
  // `where` names the payload ("SAKKE payload"); `container` names what a
  // length can overrun ("message", "extension data").
  FieldReader(ByteReader* reader, std::string_view where, std::string_view container = "message")
      : r_(reader), where_(where), container_(container) {}

  ByteReader& reader() { return *r_; }
  std::string_view where() const { return where_; }

  MCX_MIKEY_INLINE Status U8(std::string_view field, uint8_t* out) {
    return Check(r_->GetU8(out), field, "", 1);
  }
  MCX_MIKEY_INLINE Status U16(std::string_view field, uint16_t* out) {
    return Check(r_->GetU16(out), field, "", 2);
  }
  MCX_MIKEY_INLINE Status U32(std::string_view field, uint32_t* out) {
    return Check(r_->GetU32(out), field, "", 4);
  }
  Status U40(std::string_view field, uint64_t* out) { return Check(r_->GetU40(out), field, "", 5); }
  Status U64(std::string_view field, uint64_t* out) { return Check(r_->GetU64(out), field, "", 8); }

  // A field of fixed size `n`, copied or viewed in place.
  Status Fixed(std::string_view field, size_t n, Bytes* out) {
    return Check(r_->CopyBytes(n, out), field, "", n);
  }
  Status View(std::string_view field, size_t n, ByteSpan* out) {
    return Check(r_->GetBytes(n, out), field, "", n);
  }

  // `length` octets of `field` whose length was read at `length_offset`;
  // an overrun is blamed on the length field.
  Status Data(std::string_view field, size_t length, size_t length_offset, Bytes* out) {
    if (r_->CopyBytes(length, out)) [[likely]] return Status::Ok();
    return Overrun(field, length, length_offset);
  }
  // The same, for a sub-reader (content parsed further).
  Status Sub(std::string_view field, size_t length, size_t length_offset, ByteReader* out) {
    if (r_->GetSubReader(length, out)) [[likely]] return Status::Ok();
    return Overrun(field, length, length_offset);
  }

  // A 1- or 2-octet length field named "<field> length" and its data.
  MCX_MIKEY_INLINE Status Prefixed8(std::string_view field, Bytes* out) {
    return PrefixedCopy(field, 1, out);
  }
  MCX_MIKEY_INLINE Status Prefixed16(std::string_view field, Bytes* out) {
    return PrefixedCopy(field, 2, out);
  }
  Status Prefixed16(std::string_view field, ByteSpan* out) { return Prefixed(field, 2, out); }
  Status Prefixed8(std::string_view field, ByteSpan* out) { return Prefixed(field, 1, out); }

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
  MCX_MIKEY_INLINE Status Prefixed(std::string_view field, size_t width, ByteSpan* out) {
    size_t at = r_->offset();
    uint16_t length = 0;
    uint8_t short_length = 0;
    bool ok = width == 1 ? r_->GetU8(&short_length) : r_->GetU16(&length);
    MCX_RETURN_IF_ERROR(Check(ok, field, " length", width));
    if (width == 1) length = short_length;
    if (r_->GetBytes(length, out)) [[likely]] return Status::Ok();
    return Overrun(field, length, at);
  }
  MCX_MIKEY_INLINE Status PrefixedCopy(std::string_view field, size_t width, Bytes* out) {
    ByteSpan view;
    MCX_RETURN_IF_ERROR(Prefixed(field, width, &view));
    out->assign(view.begin(), view.end());
    return Status::Ok();
  }

  // `suffix` completes the field name ("SPI" + " length") only when an error
  // needs it.
  MCX_MIKEY_INLINE Status Check(bool ok, std::string_view field, std::string_view suffix,
                                size_t size) {
    if (ok) [[likely]] return Status::Ok();
    return Truncated(field, suffix, size);
  }
  [[gnu::cold, gnu::noinline]] Error Truncated(std::string_view field, std::string_view suffix,
                                               size_t size) const {
    return Fail(std::string(container_) + " ends inside " + std::string(field) + std::string(suffix) +
                    " (needs " + std::to_string(size) + " octet(s), " +
                    std::to_string(r_->remaining()) + " left)",
                r_->offset());
  }
  [[gnu::cold, gnu::noinline]] Error Overrun(std::string_view field, size_t length,
                                             size_t length_offset) const {
    return Fail(std::string(field) + " length " + std::to_string(length) + " overruns the " +
                    std::string(container_) + " (" + std::to_string(r_->remaining()) +
                    " octet(s) left)",
                length_offset);
  }

  ByteReader* r_;
  std::string_view where_;
  std::string_view container_;
};

}  // namespace mcx::mikey::internal

#undef MCX_MIKEY_INLINE

#endif  // MCXTEST_MIKEY_FIELD_READER_H_
