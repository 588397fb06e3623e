// Writes the report directory of a run as it goes:
//
//   <dir>/junit.xml
//   <dir>/report.json
//   <dir>/messages/<case-id>/<nn>-step<step>-<to>.mikey   (raw wire octets)
//
// Both reports are rewritten after every case through a temporary file and
// rename(), so whatever stops the run (SIGINT, a crash, SIGKILL) leaves
// complete, valid files describing every case that finished; report.json
// says "state": "running" until Finish().
#ifndef MCXTEST_HARNESS_REPORT_REPORT_WRITER_H_
#define MCXTEST_HARNESS_REPORT_REPORT_WRITER_H_

#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/result.h"
#include "harness/engine/result.h"
#include "harness/report/text.h"

namespace mcx::report {

inline constexpr char kDefaultReportDir[] = "mcxtest-report";

// A file name component from arbitrary text: ASCII letters, digits and
// ".-_@+" are kept, anything else becomes '_'; at most `max_length` octets;
// never empty, ".", "..", nor starting with '.'.
std::string SanitizeFileName(std::string_view name, size_t max_length = 80);

// "<nn>-step<step>-<to>.mikey" for message `index` (0-based) of `count`;
// nn is 1-based and zero-padded so files sort in message order.
std::string MessageFileName(size_t index, size_t count, const engine::MessageRecord& message);

// Writes the pieces, in order, to a temporary file next to `path`, then
// renames it over `path`: readers see the old file or the new one, never a
// partial one. Creates missing parent directories.
Status WriteFileAtomically(const std::string& path, const std::vector<std::string_view>& pieces);
inline Status WriteFileAtomically(const std::string& path, std::string_view content) {
  return WriteFileAtomically(path, std::vector<std::string_view>{content});
}

// Thread-safe: cases may be added from several threads.
class ReportWriter {
 public:
  // `extra_junit_path` / `extra_json_path` (--junit F, --json F) get the same
  // content as the files in `dir`; empty means none.
  explicit ReportWriter(std::string dir = kDefaultReportDir, std::string extra_junit_path = "",
                        std::string extra_json_path = "");

  ReportWriter(const ReportWriter&) = delete;
  ReportWriter& operator=(const ReportWriter&) = delete;

  // Names the JUnit <testsuite> and classnames after `suite` (see
  // JunitTestCase); call before Begin.
  void set_junit_suite(std::string suite) { junit_suite_ = std::move(suite); }

  // Creates the directories and writes reports with no cases yet.
  Status Begin(const engine::RunInfo& info);

  // Writes the case's messages, then rewrites the reports with it. The case
  // is kept even when writing fails (the next write may succeed); the error
  // names the file.
  Status AddCase(const engine::TestCaseResult& c);

  // Final rewrite, marking the run finished or interrupted.
  Status Finish(bool interrupted);

  std::string junit_path() const;
  std::string json_path() const;
  std::string messages_dir() const;
  // Where the messages of the first case added with `case_id` went (IDs
  // that sanitize alike get "-2", "-3"...); empty if no such case.
  std::string case_messages_dir(std::string_view case_id) const;

 private:
  Status WriteReportsLocked(RunState state);
  std::string AllocateCaseDirLocked(const std::string& case_id);

  const std::string dir_;
  const std::string extra_junit_path_;
  const std::string extra_json_path_;
  std::string junit_suite_;

  mutable std::mutex mu_;
  bool begun_ = false;
  bool finished_ = false;
  engine::RunInfo info_;
  RunCounts counts_;
  // Per case added, in order: kept pre-rendered so each rewrite only
  // concatenates.
  std::vector<engine::Verdict> verdicts_;
  std::vector<std::string> junit_cases_;
  std::vector<std::string> json_cases_;
  double total_seconds_ = 0;
  std::vector<std::pair<std::string, std::string>> case_dirs_;  // (case ID, directory)
  std::set<std::string> used_case_dirs_;
};

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_REPORT_WRITER_H_
