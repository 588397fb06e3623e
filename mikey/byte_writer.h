// The builder counterpart of ByteReader (BoringSSL's CBB in spirit): appends
// big-endian integers and octet strings, and fills in length prefixes once
// the prefixed content is known. Length prefixes that overflow their width
// make EndLengthPrefix() fail instead of silently truncating.
#ifndef MCXTEST_MIKEY_BYTE_WRITER_H_
#define MCXTEST_MIKEY_BYTE_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <utility>

#include "crypto/bytes.h"

namespace mcx::mikey {

class ByteWriter {
 public:
  ByteWriter() = default;
  explicit ByteWriter(size_t reserve) { out_.reserve(reserve); }

  size_t size() const { return out_.size(); }
  ByteSpan view() const { return out_; }
  Bytes Finish() && { return std::move(out_); }

  void PutU8(uint8_t v) { out_.push_back(v); }
  void PutU16(uint16_t v) { PutUint(v, 2); }
  void PutU32(uint32_t v) { PutUint(v, 4); }
  // Only the low 40 bits are written; callers check the range first.
  void PutU40(uint64_t v) { PutUint(v, 5); }
  void PutU64(uint64_t v) { PutUint(v, 8); }
  void PutBytes(ByteSpan bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

  // Reserves a `width`-octet (1 or 2) length field and returns a token for
  // EndLengthPrefix, which writes the number of octets appended since.
  struct LengthPrefix {
    size_t position;
    size_t width;
  };
  LengthPrefix BeginLengthPrefix(size_t width) {
    LengthPrefix prefix{out_.size(), width};
    out_.resize(out_.size() + width, 0);
    return prefix;
  }
  // False if the content does not fit the prefix width.
  bool EndLengthPrefix(LengthPrefix prefix) {
    size_t length = out_.size() - prefix.position - prefix.width;
    if (prefix.width < 8 && length >> (8 * prefix.width) != 0) return false;
    for (size_t i = 0; i < prefix.width; ++i) {
      out_[prefix.position + prefix.width - 1 - i] = static_cast<uint8_t>(length >> (8 * i));
    }
    return true;
  }

 private:
  void PutUint(uint64_t v, size_t width) {
    for (size_t i = width; i > 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
  }

  Bytes out_;
};

}  // namespace mcx::mikey

#endif  // MCXTEST_MIKEY_BYTE_WRITER_H_
