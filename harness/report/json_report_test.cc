#include "harness/report/json_report.h"

#include <algorithm>
#include <functional>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "harness/report/test_support.h"

namespace mcx::report {
namespace {

using engine::RunResult;
using engine::TestCaseResult;
using nlohmann::json;

void ExpectSameChecks(const std::vector<checks::CheckResult>& got, const std::vector<checks::CheckResult>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].id, want[i].id);
    EXPECT_EQ(got[i].clause, want[i].clause);
    EXPECT_EQ(got[i].requirement, want[i].requirement);
    EXPECT_EQ(got[i].status, want[i].status);
    EXPECT_EQ(got[i].blocked_by, want[i].blocked_by);
    EXPECT_EQ(got[i].detail, SanitizeUtf8(want[i].detail));
    EXPECT_EQ(got[i].expected, SanitizeUtf8(want[i].expected));
    EXPECT_EQ(got[i].actual, SanitizeUtf8(want[i].actual));
  }
}

void ExpectSameCase(const TestCaseResult& got, const TestCaseResult& want) {
  SCOPED_TRACE(want.id);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.title, SanitizeUtf8(want.title));
  EXPECT_EQ(got.role, want.role);
  EXPECT_EQ(got.spec_clauses, want.spec_clauses);
  EXPECT_EQ(got.source_file, want.source_file);
  EXPECT_EQ(got.verdict, want.verdict);
  EXPECT_EQ(got.summary, SanitizeUtf8(want.summary));
  EXPECT_EQ(got.control.status, want.control.status);
  EXPECT_EQ(got.control.detail, SanitizeUtf8(want.control.detail));
  EXPECT_DOUBLE_EQ(got.seconds, want.seconds);
  ExpectSameChecks(got.flow_checks, want.flow_checks);
  ASSERT_EQ(got.messages.size(), want.messages.size());
  for (size_t i = 0; i < got.messages.size(); ++i) {
    const auto& g = got.messages[i];
    const auto& w = want.messages[i];
    EXPECT_EQ(g.step, w.step);
    EXPECT_EQ(g.from, w.from);
    EXPECT_EQ(g.to, w.to);
    EXPECT_EQ(g.produced_by, w.produced_by);
    EXPECT_EQ(g.kind, w.kind);
    EXPECT_EQ(g.note, SanitizeUtf8(w.note));
    EXPECT_EQ(g.wire, w.wire);
    ExpectSameChecks(g.checks, w.checks);
  }
  ASSERT_EQ(got.sut_stderr_tail.size(), want.sut_stderr_tail.size());
  for (size_t i = 0; i < got.sut_stderr_tail.size(); ++i) {
    EXPECT_EQ(got.sut_stderr_tail[i], SanitizeUtf8(want.sut_stderr_tail[i]));
  }
  EXPECT_EQ(got.sut_exit, want.sut_exit);
  EXPECT_EQ(got.FailedCheckIds(), want.FailedCheckIds());
}

TEST(JsonReportTest, RoundTripsThroughReadJsonReport) {
  RunResult run = testing::SampleRun();
  auto back = ReadJsonReport(JsonReport(run));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(back->info.implementation_name, run.info.implementation_name);
  EXPECT_EQ(back->info.implementation_version, "1.2.3 \\xff");
  EXPECT_EQ(back->info.sut_command, run.info.sut_command);
  EXPECT_EQ(back->info.command_line, run.info.command_line);
  EXPECT_EQ(back->info.seed, 18446744073709551615ull);
  EXPECT_EQ(back->info.started_at, run.info.started_at);
  EXPECT_EQ(back->info.mcxtest_version, run.info.mcxtest_version);
  EXPECT_FALSE(back->interrupted);
  ASSERT_EQ(back->cases.size(), run.cases.size());
  for (size_t i = 0; i < run.cases.size(); ++i) ExpectSameCase(back->cases[i], run.cases[i]);
}

