// Generates docs/testcases.md (the YAML schema and a table of every case)
// and docs/checks.md (every check, the defects that kill it or why none
// does) from the suite's YAML, mikey::checks::Catalogue() and
// reference::Defects(). //testcases:docgen writes them; docs_sync_test keeps
// the checked-in copies equal to what this produces.
#ifndef MCXTEST_TESTCASES_DOCGEN_H_
#define MCXTEST_TESTCASES_DOCGEN_H_

#include <string>
#include <vector>

#include "harness/scenario/scenario.h"

namespace mcx::testcases {

// `cases` as loaded by scenario::LoadScenarios(testcases_dir); source files
// are shown relative to `testcases_dir`, so the output does not depend on
// where the suite was read from.
std::string RenderTestcasesDoc(const std::vector<scenario::Scenario>& cases, const std::string& testcases_dir);
std::string RenderChecksDoc(const std::vector<scenario::Scenario>& cases);

// Where `generated` first differs from `checked_in` ("line N: ..."), or ""
// when they are equal.
std::string FirstDifference(const std::string& checked_in, const std::string& generated);

}  // namespace mcx::testcases

#endif  // MCXTEST_TESTCASES_DOCGEN_H_
