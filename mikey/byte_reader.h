// Bounds-checked big-endian reads over an octet string, in the style of
// BoringSSL's CBS: every getter either consumes exactly what it reports or
// leaves the reader untouched and returns false. Nothing here can read past
// the end, so parsers built on it are total by construction.
//
// The reader remembers the absolute offset of its first octet so that
// sub-readers (one payload, one extension) still report positions in the
// whole message, which is what error messages and dissectors need.
#ifndef MCXTEST_MIKEY_BYTE_READER_H_
#define MCXTEST_MIKEY_BYTE_READER_H_

#include <cstddef>
#include <cstdint>

#include "crypto/bytes.h"

namespace mcx::mikey {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteSpan data, size_t base_offset = 0)
      : data_(data), base_offset_(base_offset) {}

  // Absolute offset of the next unread octet.
  size_t offset() const { return base_offset_ + position_; }
  size_t remaining() const { return data_.size() - position_; }
  bool empty() const { return remaining() == 0; }
  // The unread octets (not consumed).
  ByteSpan rest() const { return data_.subspan(position_); }

  bool GetU8(uint8_t* out) {
    if (remaining() < 1) return false;
    *out = data_[position_++];
    return true;
  }
  bool GetU16(uint16_t* out) { return GetUint(2, out); }
  bool GetU32(uint32_t* out) { return GetUint(4, out); }
  // 5-octet fields (TS 24.379 / 24.282 date and time values).
  bool GetU40(uint64_t* out) { return GetUint(5, out); }
  bool GetU64(uint64_t* out) { return GetUint(8, out); }

  // The next `n` octets as a view into the underlying buffer.
  bool GetBytes(size_t n, ByteSpan* out) {
    if (remaining() < n) return false;
    *out = data_.subspan(position_, n);
    position_ += n;
    return true;
  }
  // The next `n` octets copied into `out`.
  bool CopyBytes(size_t n, Bytes* out) {
    ByteSpan view;
    if (!GetBytes(n, &view)) return false;
    out->assign(view.begin(), view.end());
    return true;
  }
  bool Skip(size_t n) {
    ByteSpan ignored;
    return GetBytes(n, &ignored);
  }

  // A reader over the next `n` octets that keeps absolute offsets.
  bool GetSubReader(size_t n, ByteReader* out) {
    size_t start = offset();
    ByteSpan view;
    if (!GetBytes(n, &view)) return false;
    *out = ByteReader(view, start);
    return true;
  }

  // A 1- or 2-octet big-endian length followed by that many octets. On
  // failure nothing is consumed, not even the length.
  bool GetU8LengthPrefixed(ByteReader* out) { return GetLengthPrefixed(1, out); }
  bool GetU16LengthPrefixed(ByteReader* out) { return GetLengthPrefixed(2, out); }

 private:
  template <typename T>
  bool GetUint(size_t width, T* out) {
    if (remaining() < width) return false;
    T value = 0;
    for (size_t i = 0; i < width; ++i) value = static_cast<T>(value << 8 | data_[position_ + i]);
    position_ += width;
    *out = value;
    return true;
  }

  bool GetLengthPrefixed(size_t width, ByteReader* out) {
    size_t saved = position_;
    uint16_t length = 0;
    bool ok = width == 1 ? GetU8Into16(&length) : GetU16(&length);
    if (ok && GetSubReader(length, out)) return true;
    position_ = saved;
    return false;
  }
  bool GetU8Into16(uint16_t* out) {
    uint8_t v;
    if (!GetU8(&v)) return false;
    *out = v;
    return true;
  }

  ByteSpan data_;
  size_t position_ = 0;
  size_t base_offset_ = 0;
};

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_BYTE_READER_H_