TEST(JsonReportTest, InconclusiveVerdictsControlsAndTheNoControlsFlagRoundTrip) {
  RunResult run = testing::SampleRun();
  run.cases.push_back(testing::InconclusiveCase());
  run.cases[0].control.status = engine::ControlStatus::kOff;
  run.info.controls = false;
  run.info.t_window_seconds = 3600;
  json doc = json::parse(JsonReport(run));
  EXPECT_EQ(doc["run"]["controls"], false);
  EXPECT_EQ(doc["run"]["t_window_seconds"], 3600);
  EXPECT_EQ(doc["counts"]["inconclusive"], 1);
  EXPECT_EQ(doc["counts"]["by_role"]["ue"]["inconclusive"], 1);
  EXPECT_EQ(doc["cases"][4]["verdict"], "inconclusive");
  EXPECT_EQ(doc["cases"][4]["control"]["status"], "rejected");
  EXPECT_EQ(doc["cases"][0]["control"]["status"], "off");
  EXPECT_FALSE(doc["cases"][1].contains("control")) << "a case without a control carries none";
  auto back = ReadJsonReport(JsonReport(run));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_FALSE(back->info.controls);
  EXPECT_EQ(back->info.t_window_seconds, 3600u);
  ASSERT_EQ(back->cases.size(), run.cases.size());
  for (size_t i = 0; i < run.cases.size(); ++i) ExpectSameCase(back->cases[i], run.cases[i]);

  std::string bad = JsonReport(run);
  bad.replace(bad.find("\"rejected\""), 10, "\"maybe\"");
  auto error = ReadJsonReport(bad);
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().ToString().find("report.json: field 'cases[4].control.status': unknown control status 'maybe'"),
            std::string::npos)
      << error.error().ToString();
}

TEST(JsonReportTest, NotEvaluatedChecksCarryTheirBlocker) {
  json doc = json::parse(JsonReport(testing::SampleRun()));
  const json& checks = doc["cases"][1]["messages"][1]["checks"];
  ASSERT_EQ(checks.size(), 3u) << checks.dump();
  EXPECT_EQ(checks[2]["status"], "not-evaluated");
  EXPECT_EQ(checks[2]["blocked_by"], "IDR.KMS");
  EXPECT_FALSE(checks[1].contains("blocked_by")) << "only a not-evaluated check names a blocker";
  // Never a failure of the case: only its blocker's failures count.
  auto back = ReadJsonReport(doc.dump());
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  const auto& ids = back->cases[1].FailedCheckIds();
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "SIGN.TRUST"), 0);
}

TEST(JsonReportTest, HostileStringsAreKeptExceptInvalidUtf8) {
  TestCaseResult c = testing::FailingCase();
  c.summary = testing::kNasty;
  RunResult run;
  run.cases = {c};
  auto back = ReadJsonReport(JsonReport(run));
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  const std::string& summary = back->cases[0].summary;
  // Controls, NUL, markup and valid multi-byte text come back as they were.
  EXPECT_NE(summary.find("<&\"'> \x01\x02\x1b[31mred\x7f"), std::string::npos);
  EXPECT_NE(summary.find(std::string("\xe2\x82\xac\0end", 7)), std::string::npos);
  EXPECT_NE(summary.find("\\xff\\xfe\\xc0\\xaf ]]>"), std::string::npos) << summary;
}

TEST(JsonReportTest, DocumentHasRunCountsAndPerCaseDetail) {
  json doc = json::parse(JsonReport(testing::SampleRun()));
  EXPECT_EQ(doc["format"], "mcxtest-report");
  EXPECT_EQ(doc["format_version"], 1);
  EXPECT_EQ(doc["state"], "finished");
  EXPECT_EQ(doc["run"]["seed"].get<uint64_t>(), 18446744073709551615ull);
  EXPECT_EQ(doc["counts"]["total"], 4);
  EXPECT_EQ(doc["counts"]["passed"], 1);
  EXPECT_EQ(doc["counts"]["failed"], 1);
  EXPECT_EQ(doc["counts"]["skipped"], 1);
  EXPECT_EQ(doc["counts"]["error"], 1);
  EXPECT_EQ(doc["counts"]["by_role"]["ue"]["total"], 2);
  EXPECT_EQ(doc["counts"]["by_role"]["ue"]["error"], 1);
  ASSERT_EQ(doc["cases"].size(), 4u);

  const json& failing = doc["cases"][1];
  EXPECT_EQ(failing["id"], "PGMS-REGROUP-002");
  EXPECT_EQ(failing["verdict"], "failed");
  EXPECT_EQ(failing["spec_clauses"], json::array({"TS 33.180 7.3.3.3"}));
  EXPECT_EQ(failing["failed_checks"], json::array({"SIGN.VALID", "FLOW.SAME_GMK"}));
  EXPECT_EQ(failing["flow_checks"][0]["id"], "FLOW.SAME_GMK");
  EXPECT_EQ(failing["flow_checks"][0]["status"], "fail");
  EXPECT_EQ(failing["flow_checks"][0]["requirement"], "MUST");
  EXPECT_EQ(failing["flow_checks"][0]["clause"], "TS 33.180 7.3.3.3 steps 11, 14");
  EXPECT_EQ(failing["flow_checks"][0]["expected"], "GMK-ID 0x0a0b0c0d <&>");
  EXPECT_EQ(failing["flow_checks"][0]["actual"], "GMK-ID 0x01020304 \\xff");
  EXPECT_EQ(failing["sut_stderr_tail"][0], "warning: clock skew");

  const json& step14 = failing["messages"][1];
  EXPECT_EQ(step14["step"], 14);
  EXPECT_EQ(step14["to"], "sip:bob/../x@example.org");
  EXPECT_EQ(step14["produced_by"], "sut");
  EXPECT_EQ(step14["kind"], "gktp");
  EXPECT_EQ(step14["length"], 7);
  EXPECT_EQ(step14["checks"][1]["id"], "SIGN.VALID");
  EXPECT_EQ(step14["checks"][1]["detail"].get<std::string>().rfind("signature does not verify <&", 0), 0u);
  EXPECT_FALSE(step14.contains("decoded"));
  EXPECT_FALSE(step14["decode_error"].get<std::string>().empty());

  const json& error = doc["cases"][3];
  EXPECT_EQ(error["verdict"], "error");
  EXPECT_EQ(error["sut_exit"], "killed by signal 11 (SIGSEGV)");
  EXPECT_EQ(error["sut_stderr_tail"].size(), 3u);
}

