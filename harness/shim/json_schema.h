// A validator for the subset of JSON Schema (draft 2020-12) that
// docs/shim-schema/shim-protocol.schema.json uses, so that file is the one
// definition of what a valid shim answer is: the harness checks every answer
// against it (client.h) and `mcxtest shim-check` reports the first violation.
//
// The subset (docs/shim-protocol.md, "The JSON Schema"): $defs at the root and
// $ref "#/$defs/NAME"; type (one name or a list); enum; const; properties;
// required; items (one schema); minItems/maxItems; minLength/maxLength (in
// code points); minimum/maximum; pattern of the form ^[CLASS]{n}$,
// ^[CLASS]{m,n}$, ^[CLASS]*$ or ^[CLASS]+$ (CLASS: characters and ranges
// a-z, no escapes or negation); if/then/else. Annotations ($schema, $id,
// title, description, $comment, default, examples) are ignored. A schema
// using any other keyword, a $ref that does not resolve or another pattern
// is refused when loaded: nothing in the schema is silently not checked.
// "integer" means a JSON number written without fraction or exponent.
#ifndef MCXTEST_HARNESS_SHIM_JSON_SCHEMA_H_
#define MCXTEST_HARNESS_SHIM_JSON_SCHEMA_H_

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "crypto/result.h"

namespace mcx::shim {

// The first way a value broke its schema.
struct SchemaViolation {
  enum class Kind {
    kMissing,   // a required member is absent (`member` names it)
    kType,      // wrong JSON type
    kValue,     // not the const or not one of the enum
    kPattern,   // a string that does not match the pattern
    kRange,     // a number outside minimum/maximum
    kLength,    // a string or array too short or too long
  };
  Kind kind;
  // Where: "" for the whole value, else "gktps[2].b64" (members joined by
  // '.', array indices in brackets).
  std::string path;
  // kMissing: the absent member's name.
  std::string member;
  // What was wrong, e.g. "is a string, expected an integer".
  std::string problem;

  // "lacks 'accepted'", "'gktps[0]' lacks 'b64'", "'gktps[0].step' is 16, expected at most 15".
  std::string ToString() const;
  // ToString() as an Error (kParse).
  Error ToError() const;
};

// Deeper than this, validation stops with an error rather than recurse on.
inline constexpr int kMaxSchemaDepth = 64;

class JsonSchema {
 public:
  // Parses and checks a schema document (see the subset above).
  static Result<JsonSchema> Load(std::string_view text);

  bool HasDefinition(const std::string& name) const;
  // Validates `value` against $defs/`definition`. nullopt: valid.
  std::optional<SchemaViolation> Validate(const nlohmann::json& value, const std::string& definition) const;

 private:
  explicit JsonSchema(nlohmann::json root) : root_(std::move(root)) {}
  nlohmann::json root_;
};

// The shim protocol's schema, embedded at build time from
// docs/shim-schema/shim-protocol.schema.json (loaded once; a schema outside
// the subset is a build defect and aborts with the reason).
const JsonSchema& ShimProtocolSchema();
// The schema's text as shipped in docs/.
std::string_view ShimProtocolSchemaText();

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_JSON_SCHEMA_H_
