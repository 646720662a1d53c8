#include "state/string_pool.h"

#include <gtest/gtest.h>

namespace tierguard::state {
namespace {

TEST(StringPool, EqualStringsShareOneId) {
  StringPool pool;
  const auto a = pool.acquire("web-7d9f");
  const auto b = pool.acquire("web-7d9f");
  const auto c = pool.acquire("api-5c4b");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(pool.view(a), "web-7d9f");
  EXPECT_EQ(pool.view(c), "api-5c4b");
  EXPECT_EQ(pool.size(), 2u);
}

TEST(StringPool, AStringStaysUntilItsLastReferenceIsReleased) {
  StringPool pool;
  const auto a = pool.acquire("x");
  pool.acquire("x");
  pool.release(a);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.view(a), "x");
  pool.release(a);
  EXPECT_EQ(pool.size(), 0u);
}

TEST(StringPool, ReleasedIdsAreReusedSoChurnDoesNotGrowThePool) {
  StringPool pool;
  const auto first = pool.acquire("replicaset-1");
  pool.release(first);
  for (int i = 2; i < 1000; ++i) {
    const auto id = pool.acquire("replicaset-" + std::to_string(i));
    EXPECT_EQ(id, first);
    pool.release(id);
  }
  EXPECT_EQ(pool.size(), 0u);
}

TEST(StringPool, ReleasingMoreThanAcquiredIsHarmless) {
  StringPool pool;
  const auto a = pool.acquire("a");
  pool.release(a);
  pool.release(a);  // already free: ignored
  const auto b = pool.acquire("b");
  EXPECT_EQ(pool.view(b), "b");
  EXPECT_EQ(pool.size(), 1u);
}

}  // namespace
}  // namespace tierguard::state
