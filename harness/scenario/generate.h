// Scenarios built in code rather than kept in testcases/: a multi-domain
// regroup with thousands of affiliated members per domain, for the scale
// test and bench/scale_bench.cc (a YAML file of that size would only bloat
// the repository and CI).
#ifndef MCXTEST_HARNESS_SCENARIO_GENERATE_H_
#define MCXTEST_HARNESS_SCENARIO_GENERATE_H_

#include <string>

#include "crypto/result.h"
#include "harness/scenario/scenario.h"

namespace mcx::scenario {

struct LargeRegroupSpec {
  std::string id = "SCALE-REGROUP";
  SutRole role = SutRole::kPrimaryGms;
  // Affiliated members of each constituent group (one group per domain).
  int members_per_domain = 500;
  // Non-affiliated members added to each group; they must get no key.
  int non_affiliated_per_domain = 0;
};

// The YAML text (schema: docs/testcases.md) of a TS 33.180 7.3.3.3 regroup
// of two groups, police (primary) and fire (partner). Member URIs are
// sip:u<NNNNN>@<domain>, so they are unique and sort like their numbers.
std::string LargeRegroupYaml(const LargeRegroupSpec& spec);

// The same, parsed by the loader every test case goes through.
Result<Scenario> LargeRegroupScenario(const LargeRegroupSpec& spec);

}  // namespace mcx::scenario

#endif  // MCXTEST_HARNESS_SCENARIO_GENERATE_H_