TEST(JsonReportTest, ParsableMessagesAreDecoded) {
  json doc = json::parse(JsonReport(testing::SampleRun()));
  const json& message = doc["cases"][0]["messages"][0];
  Bytes wire = testing::StreamwideWire();
  EXPECT_EQ(message["wire_b64"], ToBase64(wire));
  EXPECT_EQ(message["length"], wire.size());
  ASSERT_TRUE(message.contains("decoded")) << message.dump(2);
  EXPECT_FALSE(message.contains("decode_error"));
  EXPECT_EQ(message["decoded"]["length"], wire.size());
  EXPECT_EQ(message["decoded"]["hdr"]["version"], 1);
  ASSERT_TRUE(message["decoded"]["payloads"].is_array());
  EXPECT_GE(message["decoded"]["payloads"].size(), 5u);
  // An empty message is reported, not decoded.
  const json& empty = doc["cases"][1]["messages"][3];
  EXPECT_EQ(empty["wire_b64"], "");
  EXPECT_TRUE(empty.contains("decode_error"));
}

TEST(JsonReportTest, UnfinishedRunsReadBackAsInterrupted) {
  RunResult run = testing::SampleRun();
  for (RunState state : {RunState::kRunning, RunState::kInterrupted, RunState::kFinished}) {
    RunCounts one;
    one.Add(run.cases[0]);
    std::string text = JsonReportFrame(run.info, one, state).Assemble({CaseJsonText(run.cases[0])});
    EXPECT_EQ(json::parse(text)["state"], RunStateName(state));
    auto back = ReadJsonReport(text);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back->interrupted, state != RunState::kFinished);
    EXPECT_EQ(back->cases.size(), 1u);
  }
  auto empty = ReadJsonReport(JsonReportFrame(run.info, RunCounts{}, RunState::kRunning).Assemble({}));
  ASSERT_TRUE(empty.ok()) << empty.error().ToString();
  EXPECT_TRUE(empty->cases.empty());
}

// A report edited by `mutate` must be rejected with an error naming `path`.
void ExpectRejected(const std::function<void(json&)>& mutate, const std::string& path) {
  json doc = json::parse(JsonReport(testing::SampleRun()));
  mutate(doc);
  auto back = ReadJsonReport(doc.dump());
  ASSERT_FALSE(back.ok()) << "accepted a report with a bad " << path;
  EXPECT_EQ(back.error().code(), ErrorCode::kParse);
  EXPECT_EQ(back.error().message().rfind("report.json: ", 0), 0u) << back.error().ToString();
  EXPECT_NE(back.error().message().find(path), std::string::npos) << back.error().ToString();
}

