#include "harness/report/json_report.h"

#include <climits>

#include "crypto/bounded_json.h"
#include "crypto/bytes.h"
#include "crypto/json_fields.h"
#include "mikey/codec.h"
#include "mikey/inspect.h"

namespace mcx::report {
namespace {

using Json = nlohmann::ordered_json;
using engine::MessageRecord;
using engine::RunInfo;
using engine::RunResult;
using engine::TestCaseResult;
using engine::Verdict;

// Stored strings must be valid UTF-8 or nlohmann cannot serialize them.
std::string S(const std::string& text) { return SanitizeUtf8(text); }

Json StringArray(const std::vector<std::string>& items) {
  Json out = Json::array();
  for (const auto& item : items) out.push_back(S(item));
  return out;
}

Json ChecksJson(const std::vector<checks::CheckResult>& list) {
  Json out = Json::array();
  for (const auto& check : list) out.push_back(CheckJson(check));
  return out;
}

std::string Dump(const Json& j) { return j.dump(2, ' ', false, Json::error_handler_t::replace); }

// Prefixes every line of a pretty-printed value. Safe because dump() escapes
// newlines inside strings: every '\n' it emits is structural.
std::string Indent(const std::string& text, const std::string& pad) {
  std::string out = pad;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    out.push_back(ch);
    if (ch == '\n') out += pad;
  }
  return out;
}

// ------------------------------------------------------------------ reading

// Reading needs no member order, and std::map-backed objects keep key
// lookups (and the parser's duplicate-key check) logarithmic on hostile
// documents where ordered_json's are linear.
using DomJson = nlohmann::json;

// Field access that checks presence and type (crypto/json_fields.h), so
// hostile or truncated reports yield errors naming the field
// ("report.json: field 'cases[1].id': ..."), never nlohmann exceptions.
constexpr char kWhere[] = "report.json";

Result<Verdict> ParseVerdict(const JsonFields& r) {
  MCX_ASSIGN_OR_RETURN(std::string name, r.String("verdict"));
  if (auto v = engine::VerdictFromName(name)) return *v;
  return r.FieldError("verdict", "unknown verdict '" + S(name) + "' (passed, failed, skipped, error, inconclusive)");
}

Status ReadControl(const JsonFields& r, engine::ControlResult* control) {
  if (!r.Has("control")) return Status::Ok();
  MCX_ASSIGN_OR_RETURN(JsonFields c, r.Object("control"));
  MCX_ASSIGN_OR_RETURN(std::string status, c.String("status"));
  auto parsed = engine::ControlStatusFromName(status);
  if (!parsed) {
    return c.FieldError("status", "unknown control status '" + S(status) + "' (none, off, accepted, rejected)");
  }
  control->status = *parsed;
  MCX_ASSIGN_OR_RETURN(control->detail, c.OptionalString("detail", ""));
  return Status::Ok();
}

Result<checks::CheckResult> CheckFrom(const JsonFields& r) {
  checks::CheckResult check;
  MCX_ASSIGN_OR_RETURN(check.id, r.String("id"));
  MCX_ASSIGN_OR_RETURN(check.clause, r.OptionalString("clause", ""));
  MCX_ASSIGN_OR_RETURN(std::string requirement, r.String("requirement"));
  if (requirement == checks::RequirementName(checks::Requirement::kMust)) {
    check.requirement = checks::Requirement::kMust;
  } else if (requirement == checks::RequirementName(checks::Requirement::kShould)) {
    check.requirement = checks::Requirement::kShould;
  } else {
    return r.FieldError("requirement", "unknown requirement '" + S(requirement) + "'");
  }
  MCX_ASSIGN_OR_RETURN(std::string status, r.String("status"));
  auto parsed = checks::CheckStatusFromName(status);
  if (!parsed) return r.FieldError("status", "unknown status '" + S(status) + "' (pass, fail, n/a, not-evaluated)");
  check.status = *parsed;
  MCX_ASSIGN_OR_RETURN(check.blocked_by, r.OptionalString("blocked_by", ""));
  // The blocker is what a not-evaluated check means; on another status it
  // would be a claim nothing reads.
  if (check.not_evaluated() && check.blocked_by.empty()) {
    return r.FieldError("blocked_by", "a not-evaluated check names the check that blocked it");
  }
  if (!check.not_evaluated() && !check.blocked_by.empty()) {
    return r.FieldError("blocked_by", "only a not-evaluated check has a blocker (status is '" + S(status) + "')");
  }
  MCX_ASSIGN_OR_RETURN(check.detail, r.OptionalString("detail", ""));
  MCX_ASSIGN_OR_RETURN(check.expected, r.OptionalString("expected", ""));
  MCX_ASSIGN_OR_RETURN(check.actual, r.OptionalString("actual", ""));
  return check;
}

// An optional array of records (none when absent).
template <typename T>
Result<std::vector<T>> OptionalEach(const JsonFields& r, const std::string& key,
                                    Result<T> (*read)(const JsonFields&)) {
  if (!r.Has(key)) return std::vector<T>();
  return r.ReadEach(key, read);
}

Result<MessageRecord> MessageFrom(const JsonFields& r) {
  MessageRecord m;
  MCX_ASSIGN_OR_RETURN(int64_t step, r.Integer("step", INT_MIN, INT_MAX));
  m.step = static_cast<int>(step);
  MCX_ASSIGN_OR_RETURN(m.from, r.OptionalString("from", ""));
  MCX_ASSIGN_OR_RETURN(m.to, r.OptionalString("to", ""));
  MCX_ASSIGN_OR_RETURN(m.produced_by, r.OptionalString("produced_by", ""));
  MCX_ASSIGN_OR_RETURN(m.kind, r.OptionalString("kind", ""));
  MCX_ASSIGN_OR_RETURN(m.note, r.OptionalString("note", ""));
  MCX_ASSIGN_OR_RETURN(m.wire, r.Base64("wire_b64"));
  MCX_ASSIGN_OR_RETURN(m.checks, OptionalEach(r, "checks", &CheckFrom));
  return m;
}

Result<TestCaseResult> CaseFrom(const JsonFields& r) {
  TestCaseResult c;
  MCX_ASSIGN_OR_RETURN(c.id, r.String("id"));
  MCX_ASSIGN_OR_RETURN(c.title, r.OptionalString("title", ""));
  MCX_ASSIGN_OR_RETURN(c.role, r.OptionalString("role", ""));
  if (r.Has("spec_clauses")) {
    MCX_ASSIGN_OR_RETURN(c.spec_clauses, r.StringArray("spec_clauses"));
  }
  MCX_ASSIGN_OR_RETURN(c.source_file, r.OptionalString("source_file", ""));
  MCX_ASSIGN_OR_RETURN(c.expected_outcome, r.OptionalString("expected_outcome", ""));
  MCX_ASSIGN_OR_RETURN(c.mutation, r.OptionalString("mutation", ""));
  MCX_ASSIGN_OR_RETURN(c.verdict, ParseVerdict(r));
  MCX_ASSIGN_OR_RETURN(c.summary, r.OptionalString("summary", ""));
  MCX_ASSIGN_OR_RETURN(c.sut_reason, r.OptionalString("sut_reason", ""));
  MCX_RETURN_IF_ERROR(ReadControl(r, &c.control));
  if (r.Has("seconds")) {
    MCX_ASSIGN_OR_RETURN(c.seconds, r.Number("seconds"));
  }
  MCX_ASSIGN_OR_RETURN(c.flow_checks, OptionalEach(r, "flow_checks", &CheckFrom));
  MCX_ASSIGN_OR_RETURN(c.messages, OptionalEach(r, "messages", &MessageFrom));
  if (r.Has("sut_stderr_tail")) {
    MCX_ASSIGN_OR_RETURN(c.sut_stderr_tail, r.StringArray("sut_stderr_tail"));
  }
  MCX_ASSIGN_OR_RETURN(c.sut_exit, r.OptionalString("sut_exit", ""));
  return c;
}

Status ReadRunInfo(const JsonFields& root, RunInfo* info) {
  MCX_ASSIGN_OR_RETURN(JsonFields r, root.Object("run"));
  MCX_ASSIGN_OR_RETURN(info->implementation_name, r.OptionalString("implementation_name", ""));
  MCX_ASSIGN_OR_RETURN(info->implementation_version, r.OptionalString("implementation_version", ""));
  MCX_ASSIGN_OR_RETURN(info->sut_command, r.OptionalString("sut_command", ""));
  MCX_ASSIGN_OR_RETURN(info->command_line, r.OptionalString("command_line", ""));
  if (r.Has("seed")) {
    MCX_ASSIGN_OR_RETURN(info->seed, r.Unsigned("seed"));
  }
  MCX_ASSIGN_OR_RETURN(info->started_at, r.OptionalString("started_at", ""));
  MCX_ASSIGN_OR_RETURN(info->mcxtest_version, r.OptionalString("mcxtest_version", ""));
  MCX_ASSIGN_OR_RETURN(info->pcap_dir, r.OptionalString("pcap_dir", ""));
  MCX_ASSIGN_OR_RETURN(info->controls, r.OptionalBool("controls", info->controls));
  if (r.Has("t_window_seconds")) {
    MCX_ASSIGN_OR_RETURN(info->t_window_seconds, r.Unsigned("t_window_seconds"));
  }
  return Status::Ok();
}

Result<RunResult> ReadDocument(const DomJson& document) {
  const JsonFields root(document, "", kWhere);
  MCX_ASSIGN_OR_RETURN(std::string format, root.String("format"));
  if (format != kJsonReportFormat) {
    return root.FieldError("format", "expected '" + std::string(kJsonReportFormat) + "', got '" + S(format) + "'");
  }
  MCX_ASSIGN_OR_RETURN(int64_t version, root.Integer("format_version", INT_MIN, INT_MAX));
  if (version < 1 || version > kJsonReportVersion) {
    return root.FieldError("format_version", "version " + std::to_string(version) +
                                                 " is not supported (this mcxtest reads 1 to " +
                                                 std::to_string(kJsonReportVersion) + ")");
  }
  RunResult run;
  MCX_RETURN_IF_ERROR(ReadRunInfo(root, &run.info));
  MCX_ASSIGN_OR_RETURN(std::string state, root.String("state"));
  if (state == RunStateName(RunState::kFinished)) {
    run.interrupted = false;
  } else if (state == RunStateName(RunState::kInterrupted) || state == RunStateName(RunState::kRunning)) {
    run.interrupted = true;
  } else {
    return root.FieldError("state", "unknown run state '" + S(state) + "' (running, finished, interrupted)");
  }
  MCX_ASSIGN_OR_RETURN(run.cases, root.ReadEach("cases", &CaseFrom));
  return run;
}

}  // namespace

