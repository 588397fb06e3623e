// Conformance checks: the stable IDs every verdict is reported under, with
// the clause that requires each and whether it is a MUST or a SHOULD, all
// from the one registry mikey/checks.def. The GKTP verifier and the
// harness's flow checks both report CheckResults under a typed CheckId; the
// catalogue is what docs/checks.md documents.
#ifndef MCXTEST_MIKEY_CHECKS_H_
#define MCXTEST_MIKEY_CHECKS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcx::checks {

enum class Requirement { kMust, kShould };
enum class CheckScope { kMessage, kFlow };

enum class CheckId : uint8_t {
#define MCX_CHECK(e, ...) e,
#include "mikey/checks.def"
};

inline constexpr std::string_view kCheckIdNames[] = {
#define MCX_CHECK(e, id, ...) id,
#include "mikey/checks.def"
};
inline constexpr size_t kCheckCount = std::size(kCheckIdNames);

// The text ID reports carry ("HDR.VBIT").
constexpr std::string_view CheckIdName(CheckId id) { return kCheckIdNames[static_cast<size_t>(id)]; }

// The text IDs of a list of checks, for the tables (faults, defects, reason
// codes) that name checks by CheckId but are read as text.
template <size_t N>
constexpr std::array<std::string_view, N> CheckIdNames(const CheckId (&ids)[N]) {
  std::array<std::string_view, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = CheckIdName(ids[i]);
  return out;
}
// kNotEvaluated: an earlier check failed and left this one nothing to
// evaluate (no GMK to derive a GUK-ID from, no signer KMS to verify under).
// It names its blocker and never counts as a failure: the blocker does.
enum class CheckStatus { kPass, kFail, kNotApplicable, kNotEvaluated };
inline constexpr CheckStatus kAllCheckStatuses[] = {CheckStatus::kPass, CheckStatus::kFail,
                                                    CheckStatus::kNotApplicable, CheckStatus::kNotEvaluated};

const char* RequirementName(Requirement r);  // "MUST" / "SHOULD"
// "pass" / "fail" / "n/a" / "not-evaluated": the spelling reports carry.
const char* CheckStatusName(CheckStatus s);
std::optional<CheckStatus> CheckStatusFromName(std::string_view name);

struct CheckInfo {
  CheckId check;
  std::string_view id;
  std::string_view clause;
  Requirement requirement;
  CheckScope scope;
  std::string_view summary;
  const char* expert;  // the dissector's expert-info text; null for flow checks
};

// Every check ID mcxtest reports, in documentation order (checks.def's).
const std::vector<CheckInfo>& Catalogue();
const CheckInfo& Info(CheckId id);
// For IDs read from text (test cases, reason codes, reports): null if unknown.
const CheckInfo* FindCheck(std::string_view id);

struct CheckResult {
  std::string id;
  std::string clause;
  Requirement requirement = Requirement::kMust;
  CheckStatus status = CheckStatus::kNotApplicable;
  std::string detail;
  // The failed check that left this one unevaluated (kNotEvaluated only).
  std::string blocked_by;
  // Filled on failures where a value was compared.
  std::string expected;
  std::string actual;

  bool failed() const { return status == CheckStatus::kFail; }
  bool not_evaluated() const { return status == CheckStatus::kNotEvaluated; }
  // A failure that makes the verdict a failure (SHOULD failures only warn).
  bool failed_must() const { return failed() && requirement == Requirement::kMust; }
};

// Accumulates results for registered checks: the typed ID means reports
// never carry undocumented checks.
class CheckList {
 public:
  CheckResult& Pass(CheckId id, std::string detail = "");
  CheckResult& Fail(CheckId id, std::string detail, std::string expected = "", std::string actual = "");
  CheckResult& NotApplicable(CheckId id, std::string detail = "");
  // `id` cannot be evaluated because a check it depends on did not pass.
  // Recorded as not evaluated, blocked by the first of `blockers` that failed
  // (or by what left that one unevaluated); when none of them failed the
  // dependency is not the reason, and `id` fails with `detail` instead, so a
  // message is never accepted for a fault nothing reported.
  CheckResult& Blocked(CheckId id, std::initializer_list<CheckId> blockers, std::string detail,
                       std::string expected = "", std::string actual = "");
  // Pass or Fail by `ok`.
  CheckResult& Expect(bool ok, CheckId id, std::string detail, std::string expected = "", std::string actual = "");

  const std::vector<CheckResult>& results() const { return results_; }
  std::vector<CheckResult>& mutable_results() { return results_; }
  const CheckResult* Find(CheckId id) const { return Find(CheckIdName(id)); }
  const CheckResult* Find(std::string_view id) const;
  bool AnyMustFailed() const;
  std::vector<std::string> FailedIds() const;

 private:
  CheckResult& Add(CheckId id, CheckStatus status, std::string detail);
  std::vector<CheckResult> results_;
};

}  // namespace mcx::checks

#endif  // MCXTEST_MIKEY_CHECKS_H_
