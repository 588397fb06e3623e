// How the conformance suite's checks are proven to fire: which reference
// defects kill each check ID, and for the checks no defect is expected to
// trip, why not. The mutation test enforces this table and docs/checks.md
// publishes it, so the two cannot drift apart.
#ifndef MCXTEST_TESTCASES_COVERAGE_H_
#define MCXTEST_TESTCASES_COVERAGE_H_

#include <string_view>
#include <vector>

namespace mcx::testcases {

struct NotMutationTested {
  std::string_view check_id;
  std::string_view reason;
};

// Catalogue checks that no defect in reference::Defects() names in its
// caught_by, each with the reason and where else the check is proven to fire.
const std::vector<NotMutationTested>& NotMutationTestedChecks();
const NotMutationTested* FindNotMutationTested(std::string_view check_id);

// Names of the reference defects whose caught_by lists `check_id`.
std::vector<std::string_view> DefectsKilling(std::string_view check_id);

}  // namespace mcx::testcases

#endif  // MCXTEST_TESTCASES_COVERAGE_H_