Json CheckJson(const checks::CheckResult& check) {
  Json j;
  j["id"] = S(check.id);
  j["clause"] = S(check.clause);
  j["requirement"] = checks::RequirementName(check.requirement);
  j["status"] = checks::CheckStatusName(check.status);
  if (!check.blocked_by.empty()) j["blocked_by"] = S(check.blocked_by);
  // Most checks pass with nothing to add; omitting empty fields keeps
  // reports of 10,000-member runs readable.
  if (!check.detail.empty()) j["detail"] = S(check.detail);
  if (!check.expected.empty()) j["expected"] = S(check.expected);
  if (!check.actual.empty()) j["actual"] = S(check.actual);
  return j;
}

Json MessageJson(const MessageRecord& message) {
  Json j;
  j["step"] = message.step;
  j["from"] = S(message.from);
  j["to"] = S(message.to);
  j["produced_by"] = S(message.produced_by);
  j["kind"] = S(message.kind);
  if (!message.note.empty()) j["note"] = S(message.note);
  j["length"] = message.wire.size();
  j["wire_b64"] = ToBase64(message.wire);
  j["checks"] = ChecksJson(message.checks);
  auto parsed = mikey::Parse(message.wire);
  if (parsed.ok()) {
    j["decoded"] = mikey::InspectJson(*parsed);
  } else {
    j["decode_error"] = S(parsed.error().ToString());
  }
  return j;
}

