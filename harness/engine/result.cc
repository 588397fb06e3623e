#include "harness/engine/result.h"

#include <set>

namespace mcx::engine {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "passed";
    case Verdict::kFailed: return "failed";
    case Verdict::kSkipped: return "skipped";
    case Verdict::kError: return "error";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

std::optional<Verdict> VerdictFromName(std::string_view name) {
  for (Verdict v : kAllVerdicts) {
    if (name == VerdictName(v)) return v;
  }
  return std::nullopt;
}

const char* ControlStatusName(ControlStatus s) {
  switch (s) {
    case ControlStatus::kNone: return "none";
    case ControlStatus::kOff: return "off";
    case ControlStatus::kAccepted: return "accepted";
    case ControlStatus::kRejected: return "rejected";
  }
  return "?";
}

std::optional<ControlStatus> ControlStatusFromName(std::string_view name) {
  for (ControlStatus s : {ControlStatus::kNone, ControlStatus::kOff, ControlStatus::kAccepted,
                          ControlStatus::kRejected}) {
    if (name == ControlStatusName(s)) return s;
  }
  return std::nullopt;
}

std::vector<checks::CheckResult> TestCaseResult::AllChecks() const {
  std::vector<checks::CheckResult> out;
  for (const auto& m : messages) out.insert(out.end(), m.checks.begin(), m.checks.end());
  out.insert(out.end(), flow_checks.begin(), flow_checks.end());
  return out;
}

std::vector<std::string> TestCaseResult::FailedCheckIds() const {
  std::set<std::string> seen;
  std::vector<std::string> out;
  // Messages the harness made invalid on purpose fail their own checks by
  // design; only what the SUT produced, and the flow, decide the verdict.
  for (const auto& m : messages) {
    if (m.produced_by != "sut") continue;
    for (const auto& c : m.checks) {
      if (c.failed_must() && seen.insert(c.id).second) out.push_back(c.id);
    }
  }
  for (const auto& c : flow_checks) {
    if (c.failed_must() && seen.insert(c.id).second) out.push_back(c.id);
  }
  return out;
}

int RunResult::Count(Verdict v) const {
  int n = 0;
  for (const auto& c : cases) n += c.verdict == v ? 1 : 0;
  return n;
}

}  // namespace mcx::engine
