#include "harness/cli/case_pool.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace mcx::cli {

Parallelism ChooseParallelism(int jobs, bool bundled_sut, size_t case_count, int cores) {
  cores = std::max(1, cores);
  Parallelism p;
  p.cases = jobs > 0 ? jobs : (bundled_sut ? cores : 1);
  p.cases = static_cast<int>(std::clamp<size_t>(case_count, 1, static_cast<size_t>(p.cases)));
  p.verify_threads = std::max(1, std::max(cores, jobs) / p.cases);
  return p;
}

size_t RunCasesInOrder(size_t count, int workers, const std::function<bool()>& stop,
                       const std::function<engine::TestCaseResult(size_t)>& run,
                       const std::function<void(size_t, engine::TestCaseResult&&)>& emit) {
  workers = static_cast<int>(std::clamp<size_t>(count, 1, static_cast<size_t>(std::max(1, workers))));
  if (workers == 1) {
    size_t i = 0;
    for (; i < count && !stop(); ++i) emit(i, run(i));
    return i;
  }
  std::mutex mu;
  std::condition_variable finished;
  std::vector<std::optional<engine::TestCaseResult>> done(count);
  size_t next = 0;  // the next case to start
  int workers_left = workers;

  auto work = [&] {
    for (;;) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop() || next >= count) break;
        i = next++;
      }
      engine::TestCaseResult r = run(i);
      std::lock_guard<std::mutex> lock(mu);
      done[i] = std::move(r);
      finished.notify_all();
    }
    std::lock_guard<std::mutex> lock(mu);
    --workers_left;
    finished.notify_all();
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) pool.emplace_back(work);

  size_t emitted = 0;
  for (; emitted < count; ++emitted) {
    std::optional<engine::TestCaseResult> r;
    {
      std::unique_lock<std::mutex> lock(mu);
      // Cases start in suite order, so a case not done when every worker has
      // stopped never started, nor did any after it.
      finished.wait(lock, [&] { return done[emitted].has_value() || workers_left == 0; });
      if (!done[emitted]) break;
      r = std::move(done[emitted]);
      done[emitted].reset();
    }
    emit(emitted, std::move(*r));
  }
  for (auto& t : pool) t.join();
  return emitted;
}

}  // namespace mcx::cli
