// Conformance checks: the stable IDs every verdict is reported under, with
// the clause that requires each and whether it is a MUST or a SHOULD. The GKTP
// verifier and the harness's flow checks both report CheckResults; the
// catalogue below is what docs/checks.md documents.
#ifndef MCXTEST_MIKEY_CHECKS_H_
#define MCXTEST_MIKEY_CHECKS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcx::checks {

enum class Requirement { kMust, kShould };
enum class CheckStatus { kPass, kFail, kNotApplicable };

const char* RequirementName(Requirement r);  // "MUST" / "SHOULD"
const char* CheckStatusName(CheckStatus s);  // "pass" / "fail" / "n/a"

struct CheckInfo {
  std::string_view id;
  std::string_view clause;
  Requirement requirement;
  std::string_view summary;
};

// Every check ID mcxtest reports, in documentation order.
const std::vector<CheckInfo>& Catalogue();
const CheckInfo* FindCheck(std::string_view id);

struct CheckResult {
  std::string id;
  std::string clause;
  Requirement requirement = Requirement::kMust;
  CheckStatus status = CheckStatus::kNotApplicable;
  std::string detail;
  // Filled on failures where a value was compared.
  std::string expected;
  std::string actual;

  bool failed() const { return status == CheckStatus::kFail; }
  // A failure that makes the verdict a failure (SHOULD failures only warn).
  bool failed_must() const { return failed() && requirement == Requirement::kMust; }
};

// Accumulates results for catalogued IDs (an unknown ID is a programming
// error and aborts, so reports never carry undocumented checks).
class CheckList {
 public:
  CheckResult& Pass(std::string_view id, std::string detail = "");
  CheckResult& Fail(std::string_view id, std::string detail, std::string expected = "", std::string actual = "");
  CheckResult& NotApplicable(std::string_view id, std::string detail = "");
  // Pass or Fail by `ok`.
  CheckResult& Expect(bool ok, std::string_view id, std::string detail, std::string expected = "",
                      std::string actual = "");

  const std::vector<CheckResult>& results() const { return results_; }
  std::vector<CheckResult>& mutable_results() { return results_; }
  const CheckResult* Find(std::string_view id) const;
  bool AnyMustFailed() const;
  std::vector<std::string> FailedIds() const;

 private:
  CheckResult& Add(std::string_view id, CheckStatus status, std::string detail);
  std::vector<CheckResult> results_;
};

}  // namespace mcx::checks

#endif  // MCXTEST_MIKEY_CHECKS_H_
