// What `mcxtest run` prints: a progress line per case, the details of what
// went wrong under failures and errors, a summary table, and a progress bar
// for long procedures. Every string from a case is made printable, so a
// SUT's stderr cannot inject terminal escape sequences.
#ifndef MCXTEST_HARNESS_REPORT_CONSOLE_H_
#define MCXTEST_HARNESS_REPORT_CONSOLE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>

#include "harness/engine/result.h"

namespace mcx::report {

// "PASS", "FAIL", "SKIP", "ERROR", "INCONCLUSIVE".
const char* VerdictLabel(engine::Verdict v);

// The verdict label in its ANSI colour (green PASS, red FAIL and ERROR,
// yellow SKIP, magenta INCONCLUSIVE), padded to `width` outside the
// escape sequences; without `color` the plain padded label.
std::string StyledVerdictLabel(engine::Verdict v, size_t width, bool color);

// "[ 3/12] PASS  UE-ACCEPT-001  UE accepts a valid GKTP (0.42 s)\n"; the
// counter is left out when `total` is 0. `color`: the label in colour
// (mcxtest run --color, for a terminal).
std::string CaseLine(const engine::TestCaseResult& c, size_t done = 0, size_t total = 0, bool color = false);

// The indented lines to print under a case's line: the failed checks (ID,
// clause, where, detail, expected vs actual) of failures and errors, the
// SUT's exit and stderr tail for errors, the reason of skips, what the SUT
// answered to the valid twin of an inconclusive case, and SHOULD warnings. Empty for a clean pass.
std::string CaseDetails(const engine::TestCaseResult& c);

// Counts per role x verdict with totals (the inconclusive column only when
// a case is), the failing and inconclusive cases, and a closing verdict line
// ("PASSED" allows skips, as the exit code does).
std::string SummaryTable(const engine::RunResult& run, bool color = false);

// "[#####.....] 512/10000 members" (work of one long procedure). On a
// terminal it redraws one line with '\r' (at most every 100 ms); otherwise
// it prints a plain line at most every 5 s, and nothing for work that ends
// sooner. Thread-safe: verification threads may all call Add().
class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  // On stderr, live when stderr is a terminal.
  ProgressBar(std::string unit, uint64_t total);
  ProgressBar(std::string unit, uint64_t total, std::ostream& out, bool live,
              std::function<Clock::time_point()> now = Clock::now);
  ~ProgressBar();

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Add(uint64_t n = 1);
  void Set(uint64_t done);
  // Erases the live line so other output can be printed; the next update
  // draws it again.
  void Clear();
  // Draws the final state and ends the line. Idempotent.
  void Finish();

  static std::string Render(uint64_t done, uint64_t total, std::string_view unit, int width = 30);

 private:
  void MaybeDraw(uint64_t done, bool force);
  void DrawLocked(uint64_t done);

  const std::string unit_;
  const uint64_t total_;
  std::ostream& out_;
  const bool live_;
  const std::function<Clock::time_point()> now_;

  std::mutex mu_;
  uint64_t done_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;       // anything printed yet
  uint64_t last_drawn_done_ = 0;
  size_t line_length_ = 0;   // of the live line on screen, 0 when cleared
  bool finished_ = false;
};

}  // namespace mcx::report

#endif  // MCXTEST_HARNESS_REPORT_CONSOLE_H_
