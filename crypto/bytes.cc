#include "crypto/bytes.h"

#include <array>

namespace mcx {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// One table lookup per symbol: base64 bodies are scanned in bulk (SIP/XML
// bodies in the dissector, key stores), and a compare chain per character
// dominated that scan.
constexpr std::array<int8_t, 256> kBase64Values = [] {
  std::array<int8_t, 256> values{};
  values.fill(-1);
  for (int i = 0; i < 64; ++i) values[static_cast<uint8_t>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
  return values;
}();

int Base64Value(char c) { return kBase64Values[static_cast<uint8_t>(c)]; }

}  // namespace

std::string ToHex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Status FromHexInto(std::string_view hex, std::span<uint8_t> out, bool echo_bad) {
  if (hex.size() % 2 != 0) {
    return InvalidArgument("hex string has odd length " + std::to_string(hex.size()));
  }
  if (out.size() != hex.size() / 2) {
    return Error(ErrorCode::kInternal, "FromHexInto: " + std::to_string(out.size()) + " octets for " +
                                           std::to_string(hex.size()) + " hex digits");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      size_t bad = hi < 0 ? 2 * i : 2 * i + 1;
      return Error(ErrorCode::kInvalidArgument,
                   echo_bad ? std::string("non-hex character '") + hex[bad] + "'" : "non-hex character", bad);
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return Status::Ok();
}

Result<Bytes> FromHex(std::string_view hex) {
  Bytes out(hex.size() / 2);
  MCX_RETURN_IF_ERROR(FromHexInto(hex, out));
  return out;
}

Bytes MinimalBigEndian(uint64_t value) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<uint8_t>(value & 0xff));
    value >>= 8;
  } while (value != 0);
  return out;
}

std::string HexU32(uint32_t value) {
  return ToHex(FixedBigEndian(value, 4));
}

Bytes FixedBigEndian(uint64_t value, size_t width) {
  Bytes out(width);
  for (size_t i = 0; i < width; ++i) {
    out[width - 1 - i] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return out;
}

std::string ToBase64(ByteSpan bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out.push_back(kBase64Alphabet[v >> 18]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(kBase64Alphabet[(v >> 6) & 63]);
    out.push_back(kBase64Alphabet[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = bytes[i] << 16 | (rest == 2 ? bytes[i + 1] << 8 : 0);
    out.push_back(kBase64Alphabet[v >> 18]);
    out.push_back(kBase64Alphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64Alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<Bytes> FromBase64(std::string_view b64) {
  // Whitespace is allowed (base64 in XML and SDP bodies is often wrapped).
  Bytes out;
  out.reserve(b64.size() / 4 * 3 + 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  size_t symbols = 0;
  for (size_t i = 0; i < b64.size(); ++i) {
    char c = b64[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    if (padding > 0) return Error(ErrorCode::kInvalidArgument, "base64 data after padding", i);
    int v = Base64Value(c);
    if (v < 0) {
      return Error(ErrorCode::kInvalidArgument, std::string("invalid base64 character '") + c + "'", i);
    }
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>((acc >> bits) & 0xff));
    }
  }
  if (padding > 2 || symbols % 4 != 0) {
    return InvalidArgument("base64 length is not a multiple of 4");
  }
  return out;
}

}  // namespace mcx
