#include "harness/report/text.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace mcx::report {
namespace {

std::string Where(const engine::MessageRecord& m) {
  return "step " + std::to_string(m.step) + ", " + m.from + " -> " + m.to;
}

}  // namespace

void AppendByteEscape(std::string& out, unsigned char octet) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", octet);
  out += buf;
}

void AppendCodePointEscape(std::string& out, char32_t code_point) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(code_point));
  out += buf;
}


const char* RunStateName(RunState state) {
  switch (state) {
    case RunState::kRunning: return "running";
    case RunState::kFinished: return "finished";
    case RunState::kInterrupted: return "interrupted";
  }
  return "?";
}

RunState RunStateOf(const engine::RunResult& run) {
  return run.interrupted ? RunState::kInterrupted : RunState::kFinished;
}

std::vector<std::string_view> DocumentFrame::Pieces(const std::vector<std::string>& parts) const {
  std::vector<std::string_view> pieces;
  pieces.reserve(parts.size() * 2 + 2);
  pieces.push_back(head);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && !separator.empty()) pieces.push_back(separator);
    pieces.push_back(parts[i]);
  }
  pieces.push_back(tail);
  return pieces;
}

std::string DocumentFrame::Assemble(const std::vector<std::string>& parts) const {
  std::string out;
  for (std::string_view piece : Pieces(parts)) out.append(piece);
  return out;
}

bool IsBidiControl(char32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
         cp == 0x061c;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscapedUtf8(text, out, [&](char32_t, std::string_view sequence) { out.append(sequence); });
  return out;
}

std::string PrintableText(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  AppendEscapedUtf8(text, out, [&](char32_t cp, std::string_view sequence) {
    if (cp == '\n' && keep_newlines) {
      out.push_back('\n');
    } else if (cp < 0x20 || cp == 0x7f) {
      AppendByteEscape(out, static_cast<unsigned char>(cp));
    } else if ((cp >= 0x80 && cp <= 0x9f) || IsBidiControl(cp)) {
      AppendCodePointEscape(out, cp);
    } else {
      out.append(sequence);
    }
  });
  return out;
}

double SanitizedSeconds(double seconds) {
  return std::isfinite(seconds) && seconds > 0 ? seconds : 0.0;
}

std::string FormatSeconds(double seconds, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, SanitizedSeconds(seconds));
  return buf;
}

void VerdictCounts::Add(engine::Verdict v) {
  switch (v) {
    case engine::Verdict::kPassed: ++passed; break;
    case engine::Verdict::kFailed: ++failed; break;
    case engine::Verdict::kSkipped: ++skipped; break;
    case engine::Verdict::kError: ++error; break;
    case engine::Verdict::kInconclusive: ++inconclusive; break;
  }
}

int VerdictCounts::Get(engine::Verdict v) const {
  switch (v) {
    case engine::Verdict::kPassed: return passed;
    case engine::Verdict::kFailed: return failed;
    case engine::Verdict::kSkipped: return skipped;
    case engine::Verdict::kError: return error;
    case engine::Verdict::kInconclusive: return inconclusive;
  }
  return 0;
}

void RunCounts::Add(const engine::TestCaseResult& c) {
  all.Add(c.verdict);
  by_role[c.role].Add(c.verdict);
}

RunCounts CountCases(const std::vector<engine::TestCaseResult>& cases) {
  RunCounts counts;
  for (const auto& c : cases) counts.Add(c);
  return counts;
}

