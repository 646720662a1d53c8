#include "policy/sharing.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

TEST(UnitOf, ControllerOwnerOrItself) {
  EXPECT_EQ(unit_of(make_pod("ns", "p", "sa")), (WorkloadKey{"Pod", "p"}));
  EXPECT_EQ(unit_of(owned_by(make_pod("ns", "p", "sa"), "ReplicaSet", "rs")), (WorkloadKey{"ReplicaSet", "rs"}));
  Workload not_controller = make_pod("ns", "p", "sa");
  not_controller.owners.push_back(OwnerReference{"ReplicaSet", "rs", false});
  EXPECT_EQ(unit_of(not_controller), (WorkloadKey{"Pod", "p"}));
  EXPECT_EQ(unit_of(make_workload(WorkloadKind::kCronJob, "ns", "nightly", "sa")), (WorkloadKey{"CronJob", "nightly"}));
}

TEST(TopLevelWorkload, FollowsControllersThroughTheView) {
  state::Snapshot view;
  view.upsert_workload(make_workload(WorkloadKind::kDeployment, "ns", "api", "sa"));
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kReplicaSet, "ns", "api-1", "sa"), "Deployment", "api"));
  view.upsert_workload(make_workload(WorkloadKind::kCronJob, "ns", "nightly", "sa"));
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kJob, "ns", "nightly-1", "sa"), "CronJob", "nightly"));

  EXPECT_EQ(top_level_workload(view, "ns", {"ReplicaSet", "api-1"}), (WorkloadKey{"Deployment", "api"}));
  EXPECT_EQ(top_level_workload(view, "ns", {"Job", "nightly-1"}), (WorkloadKey{"CronJob", "nightly"}));
  EXPECT_EQ(top_level_workload(view, "ns", {"Deployment", "api"}), (WorkloadKey{"Deployment", "api"}));
  // Unknown to the view: stays as it is.
  EXPECT_EQ(top_level_workload(view, "ns", {"ReplicaSet", "gone"}), (WorkloadKey{"ReplicaSet", "gone"}));
  // Owners are looked up in the same namespace only.
  EXPECT_EQ(top_level_workload(view, "other", {"ReplicaSet", "api-1"}), (WorkloadKey{"ReplicaSet", "api-1"}));
  // A kind tierguard does not track (e.g. an operator's CR) ends the walk.
  EXPECT_EQ(top_level_workload(view, "ns", {"Rollout", "x"}), (WorkloadKey{"Rollout", "x"}));
}

TEST(TopLevelWorkload, OwnerCycleTerminates) {
  state::Snapshot view;
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kReplicaSet, "ns", "a", "sa"), "Deployment", "b"));
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kDeployment, "ns", "b", "sa"), "ReplicaSet", "a"));
  const auto top = top_level_workload(view, "ns", {"ReplicaSet", "a"});
  EXPECT_TRUE(top == (WorkloadKey{"ReplicaSet", "a"}) || top == (WorkloadKey{"Deployment", "b"}));
  // Deterministic.
  EXPECT_EQ(top_level_workload(view, "ns", {"ReplicaSet", "a"}), top);

  // A self-owning object.
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kDeployment, "ns", "self", "sa"), "Deployment", "self"));
  EXPECT_EQ(top_level_workload(view, "ns", {"Deployment", "self"}), (WorkloadKey{"Deployment", "self"}));
}

TEST(TopLevelWorkload, LongChainsAreCutAtAFixedDepth) {
  // Deeper than any real hierarchy; the walk stops instead of looping forever.
  state::Snapshot view;
  for (int i = 0; i < 50; ++i) {
    view.upsert_workload(owned_by(make_workload(WorkloadKind::kReplicaSet, "ns", "rs" + std::to_string(i), "sa"),
                                  "ReplicaSet", "rs" + std::to_string(i + 1)));
  }
  const auto top = top_level_workload(view, "ns", {"ReplicaSet", "rs0"});
  EXPECT_EQ(top.kind, "ReplicaSet");
  EXPECT_NE(top.name, "rs0");
}

TEST(WorkloadsSharing, DistinctTopLevelWorkloadsIncludingTheReviewedOne) {
  state::Snapshot view;
  view.upsert_workload(make_workload(WorkloadKind::kDeployment, "ns", "api", "sa"));
  view.upsert_workload(owned_by(make_workload(WorkloadKind::kReplicaSet, "ns", "api-1", "sa"), "Deployment", "api"));
  view.upsert_workload(owned_by(make_pod("ns", "api-1-a", "sa"), "ReplicaSet", "api-1"));
  view.upsert_workload(owned_by(make_pod("ns", "api-1-b", "sa"), "ReplicaSet", "api-1"));
  view.upsert_workload(make_pod("ns", "debug", "sa"));
  view.upsert_workload(make_pod("ns", "elsewhere", "other-sa"));

  const auto tops = workloads_sharing(view, "ns", "sa", nullptr);
  EXPECT_EQ(tops, (std::set<WorkloadKey>{{"Deployment", "api"}, {"Pod", "debug"}}));

  const Workload job = make_workload(WorkloadKind::kJob, "ns", "migrate", "sa");
  EXPECT_EQ(workloads_sharing(view, "ns", "sa", &job),
            (std::set<WorkloadKey>{{"Deployment", "api"}, {"Job", "migrate"}, {"Pod", "debug"}}));
  const Workload again = owned_by(make_pod("ns", "api-1-c", "sa"), "ReplicaSet", "api-1");
  EXPECT_EQ(workloads_sharing(view, "ns", "sa", &again).size(), 2u);
  EXPECT_TRUE(workloads_sharing(view, "ns", "nobody", nullptr).empty());
}

}  // namespace
}  // namespace tierguard::policy
