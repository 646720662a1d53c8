#include "state/kind_feed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tierguard::state {
namespace {

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// LIST items carry neither kind nor apiVersion; watch events do. Feeds must read both.
std::string service_account(const std::string& ns, const std::string& name, const std::string& labels = "{}") {
  return R"({"metadata":{"namespace":")" + ns + R"(","name":")" + name + R"(","labels":)" + labels + "}}";
}

std::string pod(const std::string& ns, const std::string& name, const std::string& sa,
                const std::string& owner_kind = "", const std::string& owner = "") {
  std::string owners;
  if (!owner.empty()) {
    owners = R"(,"ownerReferences":[{"apiVersion":"apps/v1","kind":")" + owner_kind + R"(","name":")" + owner +
             R"(","controller":true,"uid":"u"}])";
  }
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"namespace":")" + ns + R"(","name":")" + name + "\"" +
         owners + R"(},"spec":{"serviceAccountName":")" + sa + R"(","containers":[{"name":"c","image":"i"}]}})";
}

class KindFeedTest : public ::testing::Test {
 protected:
  LiveState state;
  std::vector<std::string> errors;
  KindFeed::ErrorReporter report = [this](ObjectKind, const std::string& what) { errors.push_back(what); };

  bool has_account(const std::string& ns, const std::string& name) {
    return state.read([&](const Snapshot& s) { return s.find_service_account(ns, name) != nullptr; });
  }
};

TEST_F(KindFeedTest, TheFirstListFillsTheStateAndMarksTheKindSynced) {
  KindFeed feed(state, ObjectKind::kServiceAccount, report);
  EXPECT_FALSE(feed.synced());
  feed.init_start();
  feed.init_apply(json(service_account("shop", "web")));
  feed.init_apply(json(service_account("shop", "api")));
  EXPECT_FALSE(feed.synced());
  feed.init_done();
  EXPECT_TRUE(feed.synced());
  EXPECT_TRUE(has_account("shop", "web"));
  EXPECT_TRUE(has_account("shop", "api"));
  EXPECT_TRUE(errors.empty());
}

TEST_F(KindFeedTest, WatchEventsApplyAndRemove) {
  KindFeed feed(state, ObjectKind::kServiceAccount, report);
  feed.init_start();
  feed.init_done();
  feed.apply(json(service_account("shop", "web", R"({"tier":"a"})")));
  EXPECT_TRUE(has_account("shop", "web"));
  feed.apply(json(service_account("shop", "web", R"({"tier":"b"})")));
  EXPECT_EQ(state.read([](const Snapshot& s) { return s.find_service_account("shop", "web")->labels.at("tier"); }),
            "b");
  // A deleted object's last state may be partial: only its identity is needed.
  feed.remove(json(R"({"metadata":{"namespace":"shop","name":"web"}})"));
  EXPECT_FALSE(has_account("shop", "web"));
}

TEST_F(KindFeedTest, ARelistRemovesWhatVanishedWhileDisconnectedAndKeepsTheRest) {
  KindFeed feed(state, ObjectKind::kServiceAccount, report);
  feed.init_start();
  for (auto name : {"a", "b", "c"}) feed.init_apply(json(service_account("shop", name)));
  feed.init_done();
  const auto before = state.generation();

  // 410 Gone → relist: "b" was deleted and "d" created while the watch was down.
  feed.init_start();
  feed.init_apply(json(service_account("shop", "a")));
  // Mid-relist, readers still see every object (nothing is emptied for the relist).
  EXPECT_TRUE(has_account("shop", "b"));
  EXPECT_TRUE(has_account("shop", "c"));
  feed.init_apply(json(service_account("shop", "c")));
  feed.init_apply(json(service_account("shop", "d")));
  feed.init_done();
  EXPECT_TRUE(has_account("shop", "a"));
  EXPECT_FALSE(has_account("shop", "b"));
  EXPECT_TRUE(has_account("shop", "c"));
  EXPECT_TRUE(has_account("shop", "d"));
  EXPECT_GT(state.generation(), before);
  EXPECT_TRUE(feed.synced());
}