TEST(ReadJsonReportTest, RejectsBadFieldsNamingThem) {
  ExpectRejected([](json& d) { d["format"] = "junit"; }, "format");
  ExpectRejected([](json& d) { d["format_version"] = 2; }, "format_version");
  ExpectRejected([](json& d) { d.erase("cases"); }, "report.json: field 'cases': missing");
  ExpectRejected([](json& d) { d["cases"] = json::object(); }, "field 'cases': expected an array, got object");
  ExpectRejected([](json& d) { d["state"] = "paused"; }, "state");
  ExpectRejected([](json& d) { d["run"]["seed"] = -1; }, "field 'run.seed': expected a non-negative integer, got -1");
  ExpectRejected([](json& d) { d["cases"][1]["verdict"] = "maybe"; }, "cases[1].verdict");
  ExpectRejected([](json& d) { d["cases"][1]["id"] = 7; }, "field 'cases[1].id': expected a string, got number");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["step"] = "14"; }, "cases[1].messages[1].step");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["step"] = 1e12; }, "cases[1].messages[1].step");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["step"] = 4294967296LL; },
                 "field 'cases[1].messages[1].step': 4294967296 is out of range");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["wire_b64"] = "@@@"; },
                 "field 'cases[1].messages[1].wire_b64': not base64");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["checks"][0]["status"] = "ok"; },
                 "cases[1].messages[1].checks[0].status");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["checks"][2].erase("blocked_by"); },
                 "field 'cases[1].messages[1].checks[2].blocked_by': a not-evaluated check names the check that blocked it");
  ExpectRejected([](json& d) { d["cases"][1]["messages"][1]["checks"][0]["blocked_by"] = "SIGN.VALID"; },
                 "field 'cases[1].messages[1].checks[0].blocked_by': only a not-evaluated check has a blocker");
  ExpectRejected([](json& d) { d["cases"][1]["flow_checks"][0]["requirement"] = "MAY"; },
                 "cases[1].flow_checks[0].requirement");
  ExpectRejected([](json& d) { d["cases"][3]["sut_stderr_tail"][1] = nullptr; }, "field 'cases[3].sut_stderr_tail[1]': expected a string, got null");
  ExpectRejected([](json& d) { d["cases"][0] = "case"; }, "field 'cases[0]': expected an object, got string");
}

TEST(ReadJsonReportTest, RejectsTextThatIsNotAReport) {
  for (const std::string text : {"", "{", "[]", "null", "{\"format\": \"mcxtest-report\"", "\xff\xfe"}) {
    auto back = ReadJsonReport(text);
    EXPECT_FALSE(back.ok()) << text;
  }
  auto truncated = ReadJsonReport(JsonReport(testing::SampleRun()).substr(0, 500));
  ASSERT_FALSE(truncated.ok());
  EXPECT_TRUE(truncated.error().offset().has_value());
  EXPECT_NE(truncated.error().message().find("not valid JSON"), std::string::npos);
  // Deep nesting must not exhaust the stack.
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_FALSE(ReadJsonReport(deep).ok());
}

TEST(CaseJsonTextTest, EqualsCaseJsonForSmallAndLargeCases) {
  TestCaseResult c = testing::FailingCase();
  EXPECT_EQ(json::parse(CaseJsonText(c)), json::parse(CaseJson(c).dump()));
  engine::MessageRecord m = c.messages[0];
  c.messages.clear();
  for (size_t i = 0; i <= kPrettyMessageLimit; ++i) {
    m.to = "sip:member" + std::to_string(i) + "@example.org";
    c.messages.push_back(m);
  }
  std::string text = CaseJsonText(c);
  EXPECT_EQ(json::parse(text), json::parse(CaseJson(c).dump()));
  // One line per message beyond the limit.
  EXPECT_LT(std::count(text.begin(), text.end(), '\n'), static_cast<long>(kPrettyMessageLimit) + 60);
}

TEST(CaseJsonTextTest, LargeCasesKeepMessageOrder) {
  TestCaseResult c = testing::FailingCase();
  const size_t count = 1500;
  std::vector<engine::MessageRecord> originals = c.messages;
  c.messages.clear();
  for (size_t i = 0; i < count; ++i) {
    engine::MessageRecord m = originals[i % originals.size()];
    m.step = static_cast<int>(i);
    c.messages.push_back(m);
  }
  json j = json::parse(CaseJsonText(c));
  ASSERT_EQ(j["messages"].size(), count);
  for (size_t i = 0; i < count; ++i) {
    ASSERT_EQ(j["messages"][i]["step"], i);
    ASSERT_EQ(j["messages"][i]["wire_b64"], ToBase64(c.messages[i].wire));
    ASSERT_EQ(j["messages"][i].contains("decoded"), i % originals.size() == 0 || i % originals.size() == 2);
  }
}

TEST(CaseJsonTextTest, IsIndentedValidJsonOfOneCase) {
  std::string text = CaseJsonText(testing::FailingCase());
  EXPECT_EQ(text.rfind("    {\n      \"id\": ", 0), 0u) << text.substr(0, 40);
  json j = json::parse(text);
  EXPECT_EQ(j["id"], "PGMS-REGROUP-002");
}

}  // namespace
}  // namespace mcx::report
