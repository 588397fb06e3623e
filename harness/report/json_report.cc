#include "harness/report/json_report.h"

#include <limits>

#include "crypto/bounded_json.h"
#include "crypto/bytes.h"
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

Error FieldError(const std::string& path, const std::string& problem) {
  return Error(ErrorCode::kParse, "report.json " + path + ": " + problem);
}

std::string Child(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// Field access that checks presence and type, so hostile or truncated
// reports yield errors, never nlohmann exceptions.
class Reader {
 public:
  Reader(const DomJson& object, std::string path) : object_(object), path_(std::move(path)) {}

  const std::string& path() const { return path_; }

  Result<const DomJson*> Get(const std::string& key, bool required) const {
    if (!object_.is_object()) return FieldError(path_.empty() ? "document" : path_, "expected an object");
    auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) return FieldError(Child(path_, key), "missing");
      return static_cast<const DomJson*>(nullptr);
    }
    return &*it;
  }

  Status String(const std::string& key, std::string* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_string()) return TypeError(key, "a string", *value);
    *out = value->get<std::string>();
    return Status::Ok();
  }

  bool Has(const std::string& key) const { return object_.is_object() && object_.contains(key); }

  Status Bool(const std::string& key, bool* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_boolean()) return TypeError(key, "a boolean", *value);
    *out = value->get<bool>();
    return Status::Ok();
  }

  Status Int(const std::string& key, int* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_number_integer()) return TypeError(key, "an integer", *value);
    if (value->is_number_unsigned()) {
      uint64_t v = value->get<uint64_t>();
      if (v > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
        return FieldError(Child(path_, key), "out of range");
      }
      *out = static_cast<int>(v);
      return Status::Ok();
    }
    int64_t v = value->get<int64_t>();
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      return FieldError(Child(path_, key), "out of range");
    }
    *out = static_cast<int>(v);
    return Status::Ok();
  }

  Status Uint64(const std::string& key, uint64_t* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_number_unsigned()) return TypeError(key, "a non-negative integer", *value);
    *out = value->get<uint64_t>();
    return Status::Ok();
  }

  Status Double(const std::string& key, double* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_number()) return TypeError(key, "a number", *value);
    *out = value->get<double>();
    return Status::Ok();
  }

  Status StringArray(const std::string& key, std::vector<std::string>* out, bool required = true) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return Status::Ok();
    if (!value->is_array()) return TypeError(key, "an array", *value);
    out->clear();
    for (size_t i = 0; i < value->size(); ++i) {
      const DomJson& item = (*value)[i];
      if (!item.is_string()) {
        return FieldError(Index(Child(path_, key), i), std::string("expected a string, got ") + item.type_name());
      }
      out->push_back(item.get<std::string>());
    }
    return Status::Ok();
  }

  // An array field (empty when optional and absent).
  Result<const DomJson*> Array(const std::string& key, bool required = true) const {
    static const DomJson kEmpty = DomJson::array();
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, required));
    if (value == nullptr) return &kEmpty;
    if (!value->is_array()) return TypeError(key, "an array", *value);
    return value;
  }

  Result<Reader> Object(const std::string& key) const {
    MCX_ASSIGN_OR_RETURN(const DomJson* value, Get(key, true));
    if (!value->is_object()) return TypeError(key, "an object", *value);
    return Reader(*value, Child(path_, key));
  }

 private:
  Error TypeError(const std::string& key, const char* expected, const DomJson& value) const {
    return FieldError(Child(path_, key), std::string("expected ") + expected + ", got " + value.type_name());
  }

  const DomJson& object_;
  std::string path_;
};

Result<Verdict> ParseVerdict(const std::string& name, const std::string& path) {
  if (auto v = engine::VerdictFromName(name)) return *v;
  return FieldError(path, "unknown verdict '" + S(name) + "' (passed, failed, skipped, error, inconclusive)");
}

Status ReadControl(const Reader& r, engine::ControlResult* control) {
  if (!r.Has("control")) return Status::Ok();
  MCX_ASSIGN_OR_RETURN(Reader c, r.Object("control"));
  std::string status;
  MCX_RETURN_IF_ERROR(c.String("status", &status));
  auto parsed = engine::ControlStatusFromName(status);
  if (!parsed) {
    return FieldError(Child(c.path(), "status"),
                      "unknown control status '" + S(status) + "' (none, off, accepted, rejected)");
  }
  control->status = *parsed;
  return c.String("detail", &control->detail, false);
}

