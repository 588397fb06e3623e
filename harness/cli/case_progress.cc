#include "harness/cli/case_progress.h"

namespace mcx::cli {

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
  }
}

void CaseProgress::CaseDone(size_t index) {
  std::lock_guard<std::mutex> lock(mu_);
  if (holder_ != index) return;
  if (bar_) bar_->Finish();
  bar_.reset();
  holder_.reset();
}

void CaseProgress::Print(std::ostream& out, std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bar_) bar_->Clear();
  out << text;
  out.flush();
}

}  // namespace mcx::cli
