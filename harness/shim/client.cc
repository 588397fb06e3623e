#include "harness/shim/client.h"

#include <cstdint>
#include <thread>

#include "crypto/bounded_json.h"
#include "harness/shim/excerpt.h"
#include "harness/sut/interrupt.h"

namespace mcx::shim {

using nlohmann::json;

const char* CallFailureName(CallFailure failure) {
  switch (failure) {
    case CallFailure::kNone: return "ok";
    case CallFailure::kTimeout: return "timeout";
    case CallFailure::kExited: return "sut-exited";
    case CallFailure::kWriteFailed: return "sut-not-reading";
    case CallFailure::kLineTooLong: return "line-too-long";
    case CallFailure::kInvalidJson: return "invalid-json";
    case CallFailure::kProtocol: return "protocol-error";
    case CallFailure::kUnimplemented: return "unimplemented";
    case CallFailure::kShimError: return "sut-error";
    case CallFailure::kClosedStdout: return "sut-closed-stdout";
    case CallFailure::kInterrupted: return "interrupted";
  }
  return "?";
}

CallOutcome ShimClient::Fail(CallFailure failure, std::string detail) {
  CallOutcome outcome;
  outcome.failure = failure;
  outcome.detail = std::move(detail);
  outcome.exit = process_->PollExit();
  // Unimplemented and explicit errors leave the shim usable; anything else
  // means the conversation is out of step or over.
  if (failure != CallFailure::kUnimplemented && failure != CallFailure::kShimError) dead_ = outcome;
  return outcome;
}

CallOutcome ShimClient::Interrupted(const std::string& type) {
  return Fail(CallFailure::kInterrupted,
              std::string("run interrupted (") + sut::InterruptSignalName() + ") while waiting on '" + type + "'");
}

CallOutcome ShimClient::Call(json request) {
  if (dead_) return *dead_;
  int id = next_id_++;
  request["id"] = id;
  std::string type = request.value("type", "");
  Status written = process_->WriteLine(request.dump(), timeout_);
  if (!written.ok()) {
    if (sut::Interrupted()) return Interrupted(type);
    auto exit = process_->PollExit();
    if (exit) return Fail(CallFailure::kExited, "the SUT " + exit->ToString() + " before reading '" + type + "'");
    return Fail(CallFailure::kWriteFailed, written.error().message());
  }
  sut::ReadResult line = process_->ReadLine(timeout_);
  switch (line.outcome) {
    case sut::ReadOutcome::kTimeout:
      return Fail(CallFailure::kTimeout, "no answer to '" + type + "' within " +
                                             std::to_string(timeout_.count()) + " ms");
    case sut::ReadOutcome::kEof: {
      // Alive without a stdout: it can never answer, so say so now rather
      // than at the deadline, and as what it is.
      // A dying process closes stdout a moment before it can be reaped.
      bool alive = true;
      for (int i = 0; i < 40 && alive; ++i) {
        alive = !process_->PollExit().has_value();
        if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      sut::ExitInfo exit = process_->Stop(std::chrono::milliseconds(500));
      CallOutcome out =
          alive ? Fail(CallFailure::kClosedStdout, "the SUT closed its stdout while handling '" + type + "' (then killed)")
                : Fail(CallFailure::kExited, "the SUT " + exit.ToString() + " while handling '" + type + "'");
      out.exit = exit;
      dead_ = out;
      return out;
    }
    case sut::ReadOutcome::kLineTooLong:
      return Fail(CallFailure::kLineTooLong, "answer to '" + type + "' exceeds the line limit");
    case sut::ReadOutcome::kInterrupted:
      return Interrupted(type);
    case sut::ReadOutcome::kLine:
      ++lines_read_;
      break;
  }
  JsonLimits limits;
  limits.max_size = SIZE_MAX;  // the line limit already holds
  limits.max_depth = kMaxAnswerDepth;
  limits.max_values = kMaxAnswerValues;
  Result<json> parsed = ParseBoundedJson(line.line, limits);
  if (!parsed.ok() && IsJsonLimitError(parsed.error())) {
    return Fail(CallFailure::kProtocol, "answer to '" + type + "': " + parsed.error().ToString());
  }
  if (!parsed.ok() || !parsed->is_object()) {
    std::string why = parsed.ok() ? "" : " (" + parsed.error().ToString() + ")";
    return Fail(CallFailure::kInvalidJson,
                "answer to '" + type + "' is not a JSON object" + why + ": '" + Excerpt(line.line) + "'");
  }
  json answer = std::move(parsed).value();
  auto answer_id = answer.find("id");
  if (answer_id == answer.end() || !answer_id->is_number_integer() || answer_id->get<int64_t>() != id) {
    return Fail(CallFailure::kProtocol, "answer to '" + type + "' does not carry \"id\": " + std::to_string(id) +
                                            ": '" + Excerpt(line.line) + "'");
  }
  auto error = answer.find("error");
  if (error != answer.end()) {
    std::string message = error->is_string() ? error->get<std::string>() : error->dump();
    if (message == "unimplemented") return Fail(CallFailure::kUnimplemented, "'" + type + "' is not implemented");
    return Fail(CallFailure::kShimError, "the SUT reported an error for '" + type + "': " + Excerpt(message));
  }
  CallOutcome ok;
  ok.answer = std::move(answer);
  return ok;
}

std::optional<SchemaViolation> ShimClient::ValidateAnswer(const std::string& type, const json& answer) {
  return ShimProtocolSchema().Validate(answer, "answer-" + type);
}

Error ShimClient::Malformed(const std::string& type, const std::string& problem) const {
  // "answer to 'deliver-gktp' lacks 'accepted'" reads as a sentence; any
  // other problem starts with the field it is about.
  const char* join = problem.starts_with("lacks ") ? " " : ": ";
  return Error(ErrorCode::kParse,
               "answer to '" + type + "'" + join + problem + " (line " + std::to_string(lines_read_) + ")");
}

sut::ExitInfo ShimClient::Shutdown() {
  if (!dead_) {
    json request = {{"type", kShutdownType}, {"id", next_id_++}};
    (void)process_->WriteLine(request.dump(), std::chrono::milliseconds(1000));
  }
  return process_->Stop(std::chrono::milliseconds(2000));
}

}  // namespace mcx::shim
