#include "crypto/bounded_json.h"

#include <cstring>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcx {
namespace {

// The refusals IsJsonLimitError recognizes.
constexpr char kNotJson[] = "not valid JSON: ";
constexpr char kDeeperThan[] = "nested deeper than ";
constexpr char kMoreThan[] = "more than ";
constexpr char kLargerThan[] = "larger than the limit of ";

using Json = nlohmann::json;

// A pointer into the text that publishes how far nlohmann's lexer has read,
// so the SAX handler can name the offset of what it refuses (nlohmann gives
// positions to parse_error only).
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* at, const char** read_up_to) : at_(at), read_up_to_(read_up_to) {}
  reference operator*() const { return *at_; }
  TrackingIterator& operator++() {
    *read_up_to_ = ++at_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackingIterator& other) const { return at_ == other.at_; }
  bool operator!=(const TrackingIterator& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** read_up_to_;
};

// Builds the DOM like nlohmann's own json_sax_dom_parser, with the limits
// checked at each event. Containers are filled in place through a stack of
// pointers: no recursion, whatever the input.
class BoundedDomBuilder {
 public:
  BoundedDomBuilder(std::string_view text, const JsonLimits& limits, const char** read_up_to)
      : text_(text), limits_(limits), read_up_to_(read_up_to) {}

  bool null() { return AddScalar(Json(nullptr)); }
  bool boolean(bool v) { return AddScalar(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return AddScalar(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return AddScalar(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t&) { return AddScalar(Json(v)); }
  bool string(Json::string_t& v) { return AddScalar(Json(std::move(v))); }
  bool binary(Json::binary_t&) { return Refuse("binary values are not JSON", Offset()); }

  bool start_object(std::size_t) { return Open(Json::object()); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(Json::string_t& k) {
    Json& object = *stack_.back();
    if (object.contains(k)) {
      return Refuse("duplicate key \"" + Printable(k) + "\"", KeyStart());
    }
    pending_member_ = &object[std::move(k)];
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::string what = e.what();
    const size_t colon = what.find(": ");
    if (colon != std::string::npos) what.erase(0, colon + 2);
    // nlohmann counts the octet it stopped on; offsets here are 0-based.
    return Refuse(what, position == 0 ? 0 : position - 1);
  }

  Json TakeRoot() { return std::move(root_); }
  const std::optional<Error>& error() const { return error_; }

 private:
  size_t Offset() const { return static_cast<size_t>(*read_up_to_ - text_.data()); }

  // The lexer has just read the closing quote of a key: walk back to the
  // quote that opened it (one not escaped by an odd run of backslashes).
  size_t KeyStart() const {
    size_t end = Offset();
    if (end < 2) return 0;
    for (size_t i = end - 1; i-- > 0;) {
      if (text_[i] != '"') continue;
      size_t backslashes = 0;
      while (backslashes < i && text_[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return 0;
  }

  static std::string Printable(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (out.size() >= 40) return out + "...";
      out.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '?');
    }
    return out;
  }

  bool Refuse(std::string what, size_t offset) {
    if (!error_) error_ = Error(ErrorCode::kParse, "not valid JSON: " + what, offset);
    return false;
  }

  bool CountValue() {
    if (++values_ > limits_.max_values) {
      return Refuse(kMoreThan + std::to_string(limits_.max_values) + " values", Offset() == 0 ? 0 : Offset() - 1);
    }
    return true;
  }

  // Places `value` where the document expects the next value.
  Json* Place(Json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    *pending_member_ = std::move(value);
    return pending_member_;
  }

  bool AddScalar(Json&& value) {
    if (!CountValue()) return false;
    Place(std::move(value));
    return true;
  }

  bool Open(Json&& container) {
    if (!CountValue()) return false;
    if (stack_.size() + 1 > limits_.max_depth) {
      // The lexer has read exactly the bracket that went too deep.
      return Refuse(kDeeperThan + std::to_string(limits_.max_depth) + " levels", Offset() - 1);
    }
    stack_.push_back(Place(std::move(container)));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  std::string_view text_;
  const JsonLimits& limits_;
  const char** read_up_to_;
  Json root_;
  std::vector<Json*> stack_;
  Json* pending_member_ = nullptr;
  size_t values_ = 0;
  std::optional<Error> error_;
};

}  // namespace

bool IsJsonLimitError(const Error& error) {
  const std::string& m = error.message();
  for (const char* limit : {kDeeperThan, kMoreThan, kLargerThan}) {
    if (m.rfind(std::string(kNotJson) + limit, 0) == 0) return true;
  }
  return false;
}

Result<Json> ParseBoundedJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_size) {
    return Error(ErrorCode::kParse,
                 std::string(kNotJson) + kLargerThan + std::to_string(limits.max_size) + " octets",
                 limits.max_size);
  }
  // nlohmann's lexer takes a NUL octet for the end of input and would
  // silently ignore whatever follows it.
  const void* nul = text.empty() ? nullptr : std::memchr(text.data(), '\0', text.size());
  if (nul != nullptr) {
    return Error(ErrorCode::kParse, "not valid JSON: NUL octet",
                 static_cast<size_t>(static_cast<const char*>(nul) - text.data()));
  }
  const char* read_up_to = text.data();
  BoundedDomBuilder builder(text, limits, &read_up_to);
  TrackingIterator first(text.data(), &read_up_to);
  TrackingIterator last(text.data() + text.size(), &read_up_to);
  const bool ok = Json::sax_parse(first, last, &builder, nlohmann::json::input_format_t::json, /*strict=*/true);
  if (!ok || builder.error()) {
    if (builder.error()) return *builder.error();
    return Error(ErrorCode::kParse, "not valid JSON", static_cast<size_t>(read_up_to - text.data()));
  }
  return builder.TakeRoot();
}

}  // namespace mcx
