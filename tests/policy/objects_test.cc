#include "policy/objects.h"

#include <gtest/gtest.h>

#include "policy/rbac.h"
#include "policy/tier.h"

namespace tierguard::policy {
namespace {

TEST(WorkloadKind, RoundTripsEveryKind) {
  for (auto kind : {WorkloadKind::kPod, WorkloadKind::kDeployment, WorkloadKind::kStatefulSet, WorkloadKind::kDaemonSet,
                    WorkloadKind::kReplicaSet, WorkloadKind::kJob, WorkloadKind::kCronJob}) {
    const auto name = to_string(kind);
    EXPECT_EQ(workload_kind_from(name), kind) << name;
  }
  EXPECT_EQ(to_string(WorkloadKind::kStatefulSet), "StatefulSet");
  EXPECT_FALSE(workload_kind_from("pod").has_value());  // kinds are case-sensitive
  EXPECT_FALSE(workload_kind_from("Rollout").has_value());
  EXPECT_FALSE(workload_kind_from("").has_value());
}

TEST(PodSpecSummary, EmptyServiceAccountIsDefault) {
  PodSpecSummary pod;
  EXPECT_EQ(pod.effective_service_account(), "default");
  pod.service_account_name = "api";
  EXPECT_EQ(pod.effective_service_account(), "api");
}

TEST(Workload, ControllerIsTheOwnerMarkedController) {
  Workload w;
  EXPECT_EQ(w.controller(), nullptr);
  w.owners.push_back({"ReplicaSet", "a", false});
  EXPECT_EQ(w.controller(), nullptr);
  w.owners.push_back({"ReplicaSet", "b", true});
  const OwnerReference* controller = w.controller();
  ASSERT_NE(controller, nullptr);
  EXPECT_EQ(controller->name, "b");
}

TEST(EnumNames, AsWrittenInManifests) {
  EXPECT_EQ(to_string(RoleKind::kRole), "Role");
  EXPECT_EQ(to_string(RoleKind::kClusterRole), "ClusterRole");
  EXPECT_EQ(to_string(BindingKind::kRoleBinding), "RoleBinding");
  EXPECT_EQ(to_string(BindingKind::kClusterRoleBinding), "ClusterRoleBinding");
  EXPECT_EQ(to_string(Enforcement::kEnforce), "Enforce");
  EXPECT_EQ(to_string(Enforcement::kWarn), "Warn");
  EXPECT_EQ(to_string(Enforcement::kAudit), "Audit");
  EXPECT_EQ(to_string(AutomountRule::kAllow), "Allow");
  EXPECT_EQ(to_string(AutomountRule::kForbid), "Forbid");
  EXPECT_EQ(to_string(SharingAction::kFlag), "Flag");
  EXPECT_EQ(to_string(SharingAction::kDeny), "Deny");
}

}  // namespace
}  // namespace tierguard::policy
