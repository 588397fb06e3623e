#include "harness/engine/rejection_reason.h"

namespace mcx::engine {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

const checks::CheckResult* Find(const std::vector<checks::CheckResult>& results, const std::string& id) {
  for (const auto& r : results) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

}  // namespace

ReasonJudgement JudgeRejectionReason(const shim::ReasonCode& reason,
                                     const std::vector<checks::CheckResult>& verification,
                                     const std::vector<std::string>& expected) {
  std::vector<std::string> failed, unevaluated, clean;
  for (const std::string& id : reason.checks) {
    const checks::CheckResult* r = Find(verification, id);
    if (r == nullptr) {
      unevaluated.push_back(id);  // the verifier never reached it
    } else if (r->status == checks::CheckStatus::kFail) {
      failed.push_back(id);
    } else if (r->not_evaluated()) {
      unevaluated.push_back(id);  // an earlier failure blocked it
    } else {
      clean.push_back(id);  // passed or does not apply
    }
  }
  std::string named = reason.code;
  // A category is spelled out with the checks that decided the judgement.
  auto with = [&](const std::vector<std::string>& ids) {
    return reason.is_category && !ids.empty() ? named + " (" + Join(ids) + ")" : named;
  };
  std::string wanted = expected.empty() ? "" : ", expected " + Join(expected);
  ReasonJudgement j;
  if (!failed.empty()) {
    j.verdict = ReasonVerdict::kConfirmed;
    j.text = "rejected for " + with(failed) + wanted;
  } else if (!unevaluated.empty()) {
    j.verdict = ReasonVerdict::kUnconfirmed;
    j.text = "rejected for " + with(unevaluated) + wanted + " (unconfirmed: the harness could not evaluate " +
             Join(unevaluated) + " on this message)";
  } else {
    j.verdict = ReasonVerdict::kWrong;
    j.text = "rejected for " + named + wanted + ": a fault the message does not have (" + Join(clean) +
             (clean.size() == 1 ? " passes" : " pass or do not apply") + " in the harness's verification)";
  }
  return j;
}

void CheckRejection(checks::CheckList& flow, checks::CheckId check_id, const std::string& reason,
                    const std::string& reason_code, const std::vector<checks::CheckResult>& verification,
                    const std::vector<std::string>& expected) {
  if (reason_code.empty()) {
    flow.Pass(check_id, "rejected: " + reason);
    return;
  }
  auto code = shim::ParseReasonCode(reason_code);
  if (!code.ok()) {
    flow.Fail(check_id, code.error().message(), "a reason_code of docs/shim-protocol.md", reason_code);
    return;
  }
  ReasonJudgement j = JudgeRejectionReason(*code, verification, expected);
  std::string detail = j.text + (reason.empty() ? "" : "; the SUT said: " + reason);
  if (j.verdict == ReasonVerdict::kWrong) {
    flow.Fail(check_id, detail, expected.empty() ? "rejected for a fault of the message" : "rejected for " + Join(expected),
              "rejected for " + reason_code);
  } else {
    flow.Pass(check_id, detail);
  }
}

}  // namespace mcx::engine
