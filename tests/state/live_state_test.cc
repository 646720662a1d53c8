#include "state/live_state.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace tierguard::state {
namespace {

using namespace std::chrono_literals;

policy::Namespace ns(std::string name) { return policy::Namespace{std::move(name), {}}; }

TEST(LiveState, ReadsAndWritesTheSnapshot) {
  LiveState state;
  EXPECT_EQ(state.read([](const Snapshot& s) { return s.counts().namespaces; }), 0u);
  state.write([](Snapshot& s) { s.upsert_namespace(ns("shop")); });
  EXPECT_TRUE(state.read([](const Snapshot& s) { return s.find_namespace("shop") != nullptr; }));
  EXPECT_EQ(state.write([](Snapshot& s) { return s.remove_namespace("shop"); }), true);
}

TEST(LiveState, StartsFromAGivenSnapshot) {
  auto snapshot = std::make_unique<Snapshot>();
  snapshot->upsert_namespace(ns("preloaded"));
  LiveState state(std::move(snapshot));
  EXPECT_TRUE(state.read([](const Snapshot& s) { return s.find_namespace("preloaded") != nullptr; }));
}

TEST(LiveState, GenerationCountsWrites) {
  LiveState state;
  EXPECT_EQ(state.generation(), 0u);
  state.read([](const Snapshot&) { return 0; });
  EXPECT_EQ(state.generation(), 0u);
  state.write([](Snapshot&) {});
  state.write([](Snapshot&) {});
  EXPECT_EQ(state.generation(), 2u);
}

TEST(LiveState, ReadyFlag) {
  LiveState state;
  EXPECT_FALSE(state.ready());
  state.set_ready(true);
  EXPECT_TRUE(state.ready());
  state.set_ready(false);
  EXPECT_FALSE(state.ready());
}

TEST(LiveState, ExceptionsReleaseTheLock) {
  LiveState state;
  EXPECT_THROW(state.write([](Snapshot&) { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_THROW(state.read([](const Snapshot&) -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  // Both locks are free again.
  state.write([](Snapshot& s) { s.upsert_namespace(ns("after")); });
  EXPECT_TRUE(state.read([](const Snapshot& s) { return s.find_namespace("after") != nullptr; }));
}

TEST(LiveState, ReadersShareTheLock) {
  LiveState state;
  std::promise<void> inside;
  std::promise<void> release;
  auto release_future = release.get_future().share();
  std::thread holder([&] {
    state.read([&](const Snapshot&) {
      inside.set_value();
      release_future.wait();
      return 0;
    });
  });
  inside.get_future().wait();
  // A second reader gets in while the first still holds the lock.
  auto second = std::async(std::launch::async, [&] { return state.read([](const Snapshot&) { return 7; }); });
  EXPECT_EQ(second.wait_for(10s), std::future_status::ready);
  release.set_value();
  holder.join();
  EXPECT_EQ(second.get(), 7);
}

TEST(LiveState, WriterIsNotStarvedByAStreamOfReaders) {
  LiveState state;
  std::atomic<bool> stop{false};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        state.read([](const Snapshot&) {
          std::this_thread::sleep_for(1ms);
          return 0;
        });
      }
    });
  }
  auto writer = std::async(std::launch::async, [&] {
    for (int i = 0; i < 20; ++i) state.write([&](Snapshot& s) { s.upsert_namespace(ns(std::string("n").append(std::to_string(i)))); });
  });
  const auto status = writer.wait_for(20s);
  stop = true;
  for (auto& t : readers) t.join();
  ASSERT_EQ(status, std::future_status::ready) << "the writer waited behind readers for 20s";
  writer.get();
  EXPECT_EQ(state.read([](const Snapshot& s) { return s.counts().namespaces; }), 20u);
}

TEST(LiveState, ConcurrentReadersSeeWholeWrites) {
  // Each write replaces a binding and its role together; readers must never see one without
  // the other (and ASan checks that no reader visits a freed binding).
  LiveState state;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        state.read([&](const Snapshot& s) {
          int seen = 0;
          s.for_each_binding_of("shop", "api", [&](const policy::Binding& b) {
            ++seen;
            if (s.find_role(policy::RoleKind::kRole, "shop", b.role_ref.name) == nullptr) ++torn;
          });
          if (seen > 1) ++torn;
          return 0;
        });
      }
    });
  }
  for (int i = 0; i < 500; ++i) {
    state.write([&](Snapshot& s) {
      const std::string old_role = "r" + std::to_string(i - 1), role = "r" + std::to_string(i);
      s.remove_binding(policy::BindingKind::kRoleBinding, "shop", "b" + std::to_string(i - 1));
      s.remove_role(policy::RoleKind::kRole, "shop", old_role);
      policy::Role r;
      r.namespace_name = "shop";
      r.name = role;
      s.upsert_role(r);
      policy::Binding b;
      b.namespace_name = "shop";
      b.name = "b" + std::to_string(i);
      b.role_ref = {policy::RoleKind::kRole, role};
      b.subjects = {{policy::SubjectKind::kServiceAccount, "api", ""}};
      s.upsert_binding(b);
    });
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(state.generation(), 500u);
}

}  // namespace
}  // namespace tierguard::state
