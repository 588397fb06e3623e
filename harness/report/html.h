// The HTML report of a run: one self-contained file (inline CSS and JS, no
// network) that people open in a browser.
//
//   - summary: implementation, date, seed, verdict counts, the command line
//     that reproduces the run;
//   - the check matrix: test cases (rows, grouped by role and spec clause) x
//     check IDs (columns), each cell a pass / fail / warn / n/a / skipped /
//     not-run verdict with the clause in its title; filters by role, verdict,
//     check family and a search box (JS; without JS everything is shown);
//   - per test case: a sequence diagram of its messages (inline SVG), every
//     GKTP's decoded fields (the `gktp inspect` view) with the fields of
//     failed checks highlighted next to expected vs actual, the SUT's exit
//     and stderr tail, and a link to the case's pcap when the run had one.
//
// The document is well-formed XML (XHTML syntax served as HTML), so it can
// be checked and queried with an XML parser. Stable hooks for tools and
// tests: id="count-passed" / "count-failed" / "count-skipped" /
// "count-error" / "count-total"; matrix cells carry data-case, data-check,
// data-status; each case section is id="<HtmlCaseAnchor(id)>" with
// data-case and data-verdict; failed checks carry class "expected" /
// "actual" cells. Every string that came from the SUT or a report is
// escaped (SUT stderr is hostile).
#ifndef MCXTEST_HARNESS_REPORT_HTML_H_
#define MCXTEST_HARNESS_REPORT_HTML_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "crypto/result.h"
#include "harness/engine/result.h"

namespace mcx::report {

// Cases with more messages than this show the first failing ones, then the
// rest in order, up to this many; the sequence diagram draws at most
// kHtmlDiagramMessages arrows. A 10,000-member regroup would otherwise make
// a report nobody can open.
inline constexpr size_t kHtmlDetailedMessages = 40;
inline constexpr size_t kHtmlDiagramMessages = 60;

struct HtmlOptions {
  // Where links to per-case pcaps point: this directory (as written, so
  // usually relative to the HTML file). Empty: RunInfo::pcap_dir as is;
  // no links when both are empty.
  std::string pcap_href_dir;
};

// The element id of a case's section: "case-" and the ID with every octet
// outside [A-Za-z0-9.-] written as "_xx", so distinct IDs never collide and
// other reports (the interop matrix) can link to "report.html#<anchor>".
std::string HtmlCaseAnchor(std::string_view case_id);

// A relative URL path from arbitrary text: '/' is kept, octets outside the
// unreserved set are percent-encoded.
std::string UrlPathEscape(std::string_view path);

// The shared look of mcxtest's HTML pages (the interop matrix uses it too).
std::string_view HtmlStyleSheet();

std::string HtmlReport(const engine::RunResult& run, const HtmlOptions& options = {});

// Writes HtmlReport() to `path` atomically. Pcap links are made relative to
// the directory of `path` when RunInfo::pcap_dir is set.
Status WriteHtmlReport(const std::string& path, const engine::RunResult& run);

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_HTML_H_
