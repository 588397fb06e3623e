// The mcxtest SUT shim protocol, version 1 (docs/shim-protocol.md): one JSON
// object per line; each harness request carries "id" and "type", and the shim
// answers with one line carrying the same "id". Everything a shim sends is
// hostile input: answers are validated field by field with precise errors.
#ifndef MCXTEST_HARNESS_SHIM_CLIENT_H_
#define MCXTEST_HARNESS_SHIM_CLIENT_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/result.h"
#include "harness/sut/process.h"

namespace mcx::shim {

inline constexpr int kShimProtocolVersion = 1;

// Why a call to the shim produced no usable answer. Each maps to a verdict:
// kUnimplemented skips the test case, everything else fails it.
enum class CallFailure {
  kNone,
  kTimeout,        // no answer within the per-request timeout
  kExited,         // the shim exited or crashed (see exit info)
  kWriteFailed,    // it stopped reading its input
  kLineTooLong,    // an answer line over the limit
  kInvalidJson,    // a line that is not a JSON object
  kProtocol,       // JSON, but wrong id, missing field, wrong type
  kUnimplemented,  // {"error":"unimplemented"}
  kShimError,      // {"error":"<anything else>"}
};
const char* CallFailureName(CallFailure failure);

struct CallOutcome {
  CallFailure failure = CallFailure::kNone;
  std::string detail;            // human explanation, quoted excerpt of bad output
  nlohmann::json answer;         // the validated answer object when failure == kNone
  std::optional<sut::ExitInfo> exit;  // when the shim is gone
  bool ok() const { return failure == CallFailure::kNone; }
};

struct HelloAnswer {
  std::string name;
  std::string version;
  std::vector<std::string> roles;
};

class ShimClient {
 public:
  ShimClient(std::unique_ptr<sut::SutProcess> process, std::chrono::milliseconds timeout)
      : process_(std::move(process)), timeout_(timeout) {}

  // Sends `request` (an object; "id" is filled in) and waits for its answer.
  // Lines with another id are protocol errors; once the shim failed, every
  // further call fails fast with the same outcome.
  CallOutcome Call(nlohmann::json request);

  // Sends "shutdown" (best effort) and stops the process.
  sut::ExitInfo Shutdown();

  std::vector<std::string> StderrTail() const { return process_->StderrTail(); }
  sut::SutProcess& process() { return *process_; }

 private:
  CallOutcome Fail(CallFailure failure, std::string detail);

  std::unique_ptr<sut::SutProcess> process_;
  std::chrono::milliseconds timeout_;
  int next_id_ = 1;
  std::optional<CallOutcome> dead_;
};

// A Result error names the field and what was wrong. (The answers to the
// other requests are read by harness/shim/messages.h.)
Result<HelloAnswer> ParseHelloAnswer(const nlohmann::json& answer);

// Shortens arbitrary shim output for a report line (printable, bounded).
std::string Excerpt(const std::string& text, size_t max_chars = 120);

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_CLIENT_H_
