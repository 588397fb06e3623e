#include "harness/report/console.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <vector>

#include "harness/report/text.h"

namespace mcx::report {
namespace {

using engine::TestCaseResult;
using engine::Verdict;

constexpr auto kLiveInterval = std::chrono::milliseconds(100);
constexpr auto kPlainInterval = std::chrono::seconds(5);

std::string PadLeft(const std::string& text, size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string PadRight(const std::string& text, size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

}  // namespace

const char* VerdictLabel(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "PASS";
    case Verdict::kFailed: return "FAIL";
    case Verdict::kSkipped: return "SKIP";
    case Verdict::kError: return "ERROR";
    case Verdict::kInconclusive: return "INCONCLUSIVE";
  }
  return "?";
}

namespace {

const char* VerdictColor(Verdict v) {
  switch (v) {
    case Verdict::kPassed: return "\x1b[32m";
    case Verdict::kFailed: return "\x1b[1;31m";
    case Verdict::kSkipped: return "\x1b[33m";
    case Verdict::kError: return "\x1b[31m";
    case Verdict::kInconclusive: return "\x1b[35m";
  }
  return "";
}

constexpr char kReset[] = "\x1b[0m";

}  // namespace

std::string StyledVerdictLabel(Verdict v, size_t width, bool color) {
  std::string label = VerdictLabel(v);
  std::string padding = label.size() < width ? std::string(width - label.size(), ' ') : "";
  if (!color) return label + padding;
  return VerdictColor(v) + label + kReset + padding;
}

std::string CaseLine(const TestCaseResult& c, size_t done, size_t total, bool color) {
  std::string line;
  if (total > 0) {
    std::string total_text = std::to_string(total);
    line += "[" + PadLeft(std::to_string(done), total_text.size()) + "/" + total_text + "] ";
  }
  line += StyledVerdictLabel(c.verdict, 5, color) + " " + PrintableText(c.id);
  if (!c.title.empty()) line += "  " + PrintableText(c.title);
  line += " (" + FormatSeconds(c.seconds, 2) + " s)\n";
  return line;
}

std::string CaseDetails(const TestCaseResult& c) {
  const std::string indent = "        ";
  std::string out;
  bool explain = c.verdict != Verdict::kPassed;
  if (explain && !c.summary.empty()) out += indent + PrintableText(c.summary) + "\n";
  if (c.verdict == Verdict::kError) out += DescribeSutEnd(c, indent);
  out += DescribeControl(c, indent);
  // Passes can still carry SHOULD warnings; skips have nothing to list.
  if (c.verdict != Verdict::kSkipped) out += DescribeFailures(c, indent);
  if (c.verdict == Verdict::kFailed && !c.sut_stderr_tail.empty()) out += DescribeSutEnd(c, indent);
  return out;
}

std::string SummaryTable(const engine::RunResult& run, bool color) {
  RunCounts counts = CountCases(run.cases);
  std::vector<std::pair<std::string, VerdictCounts>> rows;
  for (const auto& [role, v] : counts.by_role) rows.emplace_back(role.empty() ? "(no role)" : PrintableText(role), v);
  rows.emplace_back("total", counts.all);

  size_t role_width = 4;
  for (const auto& row : rows) role_width = std::max(role_width, row.first.size());
  const size_t column = 9;
  // "inconclusive" is wider than the other columns; it is shown only when a
  // case of the run has that verdict, so ordinary summaries keep their shape.
  const bool with_inconclusive = counts.all.inconclusive > 0;
  std::vector<Verdict> shown;
  for (Verdict v : engine::kAllVerdicts) {
    if (v != Verdict::kInconclusive || with_inconclusive) shown.push_back(v);
  }
  auto width = [&](Verdict v) -> size_t { return v == Verdict::kInconclusive ? 14 : column; };
  size_t line_width = role_width + column;
  for (Verdict v : shown) line_width += width(v);
  std::string out = PadRight("role", role_width);
  for (Verdict v : shown) out += PadLeft(engine::VerdictName(v), width(v));
  out += PadLeft("total", column) + "\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 == rows.size()) out += std::string(line_width, '-') + "\n";
    const auto& [role, v] = rows[i];
    out += PadRight(role, role_width);
    for (Verdict verdict : shown) out += PadLeft(std::to_string(v.Get(verdict)), width(verdict));
    out += PadLeft(std::to_string(v.total()), column) + "\n";
  }

