#include "crypto/tiered_table.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace mcx {
namespace {

struct FakeTable {
  int window_bits;
};

constexpr TableTier kTiers[] = {{3, 4}, {6, 10}};

TEST(TieredTableTest, BuildsEachTierOnceAtItsThreshold) {
  TieredTable<FakeTable> tiers(kTiers);
  int builds = 0;
  auto build = [&builds](int bits) {
    ++builds;
    return std::make_unique<const FakeTable>(FakeTable{bits});
  };
  for (uint64_t use = 1; use <= 12; ++use) {
    std::shared_ptr<const FakeTable> t = tiers.Use(build);
    if (use < 4) {
      EXPECT_EQ(t, nullptr) << use;
    } else if (use < 10) {
      ASSERT_NE(t, nullptr) << use;
      EXPECT_EQ(t->window_bits, 3) << use;
    } else {
      ASSERT_NE(t, nullptr) << use;
      EXPECT_EQ(t->window_bits, 6) << use;
    }
  }
  EXPECT_EQ(builds, 2);
  EXPECT_EQ(tiers.uses(), 12u);
}

TEST(TieredTableTest, BuildBiggestSkipsTheRestAndIsIdempotent) {
  TieredTable<FakeTable> tiers(kTiers);
  int builds = 0;
  auto build = [&builds](int bits) {
    ++builds;
    return std::make_unique<const FakeTable>(FakeTable{bits});
  };
  tiers.BuildBiggest(build);
  tiers.BuildBiggest(build);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(tiers.Use(build)->window_bits, 6);
  EXPECT_EQ(builds, 1);
}

TEST(TieredTableTest, AFailedBuildIsNotRetried) {
  TieredTable<FakeTable> tiers(std::span<const TableTier>(kTiers, 1));
  int builds = 0;
  auto build = [&builds](int) -> std::unique_ptr<const FakeTable> {
    ++builds;
    return nullptr;
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(tiers.Use(build), nullptr);
  EXPECT_EQ(builds, 1);
}

TEST(TieredTableTest, ConcurrentUsersBuildEachTierAtMostOnce) {
  TieredTable<FakeTable> tiers(kTiers);
  std::atomic<int> builds{0};
  std::atomic<int> with_table{0};
  auto build = [&builds](int bits) {
    builds.fetch_add(1);
    return std::make_unique<const FakeTable>(FakeTable{bits});
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (std::shared_ptr<const FakeTable> table = tiers.Use(build)) {
          EXPECT_TRUE(table->window_bits == 3 || table->window_bits == 6);
          with_table.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(tiers.uses(), 4000u);
  EXPECT_LE(builds.load(), 2);
  EXPECT_GE(builds.load(), 1);
  EXPECT_GE(with_table.load(), 4000 - 9);
  EXPECT_EQ(tiers.Current()->window_bits, 6);
}

}  // namespace
}  // namespace mcx
