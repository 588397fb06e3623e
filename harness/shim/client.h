// The harness's side of a conversation with a shim (docs/shim-protocol.md):
// one JSON object per line; each request carries "id" and "type", and the
// shim answers with one line carrying the same "id". Everything a shim sends
// is hostile input: lines are checked here, each answer against its
// definition in docs/shim-schema/shim-protocol.schema.json (json_schema.h),
// and what a schema cannot say (base64 that decodes, a known reason_code,
// GKTPs per recipient) by the readers of answers.h.
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
#include "harness/shim/json_schema.h"
#include "harness/shim/protocol.h"
#include "harness/sut/process.h"

namespace mcx::shim {

// Limits on one answer line beyond its length (sut::ProcessOptions): what a
// hostile shim could otherwise turn into gigabytes of DOM or a stack
// overflow. Crossing one is a protocol-error (docs/shim-protocol.md).
inline constexpr size_t kMaxAnswerDepth = 64;
inline constexpr size_t kMaxAnswerValues = size_t{1} << 20;

// Why a call to the shim produced no usable answer. Each maps to a verdict:
// kUnimplemented and kInterrupted skip the test case, everything else fails
// it.
enum class CallFailure {
  kNone,
  kTimeout,        // no answer within the per-request timeout
  kExited,         // the shim exited or crashed (see exit info)
  kWriteFailed,    // it stopped reading its input
  kLineTooLong,    // an answer line over the limit
  kInvalidJson,    // a line that is not a JSON object
  kProtocol,       // JSON, but wrong id, missing field, wrong type, a limit crossed
  kUnimplemented,  // {"error":"unimplemented"}
  kShimError,      // {"error":"<anything else>"}
  kClosedStdout,   // closed its stdout yet kept running
  kInterrupted,    // SIGINT/SIGTERM to the harness (sut/interrupt.h): no verdict
};
const char* CallFailureName(CallFailure failure);

struct CallOutcome {
  CallFailure failure = CallFailure::kNone;
  std::string detail;            // human explanation, quoted excerpt of bad output
  nlohmann::json answer;         // the validated answer object when failure == kNone
  std::optional<sut::ExitInfo> exit;  // when the shim is gone
  bool ok() const { return failure == CallFailure::kNone; }
};

// The answer to one request of protocol.h: none (the call failed), a
// malformed one, or a valid one.
template <typename Answer>
struct Reply {
  CallOutcome call;                // !call.ok(): there is no answer
  std::optional<Error> malformed;  // an answer that is not a valid Answer: the field and why
  std::optional<Answer> answer;    // the validated answer
};

class ShimClient {
 public:
  ShimClient(std::unique_ptr<sut::SutProcess> process, std::chrono::milliseconds timeout)
      : process_(std::move(process)), timeout_(timeout) {}

  // Sends `request` (an object; "id" is filled in) and waits for its answer.
  // Lines with another id are protocol errors; once the shim failed, every
  // further call fails fast with the same outcome.
  CallOutcome Call(nlohmann::json request);

  // Call() with a request of protocol.h, and its answer read strictly.
  template <typename C>
  Reply<typename C::Answer> Ask(const typename C::Request& request) {
    nlohmann::json j = C::RequestJson(request);
    j["type"] = C::kType;
    Reply<typename C::Answer> reply;
    reply.call = Call(std::move(j));
    if (!reply.call.ok()) return reply;
    if (auto violation = ValidateAnswer(C::kType, reply.call.answer)) {
      reply.malformed = Malformed(C::kType, violation->ToString());
      return reply;
    }
    Result<typename C::Answer> read = C::ReadAnswer(reply.call.answer);
    // Answers whose size depends on the request (GKTPs per recipient).
    if constexpr (requires(const typename C::Answer& a) { C::CheckAnswer(request, a); }) {
      if (read.ok()) {
        if (Status fits = C::CheckAnswer(request, *read); !fits.ok()) read = fits.error();
      }
    }
    if (read.ok()) {
      reply.answer = std::move(read).value();
    } else {
      reply.malformed = Malformed(C::kType, read.error().message());
    }
    return reply;
  }

  // The first way `answer` breaks the schema's "answer-<type>"; nullopt when valid.
  static std::optional<SchemaViolation> ValidateAnswer(const std::string& type, const nlohmann::json& answer);

  // How many answer lines the shim has written so far (blank lines not
  // counted): "line N" in messages about the last one.
  int lines_read() const { return lines_read_; }

  // Sends "shutdown" (best effort) and stops the process.
  sut::ExitInfo Shutdown();

  std::vector<std::string> StderrTail() const { return process_->StderrTail(); }
  sut::SutProcess& process() { return *process_; }

 private:
  CallOutcome Fail(CallFailure failure, std::string detail);
  CallOutcome Interrupted(const std::string& type);
  // "answer to 'TYPE' PROBLEM (line N)", code kParse.
  Error Malformed(const std::string& type, const std::string& problem) const;

  std::unique_ptr<sut::SutProcess> process_;
  std::chrono::milliseconds timeout_;
  int next_id_ = 1;
  int lines_read_ = 0;
  std::optional<CallOutcome> dead_;
};

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_CLIENT_H_
