#include "crypto/bounded_cache.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace mcx {
namespace {

Result<std::shared_ptr<int>> Make(int v) { return std::make_shared<int>(v); }

TEST(BoundedCacheTest, ReturnsTheCachedValueWithoutMakingAgain) {
  BoundedCache<int> cache(2);
  int made = 0;
  auto make = [&made] {
    ++made;
    return Make(made);
  };
  auto a = cache.GetOrCreate(AsSpan("a"), make);
  auto again = cache.GetOrCreate(AsSpan("a"), make);
  ASSERT_TRUE(a.ok() && again.ok());
  EXPECT_EQ(a->get(), again->get());
  EXPECT_EQ(made, 1);
}

TEST(BoundedCacheTest, DropsTheLeastRecentlyUsed) {
  BoundedCache<int> cache(2);
  auto a = cache.GetOrCreate(AsSpan("a"), [] { return Make(1); }).value();
  cache.GetOrCreate(AsSpan("b"), [] { return Make(2); }).value();
  cache.GetOrCreate(AsSpan("a"), [] { return Make(99); }).value();  // a is now the most recent
  cache.GetOrCreate(AsSpan("c"), [] { return Make(3); }).value();   // drops b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(*cache.GetOrCreate(AsSpan("a"), [] { return Make(99); }).value(), 1);
  EXPECT_EQ(*cache.GetOrCreate(AsSpan("b"), [] { return Make(20); }).value(), 20);
  // A dropped value lives on for its holders.
  EXPECT_EQ(*a, 1);
}

TEST(BoundedCacheTest, FailuresAreReturnedNotCached) {
  BoundedCache<int> cache(2);
  auto failed = cache.GetOrCreate(AsSpan("k"), [] { return Result<std::shared_ptr<int>>(InvalidArgument("no")); });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().message(), "no");
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(*cache.GetOrCreate(AsSpan("k"), [] { return Make(5); }).value(), 5);
}

}  // namespace
}  // namespace mcx
