#include "harness/shim/client.h"

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
      sut::ExitInfo exit = process_->Stop(std::chrono::milliseconds(500));
      CallOutcome out = Fail(CallFailure::kExited, "the SUT " + exit.ToString() + " while handling '" + type + "'");
      out.exit = exit;
      dead_ = out;
      return out;
    }
    case sut::ReadOutcome::kLineTooLong:
      return Fail(CallFailure::kLineTooLong, "answer to '" + type + "' exceeds the line limit");
    case sut::ReadOutcome::kInterrupted:
      return Interrupted(type);
    case sut::ReadOutcome::kLine:
      break;
  }
  json answer = json::parse(line.line, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object()) {
    return Fail(CallFailure::kInvalidJson, "answer to '" + type + "' is not a JSON object: '" + Excerpt(line.line) + "'");
  }
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

sut::ExitInfo ShimClient::Shutdown() {
  if (!dead_) {
    json request = {{"type", kShutdownType}, {"id", next_id_++}};
    (void)process_->WriteLine(request.dump(), std::chrono::milliseconds(1000));
  }
  return process_->Stop(std::chrono::milliseconds(2000));
}

}  // namespace mcx::shim