  bool header_done = false;
  for (const auto& c : run.cases) {
    if (c.verdict != Verdict::kFailed && c.verdict != Verdict::kError && c.verdict != Verdict::kInconclusive) continue;
    if (!header_done) out += "\nFailing cases:\n", header_done = true;
    out += "  " + StyledVerdictLabel(c.verdict, 5, color) + "  " + PrintableText(c.id);
    std::vector<std::string> ids = c.FailedCheckIds();
    if (!ids.empty()) {
      out += "  [";
      for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + PrintableText(ids[i]);
      out += "]";
    }
    if (!c.summary.empty()) out += "  " + PrintableText(c.summary);
    out += "\n";
  }

  const VerdictCounts& all = counts.all;
  bool passed = all.AllPassed();
  out += "\n";
  if (run.interrupted) out += "Run INTERRUPTED after " + std::to_string(all.total()) + " case(s).\n";
  // An interrupted run proves nothing about the cases it did not run.
  const char* result = run.interrupted ? "INTERRUPTED" : passed ? "PASSED" : "FAILED";
  const char* result_color = run.interrupted ? "\x1b[1;33m" : passed ? "\x1b[1;32m" : "\x1b[1;31m";
  out += std::string("Result: ") + (color ? result_color : "") + result + (color ? kReset : "") + " (" + std::to_string(all.passed) + " passed, " +
         std::to_string(all.failed) + " failed, " + std::to_string(all.skipped) + " skipped, " +
         std::to_string(all.error) + " error, " +
         (with_inconclusive ? std::to_string(all.inconclusive) + " inconclusive, " : "") +
         std::to_string(all.total()) + " total)\n";
  return out;
}

// --------------------------------------------------------------- ProgressBar

ProgressBar::ProgressBar(std::string unit, uint64_t total)
    : ProgressBar(std::move(unit), total, std::cerr, ::isatty(STDERR_FILENO) == 1) {}

ProgressBar::ProgressBar(std::string unit, uint64_t total, std::ostream& out, bool live,
                         std::function<Clock::time_point()> now)
    : unit_(std::move(unit)), total_(total), out_(out), live_(live), now_(std::move(now)) {
  start_ = now_();
  last_draw_ = start_;
}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Render(uint64_t done, uint64_t total, std::string_view unit, int width) {
  width = std::max(width, 1);
  double fraction = total == 0 ? 0.0 : std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
  int filled = static_cast<int>(fraction * width);
  std::string out = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] " + std::to_string(done) +
                    "/" + std::to_string(total);
  if (!unit.empty()) out += " " + std::string(unit);
  return out;
}

void ProgressBar::Add(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  done_ += n;
  MaybeDraw(done_, false);
}

void ProgressBar::Set(uint64_t done) {
  std::lock_guard<std::mutex> lock(mu_);
  done_ = done;
  MaybeDraw(done_, false);
}

void ProgressBar::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!live_ || line_length_ == 0) return;
  out_ << '\r' << std::string(line_length_, ' ') << '\r' << std::flush;
  line_length_ = 0;
}

void ProgressBar::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (live_) {
    DrawLocked(done_);
    out_ << '\n' << std::flush;
  } else if (drawn_ && last_drawn_done_ != done_) {
    // Plain output stays silent for work that never earned a periodic line.
    DrawLocked(done_);
  }
}

void ProgressBar::MaybeDraw(uint64_t done, bool force) {
  if (finished_) return;
  Clock::time_point now = now_();
  if (live_) {
    // A cleared line is redrawn at once so it does not vanish for 100 ms.
    bool due = force || line_length_ == 0 || now - last_draw_ >= kLiveInterval || done == total_;
    if (!due) return;
  } else if (!force && now - last_draw_ < kPlainInterval) {
    return;
  }
  last_draw_ = now;
  DrawLocked(done);
}

void ProgressBar::DrawLocked(uint64_t done) {
  std::string line = Render(done, total_, unit_);
  drawn_ = true;
  last_drawn_done_ = done;
  if (live_) {
    // Pad over the previous line in case it was longer.
    size_t previous = line_length_;
    out_ << '\r' << line;
    if (previous > line.size()) out_ << std::string(previous - line.size(), ' ');
    out_ << std::flush;
    line_length_ = line.size();
  } else {
    out_ << line << '\n' << std::flush;
  }
}

}  // namespace mcx::report
