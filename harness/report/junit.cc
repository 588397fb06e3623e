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

std::string JunitTestCase(const TestCaseResult& c) {
  std::string out = "    <testcase" + Attr("classname", "mcxtest." + c.role) +
                    Attr("name", c.id + ": " + c.title) + Attr("time", FormatSeconds(c.seconds, 3));
  if (!c.source_file.empty()) out += Attr("file", c.source_file);
  std::string body;
  switch (c.verdict) {
    case Verdict::kPassed:
      // SHOULD failures do not fail a case but deserve to be seen in CI.
      body = DescribeFailures(c, "");
      if (!body.empty()) out += ">\n      <system-out>" + XmlEscape(body, XmlContext::kText) + "</system-out>\n";
      break;
    case Verdict::kFailed: {
      std::vector<std::string> ids = c.FailedCheckIds();
      std::string message = c.summary.empty() ? "failed: " + JoinIds(ids) : c.summary;
      body = DescribeFailures(c, "");
      out += ">\n      <failure" + Attr("message", message) + Attr("type", ids.empty() ? "failed" : JoinIds(ids)) +
             ">" + XmlEscape(body, XmlContext::kText) + "</failure>\n";
      break;
    }
    case Verdict::kError: {
      std::string message = c.summary.empty() ? "the SUT could not be driven" : c.summary;
      body = DescribeSutEnd(c, "") + DescribeFailures(c, "");
      out += ">\n      <error" + Attr("message", message) +
             Attr("type", c.sut_exit.empty() ? "sut-error" : "sut-error: " + c.sut_exit) + ">" +
             XmlEscape(body, XmlContext::kText) + "</error>\n";
      break;
    }
    case Verdict::kInconclusive: {
      // An error, not a failure: CI shows it red (the SUT rejects valid
      // messages), but no check of the case was shown to fail.
      std::string message = c.summary.empty() ? "rejected, but it also rejects the valid message" : c.summary;
      body = DescribeControl(c, "") + DescribeFailures(c, "");
      out += ">\n      <error" + Attr("message", message) + Attr("type", "inconclusive") + ">" +
             XmlEscape(body, XmlContext::kText) + "</error>\n";
      break;
    }
    case Verdict::kSkipped:
      out += ">\n      <skipped" + Attr("message", c.summary.empty() ? "skipped" : c.summary) + "/>\n";
      break;
  }
  // The stderr tail helps with failures too; errors already carry it.
  if (c.verdict != Verdict::kError && !c.sut_stderr_tail.empty()) {
    if (out.back() != '\n') out += ">\n";
    std::string tail;
    for (const auto& line : c.sut_stderr_tail) tail += line + "\n";
    out += "      <system-err>" + XmlEscape(tail, XmlContext::kText) + "</system-err>\n";
  }
  out += out.back() == '\n' ? "    </testcase>\n" : "/>\n";
  return out;
}

DocumentFrame JunitFrame(const engine::RunInfo& info, const std::vector<Verdict>& verdicts, double total_seconds,
                         RunState state) {
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
  head += "  <testsuite" + Attr("name", "mcxtest") + totals;
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

std::string JunitXml(const engine::RunResult& run) {
  std::vector<Verdict> verdicts;
  std::vector<std::string> elements;
  double seconds = 0;
  for (const auto& c : run.cases) {
    verdicts.push_back(c.verdict);
    elements.push_back(JunitTestCase(c));
    seconds += SanitizedSeconds(c.seconds);
  }
  return JunitFrame(run.info, verdicts, seconds, RunStateOf(run)).Assemble(elements);
}

}  // namespace mcx::report
