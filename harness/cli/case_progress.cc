#include "harness/cli/case_progress.h"

#include "harness/report/text.h"

namespace mcx::cli {

CaseProgress::~CaseProgress() {
  std::lock_guard<std::mutex> lock(mu_);
  ClearStatusLocked();
}

engine::WaitingFn CaseProgress::Waiting(size_t index, std::string case_id) {
  if (!live_) return nullptr;
  return [this, index, case_id = std::move(case_id)](std::string_view request) {
    std::lock_guard<std::mutex> lock(mu_);
    running_[index] = {case_id, std::string(request)};
    DrawStatusLocked();
  };
}

std::string CaseProgress::StatusLine(const std::map<size_t, std::pair<std::string, std::string>>& running,
                                     size_t width) {
  if (running.empty()) return "";
  std::string line = "running";
  bool first = true;
  for (const auto& [index, state] : running) {
    line += first ? " " : ", ";
    first = false;
    line += report::PrintableText(state.first);
    line += state.second.empty() ? "" : ": waiting for " + report::PrintableText(state.second);
  }
  // Case IDs and request types are ASCII once printable, so octets are columns.
  if (width >= 4 && line.size() > width) line = line.substr(0, width - 3) + "...";
  return line;
}

void CaseProgress::DrawStatusLocked() {
  // A bar owns the line while it runs (and names its case).
  if (!live_ || bar_) return;
  std::string line = StatusLine(running_, width_ > 0 ? width_ - 1 : 0);
  const size_t previous = status_length_;
  if (line.empty() && previous == 0) return;
  bar_out_ << '\r' << line;
  if (previous > line.size()) bar_out_ << std::string(previous - line.size(), ' ') << '\r' << line;
  bar_out_.flush();
  status_length_ = line.size();
}

void CaseProgress::ClearStatusLocked() {
  if (status_length_ == 0) return;
  bar_out_ << '\r' << std::string(status_length_, ' ') << '\r';
  bar_out_.flush();
  status_length_ = 0;
}

engine::ProgressFn CaseProgress::For(size_t index, std::string case_id) {
  return [this, index, case_id = std::move(case_id)](uint64_t done, uint64_t total, std::string_view what) {
    Update(index, case_id, done, total, what);
  };
}

void CaseProgress::Update(size_t index, const std::string& case_id, uint64_t done, uint64_t total,
                          std::string_view what) {
  if (total < kMinMessagesForBar) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (holder_ && *holder_ != index) return;
  if (done == 0 || !bar_) {
    if (bar_) bar_->Finish();
    ClearStatusLocked();
    std::string unit = name_cases_ ? case_id + ": " + std::string(what) : std::string(what);
    bar_ = std::make_unique<report::ProgressBar>(std::move(unit), total, bar_out_, live_);
    holder_ = index;
  }
  bar_->Set(done);
  if (done == total) {
    // The batch is complete: another case's next batch may take the bar.
    bar_->Finish();
    bar_.reset();
    holder_.reset();
    DrawStatusLocked();
  }
}

void CaseProgress::CaseDone(size_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(index);
  if (holder_ == index) {
    if (bar_) bar_->Finish();
    bar_.reset();
    holder_.reset();
  }
  DrawStatusLocked();
}

void CaseProgress::Print(std::ostream& out, std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bar_) bar_->Clear();
  ClearStatusLocked();
  out << text;
  out.flush();
  DrawStatusLocked();
}

}  // namespace mcx::cli
