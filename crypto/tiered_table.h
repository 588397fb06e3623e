// Precomputation bought in steps. A table for a fixed base costs time to
// build and saves time on every use; for a base used a handful of times it
// never pays. TieredTable counts the uses of one base and builds the next,
// bigger table only when the uses seen so far would have paid for it (the
// rent-or-buy rule: by then the uses without it cost about what it costs,
// so at most about twice the best choice made in hindsight is ever spent).
// The thresholds come from bench/crypto_bench (docs/performance.md).
//
// Thread-safe: each use takes a reference to the biggest table built so far,
// so a table replaced by a bigger one lives on until its last user is done.
// The use that reaches a threshold builds that table itself; other threads
// meanwhile go on with what there is.
#ifndef MCXTEST_CRYPTO_TIERED_TABLE_H_
#define MCXTEST_CRYPTO_TIERED_TABLE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

namespace mcx {

// From the `after_uses`-th use on, a table with `window_bits`-bit windows.
struct TableTier {
  int window_bits;
  uint64_t after_uses;
};

template <typename Table>
class TieredTable {
 public:
  // `tiers` in increasing order of after_uses (and of size); must outlive
  // this object (they are constants of the policy).
  explicit TieredTable(std::span<const TableTier> tiers) : tiers_(tiers) {}
  TieredTable(const TieredTable&) = delete;
  TieredTable& operator=(const TieredTable&) = delete;

  // Counts one use and returns the table to use for it, or nullptr while no
  // tier has paid yet. `build(window_bits)` returns a new
  // std::unique_ptr<const Table>; it runs at most once per tier.
  template <typename Build>
  std::shared_ptr<const Table> Use(Build&& build) {
    const uint64_t uses = uses_.fetch_add(1, std::memory_order_relaxed) + 1;
    size_t claimed = claimed_.load(std::memory_order_relaxed);
    // The biggest tier this use has paid for and nobody has claimed yet.
    size_t want = claimed;
    while (want < tiers_.size() && uses >= tiers_[want].after_uses) ++want;
    if (want > claimed && claimed_.compare_exchange_strong(claimed, want)) {
      std::shared_ptr<const Table> built(build(tiers_[want - 1].window_bits));
      std::lock_guard<std::mutex> lock(mu_);
      // Two builders can overlap when thresholds are close; keep the bigger.
      if (want > installed_) {
        current_ = built;
        installed_ = want;
      }
      return current_;
    }
    return Current();
  }

  // Builds the biggest tier now unless it exists (for callers that know
  // the base will be used many times, and for benchmarks).
  template <typename Build>
  void BuildBiggest(Build&& build) {
    if (tiers_.empty()) return;
    size_t claimed = claimed_.load(std::memory_order_relaxed);
    while (claimed < tiers_.size()) {
      if (claimed_.compare_exchange_weak(claimed, tiers_.size())) {
        std::shared_ptr<const Table> built(build(tiers_.back().window_bits));
        std::lock_guard<std::mutex> lock(mu_);
        current_ = std::move(built);
        installed_ = tiers_.size();
        return;
      }
    }
  }

  // The biggest table built so far (nullptr if none); does not count a use.
  std::shared_ptr<const Table> Current() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }

  uint64_t uses() const { return uses_.load(std::memory_order_relaxed); }

 private:
  const std::span<const TableTier> tiers_;
  std::atomic<uint64_t> uses_{0};
  // Tiers [0, claimed_) have a builder (finished or not).
  std::atomic<size_t> claimed_{0};
  mutable std::mutex mu_;
  std::shared_ptr<const Table> current_;  // guarded by mu_
  size_t installed_ = 0;                  // guarded by mu_: tier index of current_ + 1
};

}  // namespace mcx

#endif  // MCXTEST_CRYPTO_TIERED_TABLE_H_
