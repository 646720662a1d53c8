#include "kube/backoff.h"

#include <gtest/gtest.h>

namespace tierguard::kube {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesToTheCapAndResets) {
  Backoff backoff(BackoffPolicy{}, [] { return 0.5; });  // r = 0.5: no jitter
  const std::vector<long> expected{800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
  for (long ms : expected) EXPECT_EQ(backoff.next(), milliseconds(ms));
  backoff.reset();
  EXPECT_EQ(backoff.next(), milliseconds(800));
}

TEST(Backoff, JitterSpreadsWithinTwentyPercent) {
  Backoff low(BackoffPolicy{}, [] { return 0.0; });
  Backoff high(BackoffPolicy{}, [] { return 0.999999; });
  EXPECT_EQ(low.next(), milliseconds(640));
  EXPECT_EQ(high.next(), milliseconds(960));
}

TEST(Backoff, LongOutagesDoNotOverflow) {
  Backoff backoff(BackoffPolicy{}, [] { return 0.5; });
  for (int i = 0; i < 10000; ++i) backoff.next();
  EXPECT_EQ(backoff.next(), milliseconds(30000));
}

}  // namespace
}  // namespace tierguard::kube
