#include "harness/shim/json_schema.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "crypto/bounded_json.h"
#include "harness/shim/excerpt.h"

namespace mcx::shim {
namespace {

using nlohmann::json;
using Kind = SchemaViolation::Kind;

constexpr char kRefPrefix[] = "#/$defs/";

// ^[CLASS]{m,n}$ and its shorter forms: the only patterns in the subset.
// Matching is a linear scan, so a 64 MiB string costs no more than reading it
// (a backtracking regex engine could overflow the stack on one).
struct CharClassPattern {
  std::array<bool, 256> allowed{};
  size_t min = 0;
  size_t max = std::numeric_limits<size_t>::max();

  bool Matches(const std::string& s) const {
    if (s.size() < min || s.size() > max) return false;
    for (unsigned char c : s) {
      if (!allowed[c]) return false;
    }
    return true;
  }
};

Result<size_t> ParseCount(std::string_view digits, std::string_view pattern) {
  if (digits.empty() || digits.size() > 9) return InvalidArgument("pattern '" + std::string(pattern) + "': bad count");
  size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return InvalidArgument("pattern '" + std::string(pattern) + "': bad count");
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

Result<CharClassPattern> ParsePattern(std::string_view p) {
  auto unsupported = [&] {
    return InvalidArgument("pattern '" + std::string(p) +
                           "' is outside the subset (^[CLASS]{n}$, ^[CLASS]{m,n}$, ^[CLASS]*$, ^[CLASS]+$)");
  };
  if (p.size() < 5 || p.substr(0, 2) != "^[" || p.back() != '$') return unsupported();
  size_t close = p.find(']', 2);
  if (close == std::string_view::npos || close == 2) return unsupported();
  std::string_view cls = p.substr(2, close - 2);
  CharClassPattern out;
  for (size_t i = 0; i < cls.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(cls[i]);
    if (c == '\\' || c == '[' || (i == 0 && c == '^') || c >= 0x80) return unsupported();
    if (i + 2 < cls.size() && cls[i + 1] == '-') {
      unsigned char last = static_cast<unsigned char>(cls[i + 2]);
      if (last < c || last == '\\' || last >= 0x80) return unsupported();
      for (unsigned v = c; v <= last; ++v) out.allowed[v] = true;
      i += 2;
    } else {
      out.allowed[c] = true;
    }
  }
  std::string_view quant = p.substr(close + 1, p.size() - close - 2);
  if (quant == "*") {
    out.min = 0;
  } else if (quant == "+") {
    out.min = 1;
  } else if (quant.size() >= 3 && quant.front() == '{' && quant.back() == '}') {
    std::string_view inner = quant.substr(1, quant.size() - 2);
    size_t comma = inner.find(',');
    MCX_ASSIGN_OR_RETURN(out.min, ParseCount(inner.substr(0, comma), p));
    if (comma == std::string_view::npos) {
      out.max = out.min;
    } else {
      MCX_ASSIGN_OR_RETURN(out.max, ParseCount(inner.substr(comma + 1), p));
      if (out.max < out.min) return unsupported();
    }
  } else {
    return unsupported();
  }
  return out;
}

const std::set<std::string>& Keywords() {
  static const std::set<std::string> k = {
      "$ref",      "type",      "enum",      "const",     "properties", "required", "items",
      "minItems",  "maxItems",  "minLength", "maxLength", "minimum",    "maximum",  "pattern",
      "if",        "then",      "else",      "$schema",   "$id",        "title",    "description",
      "$comment",  "default",   "examples",
  };
  return k;
}

const std::set<std::string>& TypeNames() {
  static const std::set<std::string> t = {"object", "array", "string", "integer", "number", "boolean", "null"};
  return t;
}

Status SchemaError(const std::string& where, const std::string& problem) {
  return Error(ErrorCode::kInvalidArgument, "JSON Schema " + where + ": " + problem);
}

bool IsCount(const json& v) { return v.is_number_integer() && v.get<int64_t>() >= 0; }

// Checks that `schema` (at JSON pointer `where`) stays inside the subset.
Status CheckSubset(const json& root, const json& schema, const std::string& where, int depth) {
  if (depth > kMaxSchemaDepth) return SchemaError(where, "nested deeper than " + std::to_string(kMaxSchemaDepth));
  if (!schema.is_object()) return SchemaError(where, "a schema must be an object");
  for (const auto& [key, v] : schema.items()) {
    const std::string at = where + "/" + key;
    if (key == "$defs") {
      if (depth != 0) return SchemaError(at, "$defs only at the root");
      if (!v.is_object()) return SchemaError(at, "must be an object");
      for (const auto& [name, def] : v.items()) {
        MCX_RETURN_IF_ERROR(CheckSubset(root, def, at + "/" + name, depth + 1));
      }
      continue;
    }
    if (!Keywords().contains(key)) return SchemaError(at, "keyword outside the supported subset");
    if (key == "$ref") {
      if (!v.is_string() || !v.get<std::string>().starts_with(kRefPrefix)) {
        return SchemaError(at, "only \"#/$defs/NAME\" references");
      }
      std::string name = v.get<std::string>().substr(sizeof(kRefPrefix) - 1);
      if (!root.contains("$defs") || !root["$defs"].contains(name)) return SchemaError(at, "unresolved " + v.dump());
    } else if (key == "type") {
      json names = v.is_array() ? v : json::array({v});
      if (names.empty()) return SchemaError(at, "empty");
      for (const auto& n : names) {
        if (!n.is_string() || !TypeNames().contains(n.get<std::string>())) return SchemaError(at, "unknown type");
      }
    } else if (key == "enum") {
      if (!v.is_array() || v.empty()) return SchemaError(at, "must be a non-empty array");
    } else if (key == "properties") {
      if (!v.is_object()) return SchemaError(at, "must be an object");
      for (const auto& [name, sub] : v.items()) MCX_RETURN_IF_ERROR(CheckSubset(root, sub, at + "/" + name, depth + 1));
    } else if (key == "required") {
      if (!v.is_array()) return SchemaError(at, "must be an array");
      for (const auto& n : v) {
        if (!n.is_string()) return SchemaError(at, "must list strings");
      }
    } else if (key == "items" || key == "if" || key == "then" || key == "else") {
      MCX_RETURN_IF_ERROR(CheckSubset(root, v, at, depth + 1));
    } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength") {
      if (!IsCount(v)) return SchemaError(at, "must be a non-negative integer");
    } else if (key == "minimum" || key == "maximum") {
      if (!v.is_number()) return SchemaError(at, "must be a number");
    } else if (key == "pattern") {
      if (!v.is_string()) return SchemaError(at, "must be a string");
      auto p = ParsePattern(v.get<std::string>());
      if (!p.ok()) return SchemaError(at, p.error().message());
    }
  }
  return Status::Ok();
}

std::string Describe(const json& v) {
  switch (v.type()) {
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::null: return "null";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "an integer";
    case json::value_t::number_float: return "a number with a fraction";
    default: return "an unknown value";
  }
}

std::string TypeWord(const std::string& t) {
  if (t == "object" || t == "array" || t == "integer") return "an " + t;
  if (t == "boolean") return "true or false";
  if (t == "null") return "null";
  return "a " + t;
}

bool HasType(const json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  return v.is_null();
}

std::string Shown(const json& v) { return Excerpt(v.dump(-1, ' ', false, json::error_handler_t::replace), 60); }

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string Join(const std::string& path, const std::string& member) {
  return path.empty() ? member : path + "." + member;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  std::optional<SchemaViolation> Check(const json& schema, const json& v, const std::string& path, int depth) const {
    if (depth > kMaxSchemaDepth) {
      return SchemaViolation{Kind::kLength, path, "", "is nested deeper than " + std::to_string(kMaxSchemaDepth)};
    }
    auto bad = [&](Kind kind, std::string problem) {
      return std::optional<SchemaViolation>(SchemaViolation{kind, path, "", std::move(problem)});
    };
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
      const json& target = root_["$defs"][ref->get<std::string>().substr(sizeof(kRefPrefix) - 1)];
      if (auto r = Check(target, v, path, depth + 1)) return r;
    }
    if (auto type = schema.find("type"); type != schema.end()) {
      json names = type->is_array() ? *type : json::array({*type});
      bool ok = false;
      std::string expected;
      for (const auto& n : names) {
        ok = ok || HasType(v, n.get<std::string>());
        expected += (expected.empty() ? "" : " or ") + TypeWord(n.get<std::string>());
      }
      if (!ok) return bad(Kind::kType, "is " + Describe(v) + ", expected " + expected);
    }
    if (auto c = schema.find("const"); c != schema.end() && v != *c) {
      return bad(Kind::kValue, "is " + Shown(v) + ", expected " + c->dump());
    }
    if (auto e = schema.find("enum"); e != schema.end()) {
      bool found = false;
      std::string list;
      for (const auto& option : *e) {
        found = found || v == option;
        list += (list.empty() ? "" : ", ") + option.dump();
      }
      if (!found) return bad(Kind::kValue, "is " + Shown(v) + ", expected one of " + list);
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      if (auto p = schema.find("pattern"); p != schema.end() && !ParsePattern(p->get<std::string>())->Matches(s)) {
        return bad(Kind::kPattern, "is " + Shown(v) + ", expected " + p->get<std::string>());
      }
      size_t n = CodePoints(s);
      if (auto m = schema.find("minLength"); m != schema.end() && n < m->get<size_t>()) {
        return bad(Kind::kLength, "is " + std::to_string(n) + " characters, expected at least " + m->dump());
      }
      if (auto m = schema.find("maxLength"); m != schema.end() && n > m->get<size_t>()) {
        return bad(Kind::kLength, "is " + std::to_string(n) + " characters, expected at most " + m->dump());
      }
    }
    if (v.is_number()) {
      if (auto m = schema.find("minimum"); m != schema.end() && Less(v, *m)) {
        return bad(Kind::kRange, "is " + v.dump() + ", expected at least " + m->dump());
      }
      if (auto m = schema.find("maximum"); m != schema.end() && Less(*m, v)) {
        return bad(Kind::kRange, "is " + v.dump() + ", expected at most " + m->dump());
      }
    }
    if (v.is_array()) {
      if (auto m = schema.find("minItems"); m != schema.end() && v.size() < m->get<size_t>()) {
        return bad(Kind::kLength, "has " + std::to_string(v.size()) + " items, expected at least " + m->dump());
      }
      if (auto m = schema.find("maxItems"); m != schema.end() && v.size() > m->get<size_t>()) {
        return bad(Kind::kLength, "has " + std::to_string(v.size()) + " items, expected at most " + m->dump());
      }
      if (auto items = schema.find("items"); items != schema.end()) {
        for (size_t i = 0; i < v.size(); ++i) {
          if (auto r = Check(*items, v[i], path + "[" + std::to_string(i) + "]", depth + 1)) return r;
        }
      }
    }
    if (v.is_object()) {
      // A field that is there but wrong says more than one that is missing.
      if (auto props = schema.find("properties"); props != schema.end()) {
        for (const auto& [name, sub] : props->items()) {
          auto member = v.find(name);
          if (member == v.end()) continue;
          if (auto r = Check(sub, *member, Join(path, name), depth + 1)) return r;
        }
      }
      if (auto req = schema.find("required"); req != schema.end()) {
        for (const auto& name : *req) {
          if (!v.contains(name.get<std::string>())) {
            return SchemaViolation{Kind::kMissing, path, name.get<std::string>(), "missing"};
          }
        }
      }
    }
    if (auto cond = schema.find("if"); cond != schema.end()) {
      bool holds = !Check(*cond, v, path, depth + 1).has_value();
      auto branch = schema.find(holds ? "then" : "else");
      if (branch != schema.end()) {
        if (auto r = Check(*branch, v, path, depth + 1)) return r;
      }
    }
    return std::nullopt;
  }

