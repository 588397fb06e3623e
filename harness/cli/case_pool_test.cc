#include "harness/cli/case_pool.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mcx::cli {
namespace {

engine::TestCaseResult Named(size_t i) {
  engine::TestCaseResult r;
  r.id = "case-" + std::to_string(i);
  return r;
}

TEST(RunCasesInOrderTest, EmitsInSuiteOrderWhateverFinishesFirst) {
  std::atomic<bool> stop_flag{false};
  auto stop = [&] { return stop_flag.load(); };
  std::vector<std::string> emitted;
  // Early cases take longest, so later ones finish first.
  size_t n = RunCasesInOrder(
      8, 4, stop,
      [](size_t i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * (8 - i)));
        return Named(i);
      },
      [&](size_t i, engine::TestCaseResult&& r) {
        EXPECT_EQ(r.id, "case-" + std::to_string(i));
        emitted.push_back(r.id);
      });
  EXPECT_EQ(n, 8u);
  ASSERT_EQ(emitted.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(emitted[i], "case-" + std::to_string(i));
}

TEST(RunCasesInOrderTest, RunsCasesAtOnce) {
  std::atomic<bool> stop_flag{false};
  auto stop = [&] { return stop_flag.load(); };
  std::atomic<int> running{0}, most{0};
  RunCasesInOrder(
      6, 3, stop,
      [&](size_t i) {
        int now = ++running;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        --running;
        return Named(i);
      },
      [](size_t, engine::TestCaseResult&&) {});
  EXPECT_EQ(most, 3);
}

TEST(RunCasesInOrderTest, StopLetsRunningCasesFinishAndEmitsAPrefix) {
  for (int workers : {1, 3}) {
    std::atomic<bool> stop_flag{false};
  auto stop = [&] { return stop_flag.load(); };
    std::vector<size_t> emitted;
    size_t n = RunCasesInOrder(
        20, workers, stop,
        [&](size_t i) {
          if (i == 4) stop_flag = true;  // as SIGINT during case 4
          std::this_thread::sleep_for(std::chrono::milliseconds(i == 4 ? 40 : 1));
          return Named(i);
        },
        [&](size_t i, engine::TestCaseResult&&) { emitted.push_back(i); });
    EXPECT_GE(n, 5u) << workers;  // case 4 and those before it finish
    EXPECT_LT(n, 20u) << workers;
    ASSERT_EQ(emitted.size(), n);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(emitted[i], i);
  }
}

TEST(RunCasesInOrderTest, NothingToRun) {
  std::atomic<bool> stop_flag{false};
  auto stop = [&] { return stop_flag.load(); };
  EXPECT_EQ(RunCasesInOrder(0, 4, stop, Named, [](size_t, engine::TestCaseResult&&) { FAIL(); }), 0u);
}

TEST(ChooseParallelismTest, DefaultsByKindOfSut) {
  // The bundled reference SUT: a case per core, one verification thread each.
  Parallelism p = ChooseParallelism(0, /*bundled_sut=*/true, 53, 4);
  EXPECT_EQ(p.cases, 4);
  EXPECT_EQ(p.verify_threads, 1);
  // An external SUT: one case at a time, verifying on every core.
  p = ChooseParallelism(0, /*bundled_sut=*/false, 53, 4);
  EXPECT_EQ(p.cases, 1);
  EXPECT_EQ(p.verify_threads, 4);
}

TEST(ChooseParallelismTest, JobsGivenAreCasesAtOnce) {
  Parallelism p = ChooseParallelism(2, false, 53, 4);
  EXPECT_EQ(p.cases, 2);
  EXPECT_EQ(p.verify_threads, 2);
  p = ChooseParallelism(8, true, 53, 2);
  EXPECT_EQ(p.cases, 8);
  EXPECT_EQ(p.verify_threads, 1);
  // Never more cases at once than there are; the one case gets the cores.
  p = ChooseParallelism(0, true, 1, 4);
  EXPECT_EQ(p.cases, 1);
  EXPECT_EQ(p.verify_threads, 4);
}

}  // namespace
}  // namespace mcx::cli
