#include "harness/shim/json_fields.h"

#include <cstdio>

#include "mikey/byte_reader.h"

namespace mcx::shim {

using nlohmann::json;

Error FieldError(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kParse, "field '" + field + "': " + problem);
}

Result<std::string> Fields::String(const std::string& key) const {
  if (!Has(key)) return FieldError(Name(key), "missing");
  const json& v = obj_.at(key);
  if (!v.is_string()) return FieldError(Name(key), std::string("expected a string, got ") + v.type_name());
  return v.get<std::string>();
}

Result<std::string> Fields::OptionalString(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) return fallback;
  return String(key);
}

Result<uint64_t> Fields::Unsigned(const std::string& key) const {
  if (!Has(key)) return FieldError(Name(key), "missing");
  const json& v = obj_.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) {
    return FieldError(Name(key), "expected a non-negative integer");
  }
  return v.get<uint64_t>();
}

Result<bool> Fields::Bool(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  const json& v = obj_.at(key);
  if (!v.is_boolean()) return FieldError(Name(key), "expected true or false");
  return v.get<bool>();
}

Result<Bytes> Fields::Hex(const std::string& key, size_t expected_size) const {
  MCX_ASSIGN_OR_RETURN(std::string text, String(key));
  auto bytes = FromHex(text);
  if (!bytes.ok()) return FieldError(Name(key), bytes.error().ToString());
  if (expected_size != 0 && bytes->size() != expected_size) {
    return FieldError(Name(key),
                      "expected " + std::to_string(expected_size) + " octets, got " + std::to_string(bytes->size()));
  }
  return *bytes;
}

Result<Bytes> Fields::Base64(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(std::string text, String(key));
  auto bytes = FromBase64(text);
  if (!bytes.ok()) return FieldError(Name(key), "not base64: " + bytes.error().ToString());
  if (bytes->empty()) return FieldError(Name(key), "empty message");
  return *bytes;
}

Result<const json*> Fields::Array(const std::string& key) const {
  if (!Has(key)) return FieldError(Name(key), "missing");
  const json& v = obj_.at(key);
  if (!v.is_array()) return FieldError(Name(key), "expected an array");
  return &v;
}

Result<const json*> Fields::Object(const std::string& key) const {
  if (!Has(key)) return FieldError(Name(key), "missing");
  const json& v = obj_.at(key);
  if (!v.is_object()) return FieldError(Name(key), "expected an object");
  return &v;
}

uint32_t U32(const Bytes& four_octets) {
  uint32_t value = 0;
  // Callers pass Hex(..., 4); a shorter input reads as 0, never past the end.
  mikey::ByteReader reader(four_octets);
  return reader.GetU32(&value) ? value : 0;
}

}  // namespace mcx::shim