std::vector<FailureGroup> GroupSutFailures(const engine::TestCaseResult& c,
                                           checks::Requirement requirement,
                                           size_t max_examples) {
  std::vector<FailureGroup> groups;
  std::map<std::string, size_t> index_of;
  auto add = [&](const checks::CheckResult& check, const std::string& where) {
    if (!check.failed() || check.requirement != requirement) return;
    auto [it, inserted] = index_of.emplace(check.id, groups.size());
    if (inserted) groups.push_back(FailureGroup{check.id, {}, 0});
    FailureGroup& group = groups[it->second];
    ++group.count;
    if (group.examples.size() < max_examples) group.examples.push_back({&check, where});
  };
  for (const auto& m : c.messages) {
    if (m.produced_by != "sut") continue;
    std::string where;  // built lazily: most messages fail nothing
    for (const auto& check : m.checks) {
      if (!check.failed()) continue;
      if (where.empty()) where = Where(m);
      add(check, where);
    }
  }
  for (const auto& check : c.flow_checks) add(check, "flow");
  return groups;
}

namespace {

void DescribeGroups(const std::vector<FailureGroup>& groups, std::string_view indent,
                    std::string_view heading, std::string& out) {
  if (groups.empty()) return;
  std::string pad(indent);
  if (!heading.empty()) out += pad + std::string(heading) + "\n";
  for (const FailureGroup& group : groups) {
    const checks::CheckResult& first = *group.examples.front().check;
    out += pad + PrintableText(group.id) + " [" + checks::RequirementName(first.requirement) + ", " +
           PrintableText(first.clause) + "]";
    if (group.count > 1) out += " failed " + std::to_string(group.count) + " times";
    out += "\n";
    for (const FailedCheck& example : group.examples) {
      out += pad + "  " + PrintableText(example.where);
      if (!example.check->detail.empty()) out += ": " + PrintableText(example.check->detail);
      out += "\n";
      if (!example.check->expected.empty() || !example.check->actual.empty()) {
        out += pad + "    expected: " + PrintableText(example.check->expected) + "\n";
        out += pad + "    actual:   " + PrintableText(example.check->actual) + "\n";
      }
    }
    if (group.count > group.examples.size()) {
      out += pad + "  ... and " + std::to_string(group.count - group.examples.size()) + " more\n";
    }
  }
}

// Checks of the SUT's messages that an earlier failure left unevaluated,
// once each with their blocker: a reader looking for them among the
// failures learns why they are not there.
void DescribeNotEvaluated(const engine::TestCaseResult& c, std::string_view indent, std::string& out) {
  std::string listed;
  std::set<std::string> seen;
  for (const auto& m : c.messages) {
    if (m.produced_by != "sut") continue;
    for (const auto& check : m.checks) {
      if (!check.not_evaluated() || !seen.insert(check.id).second) continue;
      listed += (listed.empty() ? "" : ", ") + PrintableText(check.id) + " (" + PrintableText(check.blocked_by) +
                " failed)";
    }
  }
  if (!listed.empty()) out += std::string(indent) + "not evaluated: " + listed + "\n";
}

}  // namespace

std::string DescribeFailures(const engine::TestCaseResult& c, std::string_view indent) {
  std::string out;
  DescribeGroups(GroupSutFailures(c, checks::Requirement::kMust), indent, "", out);
  DescribeNotEvaluated(c, indent, out);
  DescribeGroups(GroupSutFailures(c, checks::Requirement::kShould), indent,
                 "warnings (SHOULD checks failed):", out);
  return out;
}

std::string DescribeControl(const engine::TestCaseResult& c, std::string_view indent) {
  if (c.control.status != engine::ControlStatus::kRejected) return "";
  return std::string(indent) + "control: the SUT rejected the valid twin of the mutated message" +
         (c.control.detail.empty() ? "" : ": " + PrintableText(c.control.detail)) + "\n";
}

std::string DescribeSutEnd(const engine::TestCaseResult& c, std::string_view indent) {
  std::string out;
  std::string pad(indent);
  if (!c.sut_exit.empty()) out += pad + "SUT exit: " + PrintableText(c.sut_exit) + "\n";
  if (!c.sut_stderr_tail.empty()) {
    out += pad + "SUT stderr (last " + std::to_string(c.sut_stderr_tail.size()) + " lines):\n";
    for (const std::string& line : c.sut_stderr_tail) out += pad + "  | " + PrintableText(line) + "\n";
  }
  return out;
}

}  // namespace mcx::report
