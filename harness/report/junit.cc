#include "harness/report/junit.h"

#include <cstdio>

#include "harness/report/text.h"

namespace mcx::report {
namespace {

using engine::TestCaseResult;
using engine::Verdict;

// attribute="escaped value" with a leading space.
std::string Attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + XmlEscape(value, XmlContext::kAttribute) + "\"";
}

std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    if (!out.empty()) out += ",";
    out += id;
  }
  return out;
}

std::string Property(std::string_view name, std::string_view value) {
  return "      <property" + Attr("name", name) + Attr("value", value) + "/>\n";
}

// An error's type is the documented verdict word the engine put before the
// first ": " of the summary (docs/shim-protocol.md: `timeout`,
// `protocol-error`, `sut-exited`...), so CI can group errors by kind; the
// details (exit signal, stderr) stay in the message and body.
std::string ErrorType(const TestCaseResult& c) {
  std::string_view summary = c.summary;
  if (summary.find("could not be started") != std::string_view::npos) return "sut-cannot-start";
  size_t colon = summary.find(": ");
  std::string_view word = summary.substr(0, colon == std::string_view::npos ? 0 : colon);
  bool is_word = !word.empty();
  for (char ch : word) is_word = is_word && ((ch >= 'a' && ch <= 'z') || ch == '-');
  return is_word ? std::string(word) : "harness-error";
}

// Jenkins and GitLab read dots in a classname as packages.
std::string ClassnamePart(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch == '.' || ch == ' ') ch = '_';
  }
  return out;
}

}  // namespace

std::string XmlEscape(std::string_view text, XmlContext context) {
  const bool attribute = context == XmlContext::kAttribute;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  AppendEscapedUtf8(text, out, [&](char32_t cp, std::string_view sequence) {
    switch (cp) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += attribute ? "&quot;" : "\""; break;
      case '\'': out += attribute ? "&apos;" : "'"; break;
      case '\t': out += attribute ? "&#9;" : "\t"; break;
      case '\n': out += attribute ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      default:
        if (cp < 0x20 || cp == 0x7f || cp == 0xfffe || cp == 0xffff) {
          for (char octet : sequence) AppendByteEscape(out, static_cast<unsigned char>(octet));
        } else if ((cp >= 0x80 && cp <= 0x9f) || IsBidiControl(cp)) {
          // Legal XML, but people `cat` junit.xml: escape what a terminal
          // would act on, as the console does.
          AppendCodePointEscape(out, cp);
        } else {
          out.append(sequence);
        }
    }
  });
  return out;
}

std::string JunitTestCase(const TestCaseResult& c, std::string_view suite) {
  std::string classname = suite.empty() ? "mcxtest." + c.role : "mcxtest." + ClassnamePart(suite) + "." + c.role;
  std::string out = "    <testcase" + Attr("classname", classname) + Attr("name", c.id) +
                    Attr("time", FormatSeconds(c.seconds, 3));
  if (!c.source_file.empty()) out += Attr("file", c.source_file);
  // The title is in a property, not the name: renaming it keeps CI history.
  out += ">\n      <properties>\n  " + Property("title", c.title) + "      </properties>\n";
  std::string body;
  switch (c.verdict) {
    case Verdict::kPassed:
      // SHOULD failures do not fail a case but deserve to be seen in CI.
      body = DescribeFailures(c, "");
      if (!body.empty()) out += "      <system-out>" + XmlEscape(body, XmlContext::kText) + "</system-out>\n";
      break;
    case Verdict::kFailed: {
      std::vector<std::string> ids = c.FailedCheckIds();
      std::string message = c.summary.empty() ? "failed: " + JoinIds(ids) : c.summary;
      body = DescribeFailures(c, "");
      out += "      <failure" + Attr("message", message) + Attr("type", ids.empty() ? "failed" : JoinIds(ids)) +
             ">" + XmlEscape(body, XmlContext::kText) + "</failure>\n";
      break;
    }
    case Verdict::kError: {
      std::string message = c.summary.empty() ? "the SUT could not be driven" : c.summary;
      body = DescribeSutEnd(c, "") + DescribeFailures(c, "");
      out += "      <error" + Attr("message", message) + Attr("type", ErrorType(c)) + ">" +
             XmlEscape(body, XmlContext::kText) + "</error>\n";
      break;
    }
    case Verdict::kInconclusive: {
      // An error, not a failure: CI shows it red (the SUT rejects valid
      // messages), but no check of the case was shown to fail.
      std::string message = c.summary.empty() ? "rejected, but it also rejects the valid message" : c.summary;
      body = DescribeControl(c, "") + DescribeFailures(c, "");
      out += "      <error" + Attr("message", message) + Attr("type", "inconclusive") + ">" +
             XmlEscape(body, XmlContext::kText) + "</error>\n";
      break;
    }
    case Verdict::kSkipped:
      out += "      <skipped" + Attr("message", c.summary.empty() ? "skipped" : c.summary) + "/>\n";
      break;
  }
  // The stderr tail helps with failures too; errors already carry it.
  if (c.verdict != Verdict::kError && !c.sut_stderr_tail.empty()) {
    std::string tail;
    for (const auto& line : c.sut_stderr_tail) tail += line + "\n";
    out += "      <system-err>" + XmlEscape(tail, XmlContext::kText) + "</system-err>\n";
  }
  out += "    </testcase>\n";
  return out;
}

DocumentFrame JunitFrame(const engine::RunInfo& info, const std::vector<Verdict>& verdicts, double total_seconds,
                         RunState state, std::string_view suite) {
  VerdictCounts counts;
  for (Verdict v : verdicts) counts.Add(v);
  std::string totals = Attr("tests", std::to_string(counts.total())) +
                       Attr("failures", std::to_string(counts.failed)) +
                       Attr("errors", std::to_string(counts.error + counts.inconclusive)) +
                       Attr("skipped", std::to_string(counts.skipped)) +
                       Attr("time", FormatSeconds(total_seconds, 3));
  DocumentFrame frame;
  std::string& head = frame.head;
  head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  head += "<testsuites" + Attr("name", "mcxtest") + totals + ">\n";
  head += "  <testsuite" + Attr("name", suite.empty() ? std::string_view("mcxtest") : suite) + totals;
  if (!info.started_at.empty()) head += Attr("timestamp", info.started_at);
  head += ">\n    <properties>\n";
  head += Property("seed", std::to_string(info.seed));
  head += Property("sut_command", info.sut_command);
  head += Property("implementation_name", info.implementation_name);
  head += Property("implementation_version", info.implementation_version);
  head += Property("command_line", info.command_line);
  head += Property("mcxtest_version", info.mcxtest_version);
  head += Property("run_state", RunStateName(state));
  head += Property("controls", info.controls ? "on" : "off");
  head += Property("t_window_seconds", std::to_string(info.t_window_seconds));
  head += "    </properties>\n";
  frame.tail = "  </testsuite>\n</testsuites>\n";
  return frame;
}

std::string JunitXml(const engine::RunResult& run, std::string_view suite) {
  std::vector<Verdict> verdicts;
  std::vector<std::string> elements;
  double seconds = 0;
  for (const auto& c : run.cases) {
    verdicts.push_back(c.verdict);
    elements.push_back(JunitTestCase(c, suite));
    seconds += SanitizedSeconds(c.seconds);
  }
  return JunitFrame(run.info, verdicts, seconds, RunStateOf(run), suite).Assemble(elements);
}

}  // namespace mcx::report