 private:
  // a < b for JSON numbers of any representation, without overflow.
  static bool Less(const json& a, const json& b) {
    if (a.is_number_float() || b.is_number_float()) return a.get<double>() < b.get<double>();
    bool a_neg = a.is_number_integer() && !a.is_number_unsigned() && a.get<int64_t>() < 0;
    bool b_neg = b.is_number_integer() && !b.is_number_unsigned() && b.get<int64_t>() < 0;
    if (a_neg != b_neg) return a_neg;
    if (a_neg) return a.get<int64_t>() < b.get<int64_t>();
    return a.get<uint64_t>() < b.get<uint64_t>();
  }

  const json& root_;
};

}  // namespace

std::string SchemaViolation::ToString() const {
  if (kind == Kind::kMissing) return path.empty() ? "lacks '" + member + "'" : "'" + path + "' lacks '" + member + "'";
  return path.empty() ? problem : "'" + path + "' " + problem;
}

Error SchemaViolation::ToError() const { return Error(ErrorCode::kParse, ToString()); }

Result<JsonSchema> JsonSchema::Load(std::string_view text) {
  MCX_ASSIGN_OR_RETURN(json root, ParseBoundedJson(text, JsonLimits{}));
  if (!root.is_object() || !root.contains("$defs")) {
    return Error(ErrorCode::kInvalidArgument, "JSON Schema: expected an object with $defs");
  }
  MCX_RETURN_IF_ERROR(CheckSubset(root, root, "#", 0));
  return JsonSchema(std::move(root));
}

bool JsonSchema::HasDefinition(const std::string& name) const { return root_["$defs"].contains(name); }

std::optional<SchemaViolation> JsonSchema::Validate(const json& value, const std::string& definition) const {
  if (!HasDefinition(definition)) {
    return SchemaViolation{Kind::kValue, "", "", "has no schema (no $defs/" + definition + ")"};
  }
  return Validator(root_).Check(root_["$defs"][definition], value, "", 0);
}

// Generated from docs/shim-schema/shim-protocol.schema.json (BUILD genrule).
extern const char kShimProtocolSchemaJson[];

std::string_view ShimProtocolSchemaText() { return kShimProtocolSchemaJson; }

const JsonSchema& ShimProtocolSchema() {
  static const JsonSchema* schema = [] {
    auto loaded = JsonSchema::Load(ShimProtocolSchemaText());
    if (!loaded.ok()) {
      std::fprintf(stderr, "mcxtest: docs/shim-schema/shim-protocol.schema.json: %s\n",
                   loaded.error().ToString().c_str());
      std::abort();
    }
    return new JsonSchema(std::move(loaded).value());
  }();
  return *schema;
}

}  // namespace mcx::shim
