// What `mcxtest run` shows while cases run. On a terminal, a live status
// line names the running cases and the shim request each waits on
// ("running UE-003: deliver-gktp, UE-004: provision"), so a hung shim is
// visible; elsewhere (CI logs) nothing live is printed. Cases with many
// messages (a 2x5,000 regroup verifies 10,001 GKTPs) get a progress bar
// instead: live on a terminal, else a plain line every few seconds. With
// cases running in parallel one case holds the bar at a time (the bar names
// it) and the others' batches are not shown, so bars never interleave; case
// lines are printed with the bar and the status line cleared.
#ifndef MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_
#define MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/engine/engine.h"
#include "harness/report/console.h"

namespace mcx::cli {

class CaseProgress {
 public:
  // Batches of fewer messages get no bar.
  static constexpr uint64_t kMinMessagesForBar = 100;

  // The status line is cut to this many columns (a wrapped line could not
  // be redrawn in place).
  static constexpr size_t kDefaultWidth = 80;

  CaseProgress(std::ostream& bar_out, bool live, bool name_cases, size_t width = kDefaultWidth)
      : bar_out_(bar_out), live_(live), name_cases_(name_cases), width_(width) {}
  ~CaseProgress();

  // The progress callback for case `index` (EngineOptions::progress).
  engine::ProgressFn For(size_t index, std::string case_id);
  // The request callback for case `index` (EngineOptions::waiting); the
  // case shows on the status line from its first request until CaseDone.
  engine::WaitingFn Waiting(size_t index, std::string case_id);
  // Case `index` finished: it leaves the status line, and its bar, if it
  // holds it, is finished and freed.
  void CaseDone(size_t index);
  // Prints `text` on `out` with no bar or status line drawn in the middle
  // of it; the status line is drawn again after it.
  void Print(std::ostream& out, std::string_view text);

  // The status line for these running cases (ID, request waited on or "")
  // cut to `width` columns; "" when none runs.
  static std::string StatusLine(const std::map<size_t, std::pair<std::string, std::string>>& running, size_t width);

 private:
  void Update(size_t index, const std::string& case_id, uint64_t done, uint64_t total, std::string_view what);
  void DrawStatusLocked();
  void ClearStatusLocked();

  std::ostream& bar_out_;
  const bool live_;
  const bool name_cases_;
  const size_t width_;
  std::mutex mu_;
  // Running cases in suite order: ID and the request each waits on.
  std::map<size_t, std::pair<std::string, std::string>> running_;
  size_t status_length_ = 0;  // of the status line on screen, 0 when none
  std::optional<size_t> holder_;  // the case whose batch the bar shows
  std::unique_ptr<report::ProgressBar> bar_;
};

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_
