#include "kube/object_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "kube/json.h"
#include "recording_sink.h"

namespace tierguard::kube {
namespace {

using testing::object_json;

rapidjson::Document obj(const std::string& name, const std::string& rv,
                        const std::string& ns = "") {
  return parse_json(object_json(name, rv, ns), "test");
}

TEST(ObjectStore, InitialListIsInvisibleUntilDone) {
  ObjectStore store;
  EXPECT_FALSE(store.ready());
  store.init_start();
  store.init_apply(obj("a", "1", "ns1"));
  store.init_apply(obj("b", "2", "ns2"));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.get("ns1", "a"), nullptr);
  store.init_done();
  EXPECT_TRUE(store.ready());
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(object_resource_version(*store.get("ns1/a")), "1");
  ASSERT_EQ(store.list("ns2").size(), 1u);
  EXPECT_EQ(object_name(*store.list()[1]), "b");
}

TEST(ObjectStore, ApplyRemoveAndRelistSwap) {
  ObjectStore store;
  store.init_start();
  store.init_apply(obj("a", "1"));
  store.init_apply(obj("b", "2"));
  store.init_done();
  const auto generation = store.generation();
  const auto old_a = store.get("", "a");
  store.apply(obj("a", "3"));
  store.apply(obj("c", "4"));
  store.remove(obj("b", "5"));
  store.remove(obj("zz", "6"));                     // unknown: ignored
  EXPECT_EQ(object_resource_version(*old_a), "1");  // readers keep their snapshot
  EXPECT_EQ(object_resource_version(*store.get("", "a")), "3");
  EXPECT_EQ(store.get("", "b"), nullptr);
  EXPECT_EQ(store.generation(), generation + 3);
  store.init_start();
  store.init_apply(obj("c", "9"));
  EXPECT_EQ(store.size(), 2u);
  store.init_done();
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(object_resource_version(*store.get("", "c")), "9");
}

TEST(ObjectStore, ReadersNeverSeeAHalfList) {
  ObjectStore store;
  constexpr int kObjects = 200;
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop) {
      const std::size_t n = store.list().size();
      if (n != 0 && n != kObjects) ++bad;
    }
  });
  for (int round = 0; round < 30; ++round) {
    store.init_start();
    for (int i = 0; i < kObjects; ++i) {
      store.init_apply(obj("o" + std::to_string(i), std::to_string(round)));
    }
    store.init_done();
  }
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(FanoutSink, ForwardsInOrder) {
  testing::RecordingSink first;
  testing::RecordingSink second;
  FanoutSink fanout;
  fanout.add(first).add(second);
  fanout.init_start();
  fanout.init_apply(obj("a", "1"));
  fanout.init_done();
  fanout.apply(obj("a", "2"));
  fanout.remove(obj("a", "3"));
  const std::vector<std::string> expected{"init_start", "init_apply a@1", "init_done", "apply a@2",
                                          "remove a@3"};
  EXPECT_EQ(first.calls, expected);
  EXPECT_EQ(second.calls, expected);
}

}  // namespace
}  // namespace tierguard::kube
