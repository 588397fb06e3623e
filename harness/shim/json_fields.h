// Reading the fields of untrusted JSON objects (requests read by a shim,
// answers read by the harness): a missing or mistyped field is an error
// naming the field by its path ("srtp.cs_id", "gktps[2].b64"), never an
// exception.
#ifndef MCXTEST_HARNESS_SHIM_JSON_FIELDS_H_
#define MCXTEST_HARNESS_SHIM_JSON_FIELDS_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/result.h"

namespace mcx::shim {

// "field 'NAME': PROBLEM", code kParse.
Error FieldError(const std::string& field, const std::string& problem);

class Fields {
 public:
  // `prefix` names `obj` in error messages; empty for a whole message.
  Fields(const nlohmann::json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  bool Has(const std::string& key) const { return obj_.is_object() && obj_.contains(key); }
  std::string Name(const std::string& key) const { return prefix_.empty() ? key : prefix_ + "." + key; }

  Result<std::string> String(const std::string& key) const;
  Result<std::string> OptionalString(const std::string& key, const std::string& fallback) const;
  Result<uint64_t> Unsigned(const std::string& key) const;
  Result<bool> Bool(const std::string& key, bool fallback) const;
  // `expected_size` 0 accepts any length.
  Result<Bytes> Hex(const std::string& key, size_t expected_size) const;
  // A non-empty base64 MIKEY message.
  Result<Bytes> Base64(const std::string& key) const;
  Result<const nlohmann::json*> Array(const std::string& key) const;
  Result<const nlohmann::json*> Object(const std::string& key) const;

 private:
  const nlohmann::json& obj_;
  std::string prefix_;
};

// A 32-bit key ID from its 4 octets (HexU32 in crypto/bytes.h writes it).
uint32_t U32(const Bytes& four_octets);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_JSON_FIELDS_H_
