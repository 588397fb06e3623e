// The one reader of typed fields in untrusted JSON objects (key store
// exports and secrets files, report.json, shim requests and answers), after
// ParseBoundedJson (crypto/bounded_json.h) has parsed the text.
//
// Every problem is an Error (code kParse), never an nlohmann exception, and
// reads the same everywhere:
//
//   [WHERE: ]field 'PATH': PROBLEM
//
// WHERE names the document when the caller knows it ("store.json",
// "report.json"); PATH is the field's full path inside it ("gktps[2].b64",
// "domains[0].certificate.pub_enc_key"); PROBLEM is "missing", "expected a
// string, got number", "expected 16 octets, got 4", "300 is out of range
// 0..255", "not hex: ..." or the caller's own words (FieldError).
//
// Secrets: SecretHex decodes the DOM's string in place into a SecretBytes
// (no intermediate copy; a failed decode leaves nothing unwiped and does not
// echo the offending character), and WipeJsonStrings wipes every string of
// a DOM that held secrets before it is freed.
#ifndef MCXTEST_CRYPTO_JSON_FIELDS_H_
#define MCXTEST_CRYPTO_JSON_FIELDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "crypto/secret.h"

namespace mcx {

// "[WHERE: ]field 'PATH': PROBLEM", code kParse. An empty PATH names the
// document itself: "[WHERE: ]PROBLEM".
Error JsonFieldError(std::string_view where, std::string_view path, std::string_view problem);

// The typed fields of one JSON object. Cheap to copy; refers to `object`,
// which must outlive it. A value that is not an object is an error on every
// read ("expected an object, got array", naming this object's path).
class JsonFields {
 public:
  // `path` names `object` inside its document (empty for the document
  // itself); `where` names the document (empty when the caller's context
  // already does, e.g. "answer to 'deliver-gktp': ").
  explicit JsonFields(const nlohmann::json& object, std::string path = "", std::string where = "");

  const nlohmann::json& object() const { return *object_; }
  const std::string& path() const { return path_; }
  const std::string& where() const { return where_; }

  // Present in an object (false for any key when this is not an object).
  bool Has(const std::string& key) const;
  // The full path of a field: "srtp" + "cs_id" -> "srtp.cs_id". `key` may
  // carry an index ("roles[2]").
  std::string Name(const std::string& key) const;
  // An error about field `key` in the format above, for the caller's own
  // checks (an unknown enum value, a cross-field rule).
  Error FieldError(const std::string& key, std::string_view problem) const;

  Result<std::string> String(const std::string& key) const;
  Result<std::string> OptionalString(const std::string& key, std::string fallback) const;
  Result<std::optional<std::string>> MaybeString(const std::string& key) const;
  Result<bool> Bool(const std::string& key) const;
  Result<bool> OptionalBool(const std::string& key, bool fallback) const;
  // A JSON integer in 0..max (a float such as 3.0 is not an integer).
  Result<uint64_t> Unsigned(const std::string& key, uint64_t max = UINT64_MAX) const;
  // A JSON integer in min..max.
  Result<int64_t> Integer(const std::string& key, int64_t min, int64_t max) const;
  // Any JSON number.
  Result<double> Number(const std::string& key) const;

  static constexpr size_t kAnySize = 0;
  // Hex of exactly `size` octets (kAnySize: any length, even empty).
  Result<Bytes> Hex(const std::string& key, size_t size = kAnySize) const;
  Result<SecretBytes> SecretHex(const std::string& key, size_t size = kAnySize) const;
  // Four octets of hex as a big-endian 32-bit value: what mcx::HexU32 writes.
  Result<uint32_t> HexU32(const std::string& key) const;
  // Standard base64 (possibly empty).
  Result<Bytes> Base64(const std::string& key) const;

  Result<const nlohmann::json*> Array(const std::string& key) const;
  Result<std::vector<std::string>> StringArray(const std::string& key) const;
  Result<JsonFields> Object(const std::string& key) const;
  // An array of objects, each named "PATH.key[i]".
  Result<std::vector<JsonFields>> Objects(const std::string& key) const;
  // An array of objects, each read with `read`: a document's list of records.
  template <typename T>
  Result<std::vector<T>> ReadEach(const std::string& key, Result<T> (*read)(const JsonFields&)) const {
    MCX_ASSIGN_OR_RETURN(std::vector<JsonFields> items, Objects(key));
    std::vector<T> out;
    out.reserve(items.size());
    for (const JsonFields& item : items) {
      MCX_ASSIGN_OR_RETURN(T value, read(item));
      out.push_back(std::move(value));
    }
    return out;
  }

 private:
  // The field's value, or missing / this-is-not-an-object errors.
  Result<const nlohmann::json*> Get(const std::string& key) const;
  Error TypeError(const std::string& key, const char* expected, const nlohmann::json& value) const;
  Result<const std::string*> StringRef(const std::string& key) const;
  Status DecodeHex(const std::string& key, std::string_view hex, size_t size, bool secret,
                   std::span<uint8_t> out) const;

  const nlohmann::json* object_;
  std::string path_;
  std::string where_;
};

// Overwrites every string in `j` (recursively) with zeros: for a DOM that
// held key material, before it is freed.
template <typename BasicJson>
void WipeJsonStrings(BasicJson& j) {
  if (j.is_string()) {
    auto& s = j.template get_ref<typename BasicJson::string_t&>();
    SecureZero(s.data(), s.size());
  } else if (j.is_structured()) {
    for (auto& child : j) WipeJsonStrings(child);
  }
}

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_JSON_FIELDS_H_
