#include "harness/sut/shim_protocol.h"

#include <cctype>
#include <cstdio>

namespace mcx::sut {
namespace {

using nlohmann::json;

Error FieldError(const std::string& field, const std::string& problem) {
  return Error(ErrorCode::kParse, "answer field '" + field + "': " + problem);
}

Result<std::string> GetString(const json& obj, const std::string& field, bool required = true) {
  auto it = obj.find(field);
  if (it == obj.end()) {
    if (required) return FieldError(field, "missing");
    return std::string();
  }
  if (!it->is_string()) return FieldError(field, std::string("expected a string, got ") + it->type_name());
  return it->get<std::string>();
}

Result<Bytes> GetHex(const json& obj, const std::string& field, size_t expected_size) {
  MCX_ASSIGN_OR_RETURN(std::string hex, GetString(obj, field));
  auto bytes = FromHex(hex);
  if (!bytes.ok()) return FieldError(field, bytes.error().ToString());
  if (expected_size != 0 && bytes->size() != expected_size) {
    return FieldError(field, "expected " + std::to_string(expected_size) + " octets, got " +
                                 std::to_string(bytes->size()));
  }
  return *bytes;
}

}  // namespace

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
  }
  return "?";
}

std::string Excerpt(const std::string& text, size_t max_chars) {
  std::string out;
  for (unsigned char c : text) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (std::isprint(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
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

CallOutcome ShimClient::Call(json request) {
  if (dead_) return *dead_;
  int id = next_id_++;
  request["id"] = id;
  std::string type = request.value("type", "");
  Status written = process_->WriteLine(request.dump(), timeout_);
  if (!written.ok()) {
    auto exit = process_->PollExit();
    if (exit) return Fail(CallFailure::kExited, "the SUT " + exit->ToString() + " before reading '" + type + "'");
    return Fail(CallFailure::kWriteFailed, written.error().message());
  }
  ReadResult line = process_->ReadLine(timeout_);
  switch (line.outcome) {
    case ReadOutcome::kTimeout:
      return Fail(CallFailure::kTimeout, "no answer to '" + type + "' within " +
                                             std::to_string(timeout_.count()) + " ms");
    case ReadOutcome::kEof: {
      ExitInfo exit = process_->Stop(std::chrono::milliseconds(500));
      CallOutcome out = Fail(CallFailure::kExited, "the SUT " + exit.ToString() + " while handling '" + type + "'");
      out.exit = exit;
      dead_ = out;
      return out;
    }
    case ReadOutcome::kLineTooLong:
      return Fail(CallFailure::kLineTooLong, "answer to '" + type + "' exceeds the line limit");
    case ReadOutcome::kLine:
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

ExitInfo ShimClient::Shutdown() {
  if (!dead_) {
    json request = {{"type", "shutdown"}, {"id", next_id_++}};
    (void)process_->WriteLine(request.dump(), std::chrono::milliseconds(1000));
  }
  return process_->Stop(std::chrono::milliseconds(2000));
}

Result<HelloAnswer> ParseHelloAnswer(const json& answer) {
  HelloAnswer hello;
  MCX_ASSIGN_OR_RETURN(hello.name, GetString(answer, "name"));
  MCX_ASSIGN_OR_RETURN(hello.version, GetString(answer, "version"));
  auto protocol = answer.find("protocol");
  if (protocol != answer.end() &&
      (!protocol->is_number_integer() || protocol->get<int64_t>() != kShimProtocolVersion)) {
    return FieldError("protocol", "this harness speaks version " + std::to_string(kShimProtocolVersion) +
                                      ", the shim answered " + protocol->dump());
  }
  auto roles = answer.find("roles");
  if (roles == answer.end()) return FieldError("roles", "missing");
  if (!roles->is_array()) return FieldError("roles", "expected an array of role names");
  for (size_t i = 0; i < roles->size(); ++i) {
    const json& r = (*roles)[i];
    if (!r.is_string()) return FieldError("roles[" + std::to_string(i) + "]", "expected a string");
    std::string role = r.get<std::string>();
    if (role != "primary-gms" && role != "partner-gms" && role != "ue") {
      return FieldError("roles[" + std::to_string(i) + "]", "unknown role '" + Excerpt(role, 40) + "'");
    }
    hello.roles.push_back(role);
  }
  return hello;
}

Result<std::vector<SentGktp>> ParseGktpListAnswer(const json& answer) {
  auto list = answer.find("gktps");
  if (list == answer.end()) return FieldError("gktps", "missing");
  if (!list->is_array()) return FieldError("gktps", "expected an array");
  std::vector<SentGktp> out;
  for (size_t i = 0; i < list->size(); ++i) {
    std::string f = "gktps[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return FieldError(f, "expected an object");
    SentGktp g;
    auto step = item.find("step");
    if (step == item.end() || !step->is_number_integer()) return FieldError(f + ".step", "expected an integer");
    int64_t step_value = step->get<int64_t>();
    if (step_value < 1 || step_value > 15) return FieldError(f + ".step", "must be a procedure step 1..15");
    g.step = static_cast<int>(step_value);
    auto recipient = GetString(item, "recipient");
    if (!recipient.ok()) return recipient.error().WithContext(f);
    g.recipient = *recipient;
    auto b64 = GetString(item, "b64");
    if (!b64.ok()) return b64.error().WithContext(f);
    auto message = FromBase64(*b64);
    if (!message.ok()) return FieldError(f + ".b64", "not base64: " + message.error().ToString());
    if (message->empty()) return FieldError(f + ".b64", "empty message");
    g.message = std::move(message).value();
    out.push_back(std::move(g));
  }
  return out;
}

Result<DeliverAnswer> ParseDeliverAnswer(const json& answer) {
  DeliverAnswer d;
  auto accepted = answer.find("accepted");
  if (accepted == answer.end() || !accepted->is_boolean()) return FieldError("accepted", "expected true or false");
  d.accepted = accepted->get<bool>();
  if (!d.accepted) {
    MCX_ASSIGN_OR_RETURN(d.reason, GetString(answer, "reason", /*required=*/false));
    return d;
  }
  MCX_ASSIGN_OR_RETURN(Bytes gmk_id, GetHex(answer, "gmk_id", 4));
  d.gmk_id = static_cast<uint32_t>(gmk_id[0]) << 24 | gmk_id[1] << 16 | gmk_id[2] << 8 | gmk_id[3];
  MCX_ASSIGN_OR_RETURN(d.srtp_master_key, GetHex(answer, "srtp_master_key", 16));
  MCX_ASSIGN_OR_RETURN(d.srtp_master_salt, GetHex(answer, "srtp_master_salt", 12));
  return d;
}

}  // namespace mcx::sut
