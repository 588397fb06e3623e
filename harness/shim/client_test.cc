#include "harness/shim/client.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace mcx::shim {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A shim in a few lines of Python: answers each request with `reply`, a
// Python expression over the decoded request `r`.
ShimClient StartPythonShim(const std::string& reply, std::chrono::milliseconds timeout = 5s) {
  std::string program =
      "import json,sys\n"
      "for line in sys.stdin:\n"
      "    r = json.loads(line)\n"
      "    print(" + reply + ", flush=True)\n";
  sut::ProcessOptions options;
  options.command = "python3 -c '" + program + "'";
  auto p = sut::SutProcess::Start(options);
  EXPECT_TRUE(p.ok());
  return ShimClient(std::move(p).value(), timeout);
}

ShimClient StartShellShim(const std::string& script, std::chrono::milliseconds timeout = 5s) {
  sut::ProcessOptions options;
  options.command = script;
  auto p = sut::SutProcess::Start(options);
  EXPECT_TRUE(p.ok());
  return ShimClient(std::move(p).value(), timeout);
}

TEST(ShimClientTest, HelloRoundTrip) {
  auto shim = StartPythonShim(
      R"(json.dumps({"id": r["id"], "name": "demo", "version": "1.2", "protocol": 1, "roles": ["ue"]}))");
  auto out = shim.Call({{"type", "hello"}, {"protocol", 1}});
  ASSERT_TRUE(out.ok()) << out.detail;
  auto hello = HelloAnswerFromJson(out.answer);
  ASSERT_TRUE(hello.ok()) << hello.error().ToString();
  EXPECT_EQ(hello->name, "demo");
  EXPECT_EQ(hello->roles, std::vector<std::string>{"ue"});
  EXPECT_TRUE(shim.Shutdown().exited);
}

TEST(ShimClientTest, UnimplementedIsDistinctAndLeavesShimUsable) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "error": "unimplemented"}))");
  auto first = shim.Call({{"type", "deliver-gktp"}});
  EXPECT_EQ(first.failure, CallFailure::kUnimplemented);
  auto second = shim.Call({{"type", "deliver-gktp"}});
  EXPECT_EQ(second.failure, CallFailure::kUnimplemented);  // not "dead"
}

TEST(ShimClientTest, OtherErrorsAreShimErrors) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "error": "key store empty"}))");
  auto out = shim.Call({{"type", "provision"}});
  EXPECT_EQ(out.failure, CallFailure::kShimError);
  EXPECT_NE(out.detail.find("key store empty"), std::string::npos);
}

TEST(ShimClientTest, GarbageIsInvalidJsonWithExcerpt) {
  auto shim = StartShellShim("read line; printf 'Segmentation \\001 fault\\n'; sleep 5");
  auto out = shim.Call({{"type", "hello"}});
  EXPECT_EQ(out.failure, CallFailure::kInvalidJson);
  EXPECT_NE(out.detail.find("Segmentation \\x01 fault"), std::string::npos) << out.detail;
  // The conversation is out of step: later calls fail fast, same verdict.
  EXPECT_EQ(shim.Call({{"type", "hello"}}).failure, CallFailure::kInvalidJson);
}

TEST(ShimClientTest, JsonThatIsNotAnObjectIsInvalid) {
  auto shim = StartPythonShim(R"(json.dumps([1, 2, 3]))");
  EXPECT_EQ(shim.Call({{"type", "hello"}}).failure, CallFailure::kInvalidJson);
}

TEST(ShimClientTest, WrongIdIsProtocolError) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"] + 7, "name": "x"}))");
  auto out = shim.Call({{"type", "hello"}});
  EXPECT_EQ(out.failure, CallFailure::kProtocol);
}

TEST(ShimClientTest, CrashIsReportedWithSignal) {
  auto shim = StartShellShim("read line; echo 'fatal: boom' >&2; kill -ABRT $$");
  auto out = shim.Call({{"type", "hello"}});
  ASSERT_EQ(out.failure, CallFailure::kExited);
  ASSERT_TRUE(out.exit.has_value());
  EXPECT_TRUE(out.exit->signaled);
  EXPECT_EQ(out.exit->signal, SIGABRT);
  auto tail = shim.StderrTail();
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.back(), "fatal: boom");
}

TEST(ShimClientTest, HangIsTimeout) {
  auto shim = StartShellShim("sleep 60", 300ms);
  auto start = std::chrono::steady_clock::now();
  auto out = shim.Call({{"type", "hello"}});
  EXPECT_EQ(out.failure, CallFailure::kTimeout);
  shim.Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(ShimClientTest, ExitBeforeAnswerIsReported) {
  auto shim = StartShellShim("exit 4");
  auto out = shim.Call({{"type", "hello"}});
  ASSERT_EQ(out.failure, CallFailure::kExited);
  EXPECT_NE(out.detail.find("code 4"), std::string::npos) << out.detail;
}

TEST(ShimClientTest, AskSendsTheTypeAndReadsTheAnswer) {
  auto shim = StartPythonShim(
      R"(json.dumps({"id": r["id"], "name": r["type"] + "/" + r["test_case"], "version": "1", "roles": [r["role"]]}))");
  HelloRequest hello;
  hello.test_case = "UE-001";
  hello.role = "ue";
  auto reply = shim.Ask<HelloCall>(hello);
  ASSERT_TRUE(reply.call.ok()) << reply.call.detail;
  ASSERT_TRUE(reply.answer.has_value());
  EXPECT_FALSE(reply.malformed.has_value());
  EXPECT_EQ(reply.answer->name, "hello/UE-001");
  EXPECT_EQ(reply.answer->roles, std::vector<std::string>{"ue"});
}

TEST(ShimClientTest, AskReportsAMalformedAnswerByField) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "accepted": True, "gmk_id": "xyz"}))");
  auto reply = shim.Ask<DeliverGktpCall>(DeliverRequest{});
  ASSERT_TRUE(reply.call.ok()) << reply.call.detail;
  EXPECT_FALSE(reply.answer.has_value());
  ASSERT_TRUE(reply.malformed.has_value());
  EXPECT_NE(reply.malformed->message().find("gmk_id"), std::string::npos) << reply.malformed->message();
}

TEST(ShimClientTest, AskPassesCallFailuresOn) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "error": "unimplemented"}))");
  auto reply = shim.Ask<RegroupRequestCall>(RegroupRequest{});
  EXPECT_EQ(reply.call.failure, CallFailure::kUnimplemented);
  EXPECT_FALSE(reply.answer.has_value());
  EXPECT_FALSE(reply.malformed.has_value());
}

}  // namespace
}  // namespace mcx::shim
