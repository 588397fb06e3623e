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

// Issue 19.3: answers are checked against docs/shim-schema, and the message
// names the request, the field and the shim's output line.
TEST(ShimClientTest, AskNamesTheMissingFieldAndTheLine) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "reason": "no"}))");
  auto first = shim.Ask<DeliverGktpCall>(DeliverRequest{});
  ASSERT_TRUE(first.malformed.has_value());
  EXPECT_EQ(first.malformed->message(), "answer to 'deliver-gktp' lacks 'accepted' (line 1)");
}

TEST(ShimClientTest, AskNamesTheNestedFieldOfASchemaViolation) {
  auto shim = StartPythonShim(
      R"(json.dumps({"id": r["id"], "gktps": [{"step": 7, "recipient": "sip:a", "b64": "AQ=="}, {"step": 16, "recipient": "sip:b", "b64": "AQ=="}]}))");
  auto reply = shim.Ask<RegroupRequestCall>(RegroupRequest{});
  ASSERT_TRUE(reply.malformed.has_value());
  EXPECT_EQ(reply.malformed->message(),
            "answer to 'regroup-request': 'gktps[1].step' is 16, expected at most 15 (line 1)");
}

TEST(ShimClientTest, AskPassesCallFailuresOn) {
  auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "error": "unimplemented"}))");
  auto reply = shim.Ask<RegroupRequestCall>(RegroupRequest{});
  EXPECT_EQ(reply.call.failure, CallFailure::kUnimplemented);
  EXPECT_FALSE(reply.answer.has_value());
  EXPECT_FALSE(reply.malformed.has_value());
}

// Issue 17 item 5: a huge answer nested deep in an extra field used to be
// parsed whole (gigabytes of DOM, or a stack overflow) and the case passed.
TEST(ShimClientTest, AnswerNestedTooDeepIsAProtocolError) {
  auto shim = StartPythonShim(R"("{\"id\": %d, \"name\": \"x\", \"extra\": " % r["id"] + "[" * 100000 + "]" * 100000 + "}")");
  auto out = shim.Call({{"type", "hello"}});
  ASSERT_EQ(out.failure, CallFailure::kProtocol) << out.detail;
  EXPECT_NE(out.detail.find("nested deeper than 64 levels"), std::string::npos) << out.detail;
  EXPECT_EQ(CallFailureName(out.failure), std::string("protocol-error"));
}

TEST(ShimClientTest, AnswerWithTooManyValuesIsAProtocolError) {
  auto shim = StartPythonShim(R"("{\"id\": %d, \"extra\": [" % r["id"] + ",".join(["0"] * 1100000) + "]}")");
  auto out = shim.Call({{"type", "hello"}});
  ASSERT_EQ(out.failure, CallFailure::kProtocol) << out.detail;
  EXPECT_NE(out.detail.find("more than 1048576 values"), std::string::npos) << out.detail;
}

// Issue 17 item 17: two readers could disagree on an answer with duplicate
// keys, and a NUL octet ended what nlohmann read.
TEST(ShimClientTest, DuplicateKeysAndNulOctetsAreInvalidJson) {
  for (const char* reply : {R"("{\"id\": %d, \"accepted\": false, \"accepted\": true}" % r["id"])",
                            R"("{\"id\": %d, \"name\": \"a" % r["id"] + chr(0) + "\"}")"}) {
    SCOPED_TRACE(reply);
    auto shim = StartPythonShim(reply);
    auto out = shim.Call({{"type", "hello"}});
    EXPECT_EQ(out.failure, CallFailure::kInvalidJson) << out.detail;
  }
}

// Issue 17 item 17: a shim that closes its stdout but stays alive can never
// answer; it is reported at once, as what it is.
TEST(ShimClientTest, ClosedStdoutIsReportedAtOnce) {
  auto shim = StartShellShim("read line; exec >&-; sleep 600", 60s);
  auto start = std::chrono::steady_clock::now();
  auto out = shim.Call({{"type", "hello"}});
  EXPECT_EQ(out.failure, CallFailure::kClosedStdout) << out.detail;
  EXPECT_EQ(CallFailureName(out.failure), std::string("sut-closed-stdout"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

// Issue 17 item 5: 20,000 GKTPs for 3 recipients took 73 s and 819 MB to
// verify. More than kMaxGktpsPerRecipient per recipient is malformed.
TEST(ShimClientTest, TooManyGktpsForTheRecipientsAreMalformed) {
  RegroupRequest request;
  ConstituentGroup group;
  group.members.resize(3);
  request.constituent_groups.push_back(group);
  const size_t cap = kMaxGktpsPerRecipient * (3 + 2);
  for (size_t count : {cap, cap + 1}) {
    SCOPED_TRACE(count);
    auto shim = StartPythonShim(R"(json.dumps({"id": r["id"], "gktps": [{"step": 7, "recipient": "sip:a@x", "b64": "AAAA"}] * )" +
                                std::to_string(count) + "})");
    auto reply = shim.Ask<RegroupRequestCall>(request);
    ASSERT_TRUE(reply.call.ok()) << reply.call.detail;
    if (count == cap) {
      ASSERT_TRUE(reply.answer.has_value()) << (reply.malformed ? reply.malformed->message() : "");
      EXPECT_EQ(reply.answer->size(), cap);
    } else {
      ASSERT_TRUE(reply.malformed.has_value());
      EXPECT_NE(reply.malformed->message().find("gktps: 21 GKTPs"), std::string::npos) << reply.malformed->message();
    }
  }
  RegroupNotification notification;
  notification.affiliated_members.resize(1);
  auto shim = StartPythonShim(
      R"(json.dumps({"id": r["id"], "gktps": [{"step": 14, "recipient": "sip:a@x", "b64": "AAAA"}] * 13}))");
  auto reply = shim.Ask<RegroupNotificationCall>(notification);
  ASSERT_TRUE(reply.malformed.has_value());
  EXPECT_NE(reply.malformed->message().find("at most 12"), std::string::npos) << reply.malformed->message();
}

}  // namespace
}  // namespace mcx::shim
