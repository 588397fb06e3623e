// The requests of the shim protocol, one struct each: its "type", its
// request and answer values, how they are written and read, and what the
// harness expected when an answer is malformed (for the report); answers
// whose size the request bounds also have CheckAnswer(request, answer). The
// harness sends them with ShimClient::Ask<Call>() (client.h); the reference
// shim serves them with Serve() (dispatch.h).
//
// A new request: its request value and JSON in requests.h, its answer value
// and JSON in answers.h, a struct here, a handler method and a route in
// dispatch.h/.cc, and their tests; then the engine asks it and the
// reference implementation answers it.
#ifndef MCXTEST_HARNESS_SHIM_PROTOCOL_H_
#define MCXTEST_HARNESS_SHIM_PROTOCOL_H_

#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/result.h"
#include "harness/shim/answers.h"
#include "harness/shim/requests.h"

namespace mcx::shim {

struct HelloCall {
  static constexpr char kType[] = "hello";
  static constexpr char kExpectedAnswer[] = "a hello answer";
  using Request = HelloRequest;
  using Answer = HelloAnswer;
  static nlohmann::json RequestJson(const Request& r) { return ToJson(r); }
  static Result<Request> ReadRequest(const nlohmann::json& j) { return HelloRequestFromJson(j); }
  static nlohmann::json AnswerJson(const Answer& a) { return ToJson(a); }
  static Result<Answer> ReadAnswer(const nlohmann::json& j) { return HelloAnswerFromJson(j); }
};

struct ProvisionCall {
  static constexpr char kType[] = "provision";
  static constexpr char kExpectedAnswer[] = "ok";
  using Request = ProvisionRequest;
  using Answer = ProvisionAnswer;
  static nlohmann::json RequestJson(const Request& r) { return ToJson(r); }
  static Result<Request> ReadRequest(const nlohmann::json& j) { return ProvisionFromJson(j); }
  static nlohmann::json AnswerJson(const Answer& a) { return ToJson(a); }
  static Result<Answer> ReadAnswer(const nlohmann::json& j) { return ProvisionAnswerFromJson(j); }
};

// Role primary-gms.
struct RegroupRequestCall {
  static constexpr char kType[] = "regroup-request";
  static constexpr char kExpectedAnswer[] = "a list of GKTPs";
  using Request = RegroupRequest;
  using Answer = std::vector<SentGktp>;
  static nlohmann::json RequestJson(const Request& r) { return ToJson(r); }
  static Result<Request> ReadRequest(const nlohmann::json& j) { return RegroupRequestFromJson(j); }
  static nlohmann::json AnswerJson(const Answer& a) { return GktpsAnswerJson(a); }
  static Result<Answer> ReadAnswer(const nlohmann::json& j) { return GktpListFromJson(j); }
  static Status CheckAnswer(const Request& r, const Answer& a) {
    size_t recipients = 2;  // the partner GMS and the requester beyond the members
    for (const auto& g : r.constituent_groups) recipients += g.members.size();
    return CheckGktpCount(a.size(), recipients);
  }
};

// Role partner-gms.
struct RegroupNotificationCall {
  static constexpr char kType[] = "regroup-notification";
  static constexpr char kExpectedAnswer[] = "GKTPs or a rejection";
  using Request = RegroupNotification;
  using Answer = PartnerAnswer;
  static nlohmann::json RequestJson(const Request& r) { return ToJson(r); }
  static Result<Request> ReadRequest(const nlohmann::json& j) { return RegroupNotificationFromJson(j); }
  static nlohmann::json AnswerJson(const Answer& a) { return ToJson(a); }
  static Result<Answer> ReadAnswer(const nlohmann::json& j) { return PartnerAnswerFromJson(j); }
  static Status CheckAnswer(const Request& r, const Answer& a) {
    return CheckGktpCount(a.gktps.size(), r.affiliated_members.size() + 2);
  }
};

// Role ue.
struct DeliverGktpCall {
  static constexpr char kType[] = "deliver-gktp";
  static constexpr char kExpectedAnswer[] = "accepted/rejected";
  using Request = DeliverRequest;
  using Answer = DeliverAnswer;
  static nlohmann::json RequestJson(const Request& r) { return ToJson(r); }
  static Result<Request> ReadRequest(const nlohmann::json& j) { return DeliverRequestFromJson(j); }
  static nlohmann::json AnswerJson(const Answer& a) { return ToJson(a); }
  static Result<Answer> ReadAnswer(const nlohmann::json& j) { return DeliverAnswerFromJson(j); }
};

// No answer: the shim exits.
inline constexpr char kShutdownType[] = "shutdown";

}  // namespace mcx::shim

#endif  // MCXTEST_HARNESS_SHIM_PROTOCOL_H_