Status ReadCheck(const Reader& r, checks::CheckResult* check) {
  MCX_RETURN_IF_ERROR(r.String("id", &check->id));
  MCX_RETURN_IF_ERROR(r.String("clause", &check->clause, false));
  std::string requirement, status;
  MCX_RETURN_IF_ERROR(r.String("requirement", &requirement));
  if (requirement == checks::RequirementName(checks::Requirement::kMust)) {
    check->requirement = checks::Requirement::kMust;
  } else if (requirement == checks::RequirementName(checks::Requirement::kShould)) {
    check->requirement = checks::Requirement::kShould;
  } else {
    return FieldError(Child(r.path(), "requirement"), "unknown requirement '" + S(requirement) + "'");
  }
  MCX_RETURN_IF_ERROR(r.String("status", &status));
  auto parsed = checks::CheckStatusFromName(status);
  if (!parsed) {
    return FieldError(Child(r.path(), "status"),
                      "unknown status '" + S(status) + "' (pass, fail, n/a, not-evaluated)");
  }
  check->status = *parsed;
  MCX_RETURN_IF_ERROR(r.String("blocked_by", &check->blocked_by, false));
  // The blocker is what a not-evaluated check means; on another status it
  // would be a claim nothing reads.
  if (check->not_evaluated() && check->blocked_by.empty()) {
    return FieldError(Child(r.path(), "blocked_by"), "a not-evaluated check names the check that blocked it");
  }
  if (!check->not_evaluated() && !check->blocked_by.empty()) {
    return FieldError(Child(r.path(), "blocked_by"), "only a not-evaluated check has a blocker (status is '" +
                                                         S(status) + "')");
  }
  MCX_RETURN_IF_ERROR(r.String("detail", &check->detail, false));
  MCX_RETURN_IF_ERROR(r.String("expected", &check->expected, false));
  MCX_RETURN_IF_ERROR(r.String("actual", &check->actual, false));
  return Status::Ok();
}

Status ReadChecks(const Reader& r, const std::string& key, std::vector<checks::CheckResult>* out) {
  MCX_ASSIGN_OR_RETURN(const DomJson* list, r.Array(key, false));
  for (size_t i = 0; i < list->size(); ++i) {
    checks::CheckResult check;
    MCX_RETURN_IF_ERROR(ReadCheck(Reader((*list)[i], Index(Child(r.path(), key), i)), &check));
    out->push_back(std::move(check));
  }
  return Status::Ok();
}

Status ReadMessage(const Reader& r, MessageRecord* m) {
  MCX_RETURN_IF_ERROR(r.Int("step", &m->step));
  MCX_RETURN_IF_ERROR(r.String("from", &m->from, false));
  MCX_RETURN_IF_ERROR(r.String("to", &m->to, false));
  MCX_RETURN_IF_ERROR(r.String("produced_by", &m->produced_by, false));
  MCX_RETURN_IF_ERROR(r.String("kind", &m->kind, false));
  MCX_RETURN_IF_ERROR(r.String("note", &m->note, false));
  std::string wire_b64;
  MCX_RETURN_IF_ERROR(r.String("wire_b64", &wire_b64));
  auto wire = FromBase64(wire_b64);
  if (!wire.ok()) return FieldError(Child(r.path(), "wire_b64"), wire.error().ToString());
  m->wire = std::move(wire).value();
  return ReadChecks(r, "checks", &m->checks);
}