namespace {

// The members of a case before and after "messages", so CaseJsonText can
// stream the messages in between (CaseJson has the same members).
Json CaseHeadJson(const TestCaseResult& c) {
  Json j;
  j["id"] = S(c.id);
  j["title"] = S(c.title);
  j["role"] = S(c.role);
  j["spec_clauses"] = StringArray(c.spec_clauses);
  j["source_file"] = S(c.source_file);
  j["expected_outcome"] = S(c.expected_outcome);
  j["mutation"] = S(c.mutation);
  j["verdict"] = engine::VerdictName(c.verdict);
  j["summary"] = S(c.summary);
  // Only cases whose SUT rejected the message carry one.
  if (!c.sut_reason.empty()) j["sut_reason"] = S(c.sut_reason);
  // Only cases with a control carry one, so positive cases read as before.
  if (c.control.status != engine::ControlStatus::kNone) {
    Json control;
    control["status"] = engine::ControlStatusName(c.control.status);
    if (!c.control.detail.empty()) control["detail"] = S(c.control.detail);
    j["control"] = std::move(control);
  }
  j["seconds"] = SanitizedSeconds(c.seconds);
  j["failed_checks"] = StringArray(c.FailedCheckIds());
  j["flow_checks"] = ChecksJson(c.flow_checks);
  return j;
}

Json CaseTailJson(const TestCaseResult& c) {
  Json j;
  j["sut_stderr_tail"] = StringArray(c.sut_stderr_tail);
  j["sut_exit"] = S(c.sut_exit);
  return j;
}

// The lines between the braces of a pretty-printed non-empty object, each
// prefixed with `pad`.
std::string Members(const Json& object, const std::string& pad) {
  std::string text = Dump(object);  // "{\n  ...\n}"
  return Indent(text.substr(2, text.size() - 4), pad);
}

}  // namespace

