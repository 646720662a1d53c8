#include "policy/text.h"

#include <gtest/gtest.h>

namespace tierguard::policy {
namespace {

TEST(Join, JoinsWithTheSeparator) {
  EXPECT_EQ(join({}, ","), "");
  EXPECT_EQ(join({"a"}, ","), "a");
  EXPECT_EQ(join({"a", "b", "c"}, "; "), "a; b; c");
}

TEST(JoinFirst, SaysHowManyWereLeftOut) {
  EXPECT_EQ(join_first({}, 3), "");
  EXPECT_EQ(join_first({"a", "b"}, 3), "a, b");
  EXPECT_EQ(join_first({"a", "b", "c"}, 3), "a, b, c");
  EXPECT_EQ(join_first({"a", "b", "c", "d", "e"}, 3), "a, b, c and 2 more");
}

}  // namespace
}  // namespace tierguard::policy
