#include "harness/shim/dispatch.h"

#include <istream>
#include <ostream>
#include <string_view>

namespace mcx::shim {
namespace {

using nlohmann::json;

json ErrorAnswer(const std::string& error) { return {{"error", error}}; }

// Reads the request of call C, lets `handle` answer it, writes the answer.
template <typename C, Result<typename C::Answer> (RequestHandler::*handle)(const typename C::Request&)>
json Route(const json& request, RequestHandler& handler) {
  Result<typename C::Request> read = C::ReadRequest(request);
  if (!read.ok()) return ErrorAnswer("bad " + std::string(C::kType) + ": " + read.error().message());
  Result<typename C::Answer> answer = (handler.*handle)(*read);
  if (!answer.ok()) return ErrorAnswer(answer.error().ToString());
  return C::AnswerJson(*answer);
}

struct RouteEntry {
  std::string_view type;
  bool needs_provisioning;
  json (*route)(const json&, RequestHandler&);
};

constexpr RouteEntry kRoutes[] = {
    {HelloCall::kType, false, &Route<HelloCall, &RequestHandler::HandleHello>},
    {ProvisionCall::kType, false, &Route<ProvisionCall, &RequestHandler::HandleProvision>},
    {RegroupRequestCall::kType, true, &Route<RegroupRequestCall, &RequestHandler::HandleRegroupRequest>},
    {RegroupNotificationCall::kType, true,
     &Route<RegroupNotificationCall, &RequestHandler::HandleRegroupNotification>},
    {DeliverGktpCall::kType, true, &Route<DeliverGktpCall, &RequestHandler::HandleDeliverGktp>},
};

json AnswerOf(const std::string& type, const json& request, RequestHandler& handler) {
  for (const RouteEntry& entry : kRoutes) {
    if (entry.type != type) continue;
    if (entry.needs_provisioning && !handler.provisioned()) return ErrorAnswer("not provisioned");
    return entry.route(request, handler);
  }
  if (!handler.provisioned()) return ErrorAnswer("not provisioned");
  return ErrorAnswer("unimplemented");
}

}  // namespace

std::optional<json> Dispatch(const json& request, RequestHandler& handler) {
  if (!request.is_object() || !request.contains("type") || !request["type"].is_string()) {
    return ErrorAnswer("not a request: expected an object with a string \"type\"");
  }
  std::string type = request["type"].get<std::string>();
  if (type == kShutdownType) return std::nullopt;
  json answer = AnswerOf(type, request, handler);
  answer["id"] = request.contains("id") ? request["id"] : json(nullptr);
  return answer;
}

void Serve(std::istream& in, std::ostream& out, std::ostream& log, RequestHandler& handler) {
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (request.is_discarded() || !request.is_object() || !request.contains("type") || !request["type"].is_string()) {
      log << "reference_sut: ignoring a line that is not a request\n";
      continue;
    }
    std::optional<json> answer = Dispatch(request, handler);
    if (!answer) return;
    out << answer->dump() << "\n" << std::flush;
  }
}

}  // namespace mcx::shim
