// Judging the reason a SUT gave for rejecting a message (the shim answer's
// optional reason_code) against the harness's own verification of that
// message: a rejection earns a negative verdict only for a fault the
// message has.
#ifndef MCXTEST_HARNESS_ENGINE_REJECTION_REASON_H_
#define MCXTEST_HARNESS_ENGINE_REJECTION_REASON_H_

#include <string>
#include <string_view>
#include <vector>

#include "harness/shim/reason_codes.h"
#include "mikey/checks.h"

namespace mcx::engine {

enum class ReasonVerdict {
  kConfirmed,    // a check the reason names failed in the harness's verification
  kUnconfirmed,  // none failed, but some could not be evaluated there
  kWrong,        // every check it names passed or does not apply: not a fault of this message
};

struct ReasonJudgement {
  ReasonVerdict verdict = ReasonVerdict::kUnconfirmed;
  // "rejected for SIGN.TRUST, expected SIGN.VALID", with what the harness
  // saw when the reason is unconfirmed or wrong.
  std::string text;
};

// `verification`: the harness's checks of the rejected message, for its
// recipient; `expected`: the case's failing_checks (may be empty).
ReasonJudgement JudgeRejectionReason(const shim::ReasonCode& reason,
                                     const std::vector<checks::CheckResult>& verification,
                                     const std::vector<std::string>& expected);

// The flow check `check_id` (UE.REJECT, PARTNER.REJECT) of a negative case
// the SUT rejected: passes with "rejected: REASON" when the shim gave no
// reason_code (already validated when its answer was read), else by the
// judgement above — failing only for a wrong reason.
void CheckRejection(checks::CheckList& flow, checks::CheckId check_id, const std::string& reason,
                    const std::string& reason_code, const std::vector<checks::CheckResult>& verification,
                    const std::vector<std::string>& expected);

}  // namespace mcx::engine

#endif  // MCXTEST_HARNESS_ENGINE_REJECTION_REASON_H_
