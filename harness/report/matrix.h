// The interop matrix of `mcxtest matrix`: the suite run against several
// implementations, shown as test cases (rows) x implementations (columns),
// each cell the case's verdict linking to that implementation's detailed
// HTML report — the form interop events (ETSI MCX Plugtests) publish.
// Also as JSON for CI dashboards.
#ifndef MCXTEST_HARNESS_REPORT_MATRIX_H_
#define MCXTEST_HARNESS_REPORT_MATRIX_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/engine/result.h"

namespace mcx::report {

inline constexpr char kMatrixFormat[] = "mcxtest-matrix";
inline constexpr int kMatrixVersion = 1;

// One implementation (one `--sut NAME=CMD`) and how its run went.
struct MatrixColumn {
  std::string name;     // NAME as given
  std::string command;  // CMD
  // Links from the matrix page to this implementation's reports (relative
  // to the matrix files); empty when not written.
  std::string html_href;
  std::string json_href;
  // Exit code of its `mcxtest run` (0, 1, 3, ...); `run` holds what ran.
  int exit_code = 0;
  // Set when the implementation could not be run at all (e.g. its shim
  // did not start); the column then shows this instead of verdicts.
  std::string error;
  engine::RunResult run;
};

struct InteropMatrix {
  std::string started_at;    // ISO 8601 UTC
  std::string command_line;  // reproduces the matrix
  std::string mcxtest_version;
  std::vector<MatrixColumn> columns;
};

// The whole page: one self-contained HTML file, well-formed XML, readable
// without JS. Cells: <td data-case data-impl data-verdict> with a link to
// "<html_href>#<HtmlCaseAnchor(case)>"; per-implementation counts in
// id="impl-<n>-passed" etc. (n 1-based in column order).
std::string MatrixHtml(const InteropMatrix& matrix);

// {"format":"mcxtest-matrix","version":1, "started_at", "command_line",
//  "implementations":[{name, command, implementation, version, exit_code,
//  error, html, json, counts}],
//  "cases":[{id, title, role, results:{NAME:{verdict, failed_checks,
//  report}}}]}; a case an implementation did not run is absent from its
// results.
nlohmann::ordered_json MatrixJson(const InteropMatrix& matrix);

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_MATRIX_H_
