// Progress bars of `mcxtest run` for cases with many messages (a 2x5,000
// regroup verifies 10,001 GKTPs): live on a terminal, else a plain line every
// few seconds. With cases running in parallel one case holds the bar at a
// time (the bar names it) and the others' batches are not shown, so bars
// never interleave; case lines are printed with the bar cleared.
#ifndef MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_
#define MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_

#include <cstddef>
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

  CaseProgress(std::ostream& bar_out, bool live, bool name_cases)
      : bar_out_(bar_out), live_(live), name_cases_(name_cases) {}

  // The progress callback for case `index` (EngineOptions::progress).
  engine::ProgressFn For(size_t index, std::string case_id);
  // Case `index` finished: its bar, if it holds it, is finished and freed.
  void CaseDone(size_t index);
  // Prints `text` on `out` with no bar drawn in the middle of it.
  void Print(std::ostream& out, std::string_view text);

 private:
  void Update(size_t index, const std::string& case_id, uint64_t done, uint64_t total, std::string_view what);

  std::ostream& bar_out_;
  const bool live_;
  const bool name_cases_;
  std::mutex mu_;
  std::optional<size_t> holder_;  // the case whose batch the bar shows
  std::unique_ptr<report::ProgressBar> bar_;
};

}  // namespace mcx::cli

#endif  // MCXTEST_HARNESS_CLI_CASE_PROGRESS_H_
