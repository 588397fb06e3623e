#include "crypto/result.h"

#include <cstdio>
#include <cstdlib>

namespace mcx {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kParse: return "parse";
    case ErrorCode::kCrypto: return "crypto";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUnimplemented: return "unimplemented";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

void DieOnBadResultAccess(const char* what) {
  std::fprintf(stderr, "mcxtest: internal error: %s\n", what);
  std::abort();
}

std::string Error::ToString() const {
  if (!offset_) return message_;
  return message_ + " (at offset " + std::to_string(*offset_) + ")";
}

Error Error::WithContext(const std::string& context) const {
  Error e = *this;
  e.message_ = context + ": " + message_;
  return e;
}

}  // namespace mcx