Status ReadCase(const Reader& r, TestCaseResult* c) {
  MCX_RETURN_IF_ERROR(r.String("id", &c->id));
  MCX_RETURN_IF_ERROR(r.String("title", &c->title, false));
  MCX_RETURN_IF_ERROR(r.String("role", &c->role, false));
  MCX_RETURN_IF_ERROR(r.StringArray("spec_clauses", &c->spec_clauses, false));
  MCX_RETURN_IF_ERROR(r.String("source_file", &c->source_file, false));
  MCX_RETURN_IF_ERROR(r.String("expected_outcome", &c->expected_outcome, false));
  MCX_RETURN_IF_ERROR(r.String("mutation", &c->mutation, false));
  std::string verdict;
  MCX_RETURN_IF_ERROR(r.String("verdict", &verdict));
  MCX_ASSIGN_OR_RETURN(c->verdict, ParseVerdict(verdict, Child(r.path(), "verdict")));
  MCX_RETURN_IF_ERROR(r.String("summary", &c->summary, false));
  MCX_RETURN_IF_ERROR(r.String("sut_reason", &c->sut_reason, false));
  MCX_RETURN_IF_ERROR(ReadControl(r, &c->control));
  MCX_RETURN_IF_ERROR(r.Double("seconds", &c->seconds, false));
  MCX_RETURN_IF_ERROR(ReadChecks(r, "flow_checks", &c->flow_checks));
  MCX_ASSIGN_OR_RETURN(const DomJson* messages, r.Array("messages", false));
  for (size_t i = 0; i < messages->size(); ++i) {
    MessageRecord m;
    MCX_RETURN_IF_ERROR(ReadMessage(Reader((*messages)[i], Index(Child(r.path(), "messages"), i)), &m));
    c->messages.push_back(std::move(m));
  }
  MCX_RETURN_IF_ERROR(r.StringArray("sut_stderr_tail", &c->sut_stderr_tail, false));
  MCX_RETURN_IF_ERROR(r.String("sut_exit", &c->sut_exit, false));
  return Status::Ok();
}

Result<RunResult> ReadDocument(const DomJson& document) {
  Reader root(document, "");
  std::string format;
  MCX_RETURN_IF_ERROR(root.String("format", &format));
  if (format != kJsonReportFormat) {
    return FieldError("format", "expected '" + std::string(kJsonReportFormat) + "', got '" + S(format) + "'");
  }
  int version = 0;
  MCX_RETURN_IF_ERROR(root.Int("format_version", &version));
  if (version < 1 || version > kJsonReportVersion) {
    return FieldError("format_version", "version " + std::to_string(version) + " is not supported (this mcxtest reads 1 to " +
                                            std::to_string(kJsonReportVersion) + ")");
  }
  RunResult run;
  MCX_ASSIGN_OR_RETURN(Reader info, root.Object("run"));
  MCX_RETURN_IF_ERROR(info.String("implementation_name", &run.info.implementation_name, false));
  MCX_RETURN_IF_ERROR(info.String("implementation_version", &run.info.implementation_version, false));
  MCX_RETURN_IF_ERROR(info.String("sut_command", &run.info.sut_command, false));
  MCX_RETURN_IF_ERROR(info.String("command_line", &run.info.command_line, false));
  MCX_RETURN_IF_ERROR(info.Uint64("seed", &run.info.seed, false));
  MCX_RETURN_IF_ERROR(info.String("started_at", &run.info.started_at, false));
  MCX_RETURN_IF_ERROR(info.String("mcxtest_version", &run.info.mcxtest_version, false));
  MCX_RETURN_IF_ERROR(info.String("pcap_dir", &run.info.pcap_dir, false));
  MCX_RETURN_IF_ERROR(info.Bool("controls", &run.info.controls, false));
  MCX_RETURN_IF_ERROR(info.Uint64("t_window_seconds", &run.info.t_window_seconds, false));
  std::string state;
  MCX_RETURN_IF_ERROR(root.String("state", &state));
  if (state == RunStateName(RunState::kFinished)) {
    run.interrupted = false;
  } else if (state == RunStateName(RunState::kInterrupted) || state == RunStateName(RunState::kRunning)) {
    run.interrupted = true;
  } else {
    return FieldError("state", "unknown run state '" + S(state) + "' (running, finished, interrupted)");
  }
  MCX_ASSIGN_OR_RETURN(const DomJson* cases, root.Array("cases"));
  for (size_t i = 0; i < cases->size(); ++i) {
    TestCaseResult c;
    MCX_RETURN_IF_ERROR(ReadCase(Reader((*cases)[i], Index("cases", i)), &c));
    run.cases.push_back(std::move(c));
  }
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
