#include "crypto/json_fields.h"

#include <limits>
#include <span>
#include <utility>

namespace mcx {

using nlohmann::json;

Error JsonFieldError(std::string_view where, std::string_view path, std::string_view problem) {
  std::string message;
  if (!where.empty()) message.append(where).append(": ");
  if (!path.empty()) message.append("field '").append(path).append("': ");
  message.append(problem);
  return Error(ErrorCode::kParse, std::move(message));
}

JsonFields::JsonFields(const json& object, std::string path, std::string where)
    : object_(&object), path_(std::move(path)), where_(std::move(where)) {}

bool JsonFields::Has(const std::string& key) const { return object_->is_object() && object_->contains(key); }

std::string JsonFields::Name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

Error JsonFields::FieldError(const std::string& key, std::string_view problem) const {
  return JsonFieldError(where_, Name(key), problem);
}

Error JsonFields::TypeError(const std::string& key, const char* expected, const json& value) const {
  return FieldError(key, std::string("expected ") + expected + ", got " + value.type_name());
}

Result<const json*> JsonFields::Get(const std::string& key) const {
  if (!object_->is_object()) {
    return JsonFieldError(where_, path_,
                          std::string(path_.empty() ? "expected a JSON object" : "expected an object") + ", got " +
                              object_->type_name());
  }
  auto it = object_->find(key);
  if (it == object_->end()) return FieldError(key, "missing");
  return &*it;
}

Result<std::string> JsonFields::String(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_string()) return TypeError(key, "a string", *value);
  return value->get<std::string>();
}

Result<std::string> JsonFields::OptionalString(const std::string& key, std::string fallback) const {
  if (!Has(key) && object_->is_object()) return fallback;
  return String(key);
}

Result<std::optional<std::string>> JsonFields::MaybeString(const std::string& key) const {
  if (!Has(key) && object_->is_object()) return std::optional<std::string>();
  MCX_ASSIGN_OR_RETURN(std::string value, String(key));
  return std::optional<std::string>(std::move(value));
}

Result<bool> JsonFields::Bool(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_boolean()) return TypeError(key, "true or false", *value);
  return value->get<bool>();
}

Result<bool> JsonFields::OptionalBool(const std::string& key, bool fallback) const {
  if (!Has(key) && object_->is_object()) return fallback;
  return Bool(key);
}

Result<uint64_t> JsonFields::Unsigned(const std::string& key, uint64_t max) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_number_integer()) return TypeError(key, "a non-negative integer", *value);
  uint64_t v = 0;
  if (value->is_number_unsigned()) {
    v = value->get<uint64_t>();
  } else {
    const int64_t i = value->get<int64_t>();
    if (i < 0) return FieldError(key, "expected a non-negative integer, got " + std::to_string(i));
    v = static_cast<uint64_t>(i);
  }
  if (v > max) return FieldError(key, std::to_string(v) + " is out of range 0.." + std::to_string(max));
  return v;
}

Result<int64_t> JsonFields::Integer(const std::string& key, int64_t min, int64_t max) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_number_integer()) return TypeError(key, "an integer", *value);
  const std::string range = " is out of range " + std::to_string(min) + ".." + std::to_string(max);
  if (value->is_number_unsigned()) {
    const uint64_t v = value->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) || static_cast<int64_t>(v) > max) {
      return FieldError(key, std::to_string(v) + range);
    }
    return static_cast<int64_t>(v);
  }
  const int64_t v = value->get<int64_t>();
  if (v < min || v > max) return FieldError(key, std::to_string(v) + range);
  return v;
}

Result<double> JsonFields::Number(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_number()) return TypeError(key, "a number", *value);
  return value->get<double>();
}

// Decodes in place of `out`, sized hex.size() / 2 by the caller, so a secret
// is never held anywhere but its SecretBytes.
Status JsonFields::DecodeHex(const std::string& key, std::string_view hex, size_t size, bool secret,
                             std::span<uint8_t> out) const {
  if (Status s = FromHexInto(hex, out, /*echo_bad=*/!secret); !s.ok()) {
    return FieldError(key, "not hex: " + s.error().ToString());
  }
  if (size != kAnySize && out.size() != size) {
    return FieldError(key, "expected " + std::to_string(size) + " octets, got " + std::to_string(out.size()));
  }
  return Status::Ok();
}

Result<const std::string*> JsonFields::StringRef(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_string()) return TypeError(key, "a string", *value);
  return &value->get_ref<const std::string&>();
}

Result<Bytes> JsonFields::Hex(const std::string& key, size_t size) const {
  MCX_ASSIGN_OR_RETURN(const std::string* text, StringRef(key));
  Bytes out(text->size() / 2);
  MCX_RETURN_IF_ERROR(DecodeHex(key, *text, size, /*secret=*/false, out));
  return out;
}

Result<SecretBytes> JsonFields::SecretHex(const std::string& key, size_t size) const {
  MCX_ASSIGN_OR_RETURN(const std::string* text, StringRef(key));
  SecretBytes out(Bytes(text->size() / 2));
  MCX_RETURN_IF_ERROR(
      DecodeHex(key, *text, size, /*secret=*/true, std::span<uint8_t>(out.mutable_data(), out.size())));
  return out;
}

Result<uint32_t> JsonFields::HexU32(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(Bytes four, Hex(key, 4));
  return BigEndianU32(std::span<const uint8_t, 4>(four.data(), 4));
}

Result<Bytes> JsonFields::Base64(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const std::string* text, StringRef(key));
  Result<Bytes> bytes = FromBase64(*text);
  if (!bytes.ok()) return FieldError(key, "not base64: " + bytes.error().ToString());
  return bytes;
}

Result<const json*> JsonFields::Array(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_array()) return TypeError(key, "an array", *value);
  return value;
}

Result<std::vector<std::string>> JsonFields::StringArray(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* list, Array(key));
  std::vector<std::string> out;
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    if (!item.is_string()) {
      return TypeError(key + "[" + std::to_string(i) + "]", "a string", item);
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<JsonFields> JsonFields::Object(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* value, Get(key));
  if (!value->is_object()) return TypeError(key, "an object", *value);
  return JsonFields(*value, Name(key), where_);
}

Result<std::vector<JsonFields>> JsonFields::Objects(const std::string& key) const {
  MCX_ASSIGN_OR_RETURN(const json* list, Array(key));
  std::vector<JsonFields> out;
  out.reserve(list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string item = key + "[" + std::to_string(i) + "]";
    if (!(*list)[i].is_object()) return TypeError(item, "an object", (*list)[i]);
    out.emplace_back((*list)[i], Name(item), where_);
  }
  return out;
}

}  // namespace mcx
