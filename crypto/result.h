// Error values for every API in mcxtest: nothing throws across a module
// boundary. An Error says what was wrong and, for parsers, at which offset.
#ifndef MCXTEST_CRYPTO_RESULT_H_
#define MCXTEST_CRYPTO_RESULT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace mcx {

enum class ErrorCode {
  kInvalidArgument,  // caller passed something malformed (bad hex, wrong length)
  kParse,            // hostile or malformed input data
  kCrypto,           // a cryptographic check failed (bad signature, invalid key)
  kNotFound,
  kIo,
  kUnimplemented,
  kInternal,
};

const char* ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
  Error(ErrorCode code, std::string message, size_t offset)
      : code_(code), message_(std::move(message)), offset_(offset) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::optional<size_t> offset() const { return offset_; }

  // "message" or "message (at offset N)".
  std::string ToString() const;

  // Prefixes context ("SAKKE payload: ") while keeping code and offset.
  Error WithContext(const std::string& context) const;

 private:
  ErrorCode code_;
  std::string message_;
  std::optional<size_t> offset_;
};

inline Error InvalidArgument(std::string m) { return Error(ErrorCode::kInvalidArgument, std::move(m)); }
inline Error CryptoError(std::string m) { return Error(ErrorCode::kCrypto, std::move(m)); }
inline Error ParseError(std::string m, size_t offset) {
  return Error(ErrorCode::kParse, std::move(m), offset);
}

// Reports a misuse of Result/Status (value() of an error, error() of a
// success) on stderr and aborts: a programming bug, never reached from input
// data, and never an exception crossing an API.
[[noreturn]] void DieOnBadResultAccess(const char* what);

// Either a T or an Error. Accessing value() of an error, or error() of a
// value, aborts with a message (DieOnBadResultAccess).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return *Get<T>(&v_, "value() of an error Result"); }
  const T& value() const& { return *Get<const T>(&v_, "value() of an error Result"); }
  T&& value() && { return std::move(*Get<T>(&v_, "value() of an error Result")); }
  const Error& error() const { return *Get<const Error>(&v_, "error() of a successful Result"); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  template <typename U, typename V>
  static U* Get(V* v, const char* what) {
    auto* p = std::get_if<std::remove_const_t<U>>(v);
    if (p == nullptr) DieOnBadResultAccess(what);
    return p;
  }

  std::variant<T, Error> v_;
};

// Success or an Error, for operations that produce nothing.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    if (!error_) DieOnBadResultAccess("error() of an OK Status");
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

}  // namespace mcx

// Propagate an error from an expression returning Result<T> or Status.
#define MCX_CONCAT_INNER_(a, b) a##b
#define MCX_CONCAT_(a, b) MCX_CONCAT_INNER_(a, b)
#define MCX_RETURN_IF_ERROR(expr)              \
  do {                                         \
    auto mcx_status_ = (expr);                 \
    if (!mcx_status_.ok()) return mcx_status_.error(); \
  } while (0)
#define MCX_ASSIGN_OR_RETURN(lhs, expr) MCX_ASSIGN_OR_RETURN_IMPL_(MCX_CONCAT_(mcx_result_, __LINE__), lhs, expr)
#define MCX_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.error();               \
  lhs = std::move(tmp).value()

#endif  // MCXTEST_CRYPTO_RESULT_H_