TEST_F(KindFeedTest, AnUndecodableObjectIsReportedAndSkippedNeverHalfApplied) {
  KindFeed feed(state, ObjectKind::kServiceAccount, report);
  feed.init_start();
  feed.init_apply(json(R"({"metadata":{"namespace":"shop","name":"bad","labels":"not-a-map"}})"));
  feed.init_apply(json(service_account("shop", "good")));
  feed.init_done();
  EXPECT_FALSE(has_account("shop", "bad"));
  EXPECT_TRUE(has_account("shop", "good"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ServiceAccount bad"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("metadata.labels"), std::string::npos) << errors[0];
}

TEST_F(KindFeedTest, AnUndecodableObjectInARelistIsDroppedRatherThanKeptStale) {
  KindFeed feed(state, ObjectKind::kServiceAccount, report);
  feed.init_start();
  feed.init_apply(json(service_account("shop", "x")));
  feed.init_done();
  feed.init_start();
  feed.init_apply(json(R"({"metadata":{"namespace":"shop","name":"x","labels":7}})"));
  feed.init_done();
  EXPECT_FALSE(has_account("shop", "x"));
}

TEST_F(KindFeedTest, PodsCountTowardsTheUnitsOfTheirServiceAccount) {
  KindFeed feed(state, ObjectKind::kPod, report);
  feed.init_start();
  feed.init_apply(json(pod("shop", "web-1", "web", "ReplicaSet", "web-7d9f")));
  feed.init_apply(json(pod("shop", "web-2", "web", "ReplicaSet", "web-7d9f")));
  feed.init_apply(json(pod("shop", "debug", "web")));
  feed.init_done();
  auto units = [&] { return state.read([](const Snapshot& s) { return s.units_using("shop", "web"); }); };
  EXPECT_EQ(units().size(), 2u);  // ReplicaSet/web-7d9f and Pod/debug
  feed.remove(json(pod("shop", "debug", "web")));
  ASSERT_EQ(units().size(), 1u);
  EXPECT_EQ(units()[0].kind, "ReplicaSet");
  feed.remove(json(pod("shop", "web-1", "web", "ReplicaSet", "web-7d9f")));
  EXPECT_EQ(units().size(), 1u);  // web-2 still runs in it
  feed.remove(json(pod("shop", "web-2", "web", "ReplicaSet", "web-7d9f")));
  EXPECT_TRUE(units().empty());
}

TEST_F(KindFeedTest, APodAdoptedByAnotherOwnerMovesUnits) {
  KindFeed feed(state, ObjectKind::kPod, report);
  feed.init_start();
  feed.init_apply(json(pod("shop", "p", "web")));
  feed.init_done();
  feed.apply(json(pod("shop", "p", "web", "ReplicaSet", "adopter")));
  auto units = state.read([](const Snapshot& s) { return s.units_using("shop", "web"); });
  ASSERT_EQ(units.size(), 1u);
  EXPECT_EQ(units[0].name, "adopter");
}

TEST_F(KindFeedTest, TiersFromTheClusterAreValidatedLikeFiles) {
  KindFeed feed(state, ObjectKind::kTier, report);
  feed.init_start();
  feed.init_apply(json(R"({"metadata":{"name":"ok"},"spec":{"rank":1,"placement":{"namespaceSelector":{}}}})"));
  feed.init_apply(json(R"({"metadata":{"name":"bad"},"spec":{"rank":1,"placement":{"namespaceSelector":{}},)"
                       R"("elevation":{"ticketPattern":"(unclosed"}}})"));
  feed.init_done();
  EXPECT_TRUE(state.read([](const Snapshot& s) { return s.find_tier("ok") != nullptr; }));
  EXPECT_FALSE(state.read([](const Snapshot& s) { return s.find_tier("bad") != nullptr; }));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("ticketPattern"), std::string::npos) << errors[0];
}

}  // namespace
}  // namespace tierguard::state
