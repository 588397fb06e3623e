// The one JSON parser of the project: every JSON document mcxtest reads (key
// store exports, provisioning files, report.json, shim answers) is hostile
// input and goes through ParseBoundedJson, never nlohmann::json::parse.
//
// Limits are checked while parsing, before memory is spent: input size,
// nesting depth (nlohmann's DOM is destroyed and dumped recursively, so depth
// is what a hostile input turns into a stack overflow) and the number of
// values. Duplicate object keys are rejected rather than silently resolved
// (two readers could otherwise disagree on a document). Errors are kParse
// with the offset of the offending octet; nothing throws.
#ifndef MCXTEST_CRYPTO_BOUNDED_JSON_H_
#define MCXTEST_CRYPTO_BOUNDED_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/result.h"

namespace mcx {

inline constexpr size_t kDefaultMaxJsonDepth = 64;
inline constexpr size_t kDefaultMaxJsonSize = size_t{64} << 20;

struct JsonLimits {
  size_t max_size = kDefaultMaxJsonSize;  // octets of input
  size_t max_depth = kDefaultMaxJsonDepth;  // "[[1]]" has depth 2; a scalar 0
  size_t max_values = SIZE_MAX;  // every scalar, array and object counts one
};

// One complete JSON text (RFC 8259; surrounding whitespace allowed). Errors
// read "not valid JSON: <what>" with offset, e.g. "not valid JSON: nested
// deeper than 64 levels" at the offset of the bracket that went too deep.
Result<nlohmann::json> ParseBoundedJson(std::string_view text, const JsonLimits& limits = {});

// Whether an error of ParseBoundedJson is a crossed limit (size, depth,
// values) rather than malformed JSON: callers report the two differently.
bool IsJsonLimitError(const Error& error);

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_BOUNDED_JSON_H_
