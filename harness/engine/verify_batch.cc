#include "harness/engine/verify_batch.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace mcx::engine {
namespace {

using scenario::Scenario;

// Counts verified messages of one batch for EngineOptions::progress; the
// calls are serialized so that `done` only grows.
class BatchProgress {
 public:
  BatchProgress(const ProgressFn& fn, uint64_t total, std::string_view what) : fn_(fn), total_(total), what_(what) {
    if (fn_) fn_(0, total_, what_);
  }
  void Done() {
    if (!fn_) return;
    std::lock_guard lock(mu_);
    fn_(++done_, total_, what_);
  }

 private:
  const ProgressFn& fn_;
  const uint64_t total_;
  const std::string_view what_;
  std::mutex mu_;
  uint64_t done_ = 0;
};

}  // namespace

void ParallelFor(size_t n, int jobs, const std::function<void(size_t)>& fn) {
  size_t threads = jobs > 0 ? static_cast<size_t>(jobs) : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, n);
  if (threads <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) fn(i);
    });
  }
  for (auto& th : pool) th.join();
}

std::vector<Verified> VerifyAll(const World& w, const Scenario& s, const std::vector<shim::SentGktp>& gktps,
                                const std::string& expected_sender, const std::string& produced_by,
                                const std::map<int, uint64_t>& step_clock, const EngineOptions& eo,
                                std::string_view what) {
  std::vector<Verified> out(gktps.size());
  BatchProgress progress(eo.progress, gktps.size(), what);
  ParallelFor(gktps.size(), eo.jobs, [&](size_t i) {
    const auto& g = gktps[i];
    Verified& v = out[i];
    v.record.step = g.step;
    v.record.from = expected_sender;
    v.record.to = g.recipient;
    v.record.produced_by = produced_by;
    v.record.kind = "gktp";
    v.record.wire = g.message;
    mikey::VerifyOptions o;
    o.recipient_uri = g.recipient;
    auto kms = w.kms_of_member.find(g.recipient);
    if (w.partner_gms && g.recipient == w.partner_gms->uri) {
      o.recipient_kms_uri = w.partner_gms->kms_uri;
    } else if (g.recipient == w.primary_gms.uri) {
      o.recipient_kms_uri = w.primary_gms.kms_uri;
    } else if (kms != w.kms_of_member.end()) {
      o.recipient_kms_uri = kms->second;
    } else {
      v.record.note = "recipient is not part of the scenario";
    }
    o.expected_sender_uri = expected_sender;
    o.expected_sender_kms_uri = KmsOfGms(w, expected_sender);
    auto t = step_clock.find(g.step);
    o.now_ntp_seconds = t != step_clock.end() ? t->second : w.t0;
    o.max_clock_skew_seconds = w.t_window_seconds;
    if (s.options.key_params != scenario::KeyParamsMode::kNone) o.expected_group_id = s.regroup.temporary_group_id;
    if (s.procedure == scenario::Procedure::kGroupCreation) o.expected_group_id = s.groups[0].id;
    v.verification = w.verifier.Verify(g.message, o);
    v.record.checks = v.verification.checks.results();
    progress.Done();
  });
  return out;
}

}  // namespace mcx::engine