Json CaseJson(const TestCaseResult& c) {
  Json j = CaseHeadJson(c);
  Json messages = Json::array();
  for (const auto& m : c.messages) messages.push_back(MessageJson(m));
  j["messages"] = std::move(messages);
  j["sut_stderr_tail"] = StringArray(c.sut_stderr_tail);
  j["sut_exit"] = S(c.sut_exit);
  return j;
}

Json RunInfoJson(const RunInfo& info) {
  Json j;
  j["implementation_name"] = S(info.implementation_name);
  j["implementation_version"] = S(info.implementation_version);
  j["sut_command"] = S(info.sut_command);
  j["command_line"] = S(info.command_line);
  j["seed"] = info.seed;
  j["started_at"] = S(info.started_at);
  j["mcxtest_version"] = S(info.mcxtest_version);
  // Only when set, so reports of runs without --pcap-dir stay as before.
  if (!info.pcap_dir.empty()) j["pcap_dir"] = S(info.pcap_dir);
  j["controls"] = info.controls;
  j["t_window_seconds"] = info.t_window_seconds;
  return j;
}

Json CountsJson(const RunCounts& counts) {
  auto verdicts = [](const VerdictCounts& v) {
    return Json{{"total", v.total()}, {"passed", v.passed}, {"failed", v.failed}, {"skipped", v.skipped},
                {"error", v.error},   {"inconclusive", v.inconclusive}};
  };
  Json j = verdicts(counts.all);
  Json by_role = Json::object();
  for (const auto& [role, v] : counts.by_role) by_role[S(role)] = verdicts(v);
  j["by_role"] = std::move(by_role);
  return j;
}

namespace {

// The elements of a case's "messages" array, one message at a time so no
// JSON tree of the whole case is ever built.
std::string RenderMessages(const std::vector<MessageRecord>& messages, bool pretty, const std::string& pad) {
  std::string out;
  for (size_t i = 0; i < messages.size(); ++i) {
    Json message = MessageJson(messages[i]);
    out += i == 0 ? "\n" : ",\n";
    if (pretty) {
      out += Indent(Dump(message), pad);
    } else {
      out += pad + message.dump(-1, ' ', false, Json::error_handler_t::replace);
    }
  }
  return out;
}

}  // namespace

std::string CaseJsonText(const TestCaseResult& c) {
  const std::string pad = "    ";  // inside {"cases": [ ... ]}
  const std::string member_pad = pad + "  ";
  const bool pretty = c.messages.size() <= kPrettyMessageLimit;
  std::string messages = RenderMessages(c.messages, pretty, member_pad + "  ");
  std::string head = pad + "{\n" + Members(CaseHeadJson(c), pad) + ",\n" + member_pad + "\"messages\": [";
  std::string tail = c.messages.empty() ? "],\n" : "\n" + member_pad + "],\n";
  tail += Members(CaseTailJson(c), pad) + "\n" + pad + "}";
  std::string out;
  out.reserve(head.size() + messages.size() + tail.size());
  out += head;
  out += messages;
  out += tail;
  return out;
}

DocumentFrame JsonReportFrame(const RunInfo& info, const RunCounts& counts, RunState state) {
  Json head;
  head["format"] = kJsonReportFormat;
  head["format_version"] = kJsonReportVersion;
  head["run"] = RunInfoJson(info);
  head["state"] = RunStateName(state);
  head["counts"] = CountsJson(counts);
  DocumentFrame frame;
  // Reopen the object (it ends with "\n}") to append the cases.
  frame.head = Dump(head);
  frame.head.resize(frame.head.size() - 2);
  frame.separator = ",\n";
  if (counts.all.total() == 0) {
    frame.head += ",\n  \"cases\": [";
    frame.tail = "]\n}\n";
  } else {
    frame.head += ",\n  \"cases\": [\n";
    frame.tail = "\n  ]\n}\n";
  }
  return frame;
}

std::string JsonReport(const RunResult& run) {
  std::vector<std::string> texts;
  texts.reserve(run.cases.size());
  for (const auto& c : run.cases) texts.push_back(CaseJsonText(c));
  return JsonReportFrame(run.info, CountCases(run.cases), RunStateOf(run)).Assemble(texts);
}

Result<RunResult> ReadJsonReport(std::string_view text) {
  Result<DomJson> document = ParseBoundedJson(text, {.max_size = kMaxJsonReportSize});
  if (!document.ok()) return document.error().WithContext("report.json");
  try {
    return ReadDocument(*document);
  } catch (const DomJson::exception& e) {
    // Unreachable by design (every access is type-checked); kept so a
    // missed check degrades into an error instead of a crash.
    return Error(ErrorCode::kInternal, std::string("report.json: ") + e.what());
  }
}

}  // namespace mcx::report
