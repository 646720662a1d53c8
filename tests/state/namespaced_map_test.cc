#include "state/namespaced_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace tierguard::state {
namespace {

TEST(NamespacedMap, UpsertFindErase) {
  NamespacedMap<int> m;
  EXPECT_EQ(m.find("ns", "a"), nullptr);
  EXPECT_EQ(m.upsert("ns", "a", 1), 1);
  m.upsert("ns", "b", 2);
  m.upsert("", "a", 3);  // cluster-scoped
  EXPECT_EQ(m.size(), 3u);
  ASSERT_NE(m.find("ns", "a"), nullptr);
  EXPECT_EQ(*m.find("ns", "a"), 1);
  EXPECT_EQ(*m.find("", "a"), 3);
  EXPECT_EQ(m.find("other", "a"), nullptr);

  m.upsert("ns", "a", 10);  // replace keeps the size
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(*m.find("ns", "a"), 10);
  int* b = m.find_mutable("ns", "b");
  ASSERT_NE(b, nullptr);
  *b = 20;
  EXPECT_EQ(*m.find("ns", "b"), 20);

  EXPECT_TRUE(m.erase("ns", "a"));
  EXPECT_FALSE(m.erase("ns", "a"));
  EXPECT_FALSE(m.erase("nowhere", "a"));
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m.find("ns", "a"), nullptr);
}

TEST(NamespacedMap, ReplacingKeepsTheElementAddress) {
  NamespacedMap<std::string> m;
  const std::string* first = &m.upsert("ns", "a", "one");
  for (int i = 0; i < 1000; ++i) m.upsert("ns", "other-" + std::to_string(i), "x");  // rehashes
  const std::string* second = &m.upsert("ns", "a", "two");
  EXPECT_EQ(first, second);
  EXPECT_EQ(*first, "two");
}

TEST(NamespacedMap, ForEachOneNamespaceOrAll) {
  NamespacedMap<int> m;
  m.upsert("a", "x", 1);
  m.upsert("a", "y", 2);
  m.upsert("b", "x", 3);
  std::vector<int> in_a, all;
  const std::string_view a = "a";
  m.for_each(&a, [&](const int& v) { in_a.push_back(v); });
  m.for_each(nullptr, [&](const int& v) { all.push_back(v); });
  std::sort(in_a.begin(), in_a.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(in_a, (std::vector<int>{1, 2}));
  EXPECT_EQ(all, (std::vector<int>{1, 2, 3}));
  const std::string_view none = "none";
  m.for_each(&none, [&](const int&) { ADD_FAILURE(); });
  // Erasing the last element of a namespace forgets the namespace.
  m.erase("b", "x");
  all.clear();
  m.for_each(nullptr, [&](const int& v) { all.push_back(v); });
  EXPECT_EQ(all.size(), 2u);
}

}  // namespace
}  // namespace tierguard::state
