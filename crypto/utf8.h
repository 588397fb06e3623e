// The one UTF-8 decoder: report writers escape what it rejects, the KMS
// refuses URIs it rejects. Strict RFC 3629: no overlong forms, surrogates or
// code points above U+10FFFF.
#ifndef MCXTEST_CRYPTO_UTF8_H_
#define MCXTEST_CRYPTO_UTF8_H_

#include <cstddef>
#include <string_view>

namespace mcx {

// Decodes one UTF-8 sequence at `text[pos]`. Returns its length and sets
// `*code_point`, or returns 0 for an invalid, overlong, surrogate or
// truncated sequence (and when pos is at or past the end).
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point);

// True when the whole of `text` is valid UTF-8 (the empty string is).
bool IsValidUtf8(std::string_view text);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_UTF8_H_
