#include "harness/shim/dispatch.h"

#include <sstream>

#include <gtest/gtest.h>

namespace mcx::shim {
namespace {

using nlohmann::json;

// Answers from fixed values and remembers what it was asked.
class FakeHandler : public RequestHandler {
 public:
  bool provisioned() const override { return provisioned_; }
  Result<HelloAnswer> HandleHello(const HelloRequest& r) override {
    last_test_case = r.test_case;
    return HelloAnswer{"fake", "1.0", {"ue"}};
  }
  Result<ProvisionAnswer> HandleProvision(const ProvisionRequest& r) override {
    if (r.identities.empty()) return InvalidArgument("no identities");
    provisioned_ = true;
    return ProvisionAnswer{};
  }
  Result<std::vector<SentGktp>> HandleRegroupRequest(const RegroupRequest& r) override {
    return std::vector<SentGktp>{{14, r.requester, {0x01}}};
  }
  Result<PartnerAnswer> HandleRegroupNotification(const RegroupNotification&) override {
    return PartnerAnswer{{}, true, "no"};
  }
  Result<DeliverAnswer> HandleDeliverGktp(const DeliverRequest& r) override {
    DeliverAnswer a;
    a.reason = "from " + r.sender;
    return a;
  }

  std::string last_test_case;

 private:
  bool provisioned_ = false;
};

json Provision() {
  ProvisionRequest r;
  r.identities.push_back({"sip:a@x", "kms.x", "<i/>", "<p/>", ""});
  json j = ToJson(r);
  j["type"] = ProvisionCall::kType;
  j["id"] = 2;
  return j;
}

json Deliver() {
  DeliverRequest d;
  d.ue = {"sip:a@x", "kms.x"};
  d.sender = "sip:gms@x";
  d.gktp = {0x01};
  json j = ToJson(d);
  j["type"] = DeliverGktpCall::kType;
  j["id"] = 3;
  return j;
}

TEST(DispatchTest, HelloIsAnsweredWithItsId) {
  FakeHandler h;
  auto answer = Dispatch(json{{"type", "hello"}, {"id", 1}, {"test_case", "UE-001"}}, h);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ((*answer)["id"], 1);
  EXPECT_EQ((*answer)["name"], "fake");
  EXPECT_EQ((*answer)["protocol"], kShimProtocolVersion);
  EXPECT_EQ(h.last_test_case, "UE-001");
}

TEST(DispatchTest, RequestsWaitForProvisioning) {
  FakeHandler h;
  EXPECT_EQ((*Dispatch(Deliver(), h))["error"], "not provisioned");
  EXPECT_EQ((*Dispatch(json{{"type", "launch-rockets"}, {"id", 9}}, h))["error"], "not provisioned");
  EXPECT_EQ((*Dispatch(Provision(), h))["ok"], true);
  auto answer = Dispatch(Deliver(), h);
  EXPECT_EQ((*answer)["id"], 3);
  EXPECT_EQ((*answer)["accepted"], false);
  EXPECT_EQ((*answer)["reason"], "from sip:gms@x");
}

TEST(DispatchTest, UnknownTypesAreUnimplemented) {
  FakeHandler h;
  Dispatch(Provision(), h);
  auto answer = Dispatch(json{{"type", "launch-rockets"}, {"id", 9}}, h);
  EXPECT_EQ((*answer)["error"], "unimplemented");
  EXPECT_EQ((*answer)["id"], 9);
}

TEST(DispatchTest, BadRequestsAndHandlerErrorsBecomeErrorAnswers) {
  FakeHandler h;
  json empty = Provision();
  empty["identities"] = json::array();
  EXPECT_EQ((*Dispatch(empty, h))["error"], "no identities");
  Dispatch(Provision(), h);
  json bad = Deliver();
  bad.erase("sender");
  EXPECT_EQ((*Dispatch(bad, h))["error"], "bad deliver-gktp: field 'sender': missing");
  EXPECT_NE((*Dispatch(json::array(), h))["error"].get<std::string>().find("not a request"), std::string::npos);
}

TEST(DispatchTest, ShutdownHasNoAnswer) {
  FakeHandler h;
  EXPECT_FALSE(Dispatch(json{{"type", "shutdown"}, {"id", 4}}, h).has_value());
}

TEST(DispatchTest, ServeAnswersLineByLineUntilShutdown) {
  FakeHandler h;
  std::istringstream in(std::string("{\"type\":\"hello\",\"id\":1}\n\nnot json\n") + Provision().dump() + "\n" +
                        Deliver().dump() + "\n{\"type\":\"shutdown\",\"id\":4}\n{\"type\":\"hello\",\"id\":5}\n");
  std::ostringstream out, log;
  Serve(in, out, log, h);
  std::istringstream lines(out.str());
  std::vector<json> answers;
  for (std::string line; std::getline(lines, line);) answers.push_back(json::parse(line));
  ASSERT_EQ(answers.size(), 3u) << out.str();
  EXPECT_EQ(answers[0]["id"], 1);
  EXPECT_EQ(answers[1]["id"], 2);
  EXPECT_EQ(answers[2]["id"], 3);
  EXPECT_NE(log.str().find("not a request"), std::string::npos);
}

}  // namespace
}  // namespace mcx::shim
