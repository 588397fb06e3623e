#include "crypto/utf8.h"

namespace mcx {

size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point) {
  if (pos >= text.size()) return 0;
  auto octet = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = octet(pos);
  if (lead < 0x80) {
    *code_point = lead;
    return 1;
  }
  size_t length;
  char32_t value;
  char32_t minimum;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, value = lead & 0x1f, minimum = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, value = lead & 0x0f, minimum = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return 0;  // continuation octet, overlong lead C0/C1, or F5..FF
  }
  if (text.size() - pos < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    unsigned char next = octet(pos + i);
    if ((next & 0xc0) != 0x80) return 0;
    value = value << 6 | (next & 0x3f);
  }
  if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return 0;
  *code_point = value;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  char32_t code_point;
  for (size_t pos = 0; pos < text.size();) {
    size_t length = DecodeUtf8(text, pos, &code_point);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

}  // namespace mcx
