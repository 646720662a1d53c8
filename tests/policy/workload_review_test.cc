#include "policy/workload_review.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

// One tier "web" (rank 10) placed in env=prod namespaces, selected by app=web, allowed to read
// configmaps in its namespace; shop (env=prod) and lab (env=dev) namespaces.
class WorkloadReview : public ::testing::Test {
 protected:
  WorkloadReview() {
    set_tier(base_tier());
    view_.upsert_namespace(make_namespace("shop", {{"env", "prod"}}));
    view_.upsert_namespace(make_namespace("lab", {{"env", "dev"}}));
    view_.upsert_service_account(make_account("shop", "web", {{"app", "web"}}));
    view_.upsert_service_account(make_account("lab", "web", {{"app", "web"}}));
    view_.upsert_role(make_role("shop", "configmap-reader", {read_configmaps()}));
    view_.upsert_role(make_cluster_role("secret-reader", {read_secrets()}));
  }

  static TierBuilder base_tier() {
    return TierBuilder("web", 10)
        .accounts(match({{"app", "web"}}))
        .placement(match({{"env", "prod"}}))
        .standing({read_configmaps()});
  }
  void set_tier(const PrivilegeTier& tier) { view_.upsert_tier(tier); }

  Decision review(const Workload& w, const ReviewContext& ctx = create_by()) const {
    return review_workload(view_, w, ctx, options_);
  }

  static Strings rules_of(const Decision& d) {
    Strings out;
    for (const auto& text : d.reasons) {
      // "service account NS/NAME (tier "T"): RULE: message"
      const auto start = text.find("): ");
      const auto end = text.find(": ", start + 3);
      out.push_back(text.substr(start + 3, end - start - 3));
    }
    return out;
  }

  state::Snapshot view_;
  PolicyOptions options_;
};

TEST_F(WorkloadReview, CompliantPodIsAllowed) {
  const auto d = review(make_pod("shop", "p", "web"));
  EXPECT_TRUE(d.allowed) << d.message();
  EXPECT_TRUE(d.warnings.empty()) << joined(d.warnings);
  EXPECT_EQ(d.service_account, "shop/web");
  EXPECT_EQ(d.tier, "web");
  EXPECT_EQ(*annotation(d, "decision"), "allowed");
  EXPECT_EQ(*annotation(d, "tier-source"), "selected by tier \"web\"");
}

TEST_F(WorkloadReview, OutsidePlacementIsDenied) {
  const auto d = review(make_pod("lab", "p", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(rules_of(d), Strings{"placement"});
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "service account lab/web (tier \"web\"): placement:")) << m;
  EXPECT_TRUE(contains(m, "namespace \"lab\" is outside the tier's placement (env=prod)")) << m;
  EXPECT_TRUE(contains(m, "widen spec.placement.namespaceSelector of tier \"web\"")) << m;
}

TEST_F(WorkloadReview, UnknownNamespaceFailsPlacement) {
  view_.upsert_service_account(make_account("ghost", "web", {{"app", "web"}}));
  const auto d = review(make_pod("ghost", "p", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "namespace \"ghost\" is unknown to tierguard")) << d.message();
}

TEST_F(WorkloadReview, EmptyPlacementAllowsEveryKnownNamespace) {
  set_tier(base_tier().placement(everything()));
  EXPECT_TRUE(review(make_pod("lab", "p", "web")).allowed);
}

TEST_F(WorkloadReview, AutomountForbidUsesPodThenAccountThenDefault) {
  set_tier(base_tier().automount(AutomountRule::kForbid));
  struct Case {
    const char* name;
    std::optional<bool> pod;
    std::optional<bool> account;
    bool allowed;
    const char* source;
  };
  const Case cases[] = {
      {"pod false", false, true, true, ""},
      {"pod true overrides account false", true, false, false, "the pod spec"},
      {"account false", std::nullopt, false, true, ""},
      {"account true", std::nullopt, true, false, "the service account"},
      {"neither: Kubernetes mounts by default", std::nullopt, std::nullopt, false, "the Kubernetes default"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    view_.upsert_service_account(make_account("shop", "web", {{"app", "web"}}, {}, c.account));
    const auto d = review(make_pod("shop", "p", "web", c.pod));
    EXPECT_EQ(d.allowed, c.allowed) << d.message();
    if (!c.allowed) {
      EXPECT_EQ(rules_of(d), Strings{"pods.automountServiceAccountToken"});
      EXPECT_TRUE(contains(d.message(), std::string("(from ") + c.source + ")")) << d.message();
      EXPECT_TRUE(contains(d.message(), "set automountServiceAccountToken: false")) << d.message();
    }
  }
}

TEST_F(WorkloadReview, AutomountAllowAcceptsMountedTokens) {
  EXPECT_TRUE(review(make_pod("shop", "p", "web", true)).allowed);
  EXPECT_TRUE(review(make_pod("shop", "p", "web", std::nullopt)).allowed);
}

TEST_F(WorkloadReview, AutomountForbidWithAccountMissingFromTheViewUsesTheDefault) {
  set_tier(base_tier().automount(AutomountRule::kForbid).accounts(everything()));
  EXPECT_FALSE(review(make_pod("shop", "p", "not-yet", std::nullopt)).allowed);
  EXPECT_TRUE(review(make_pod("shop", "p", "not-yet", false)).allowed);
}

TEST_F(WorkloadReview, DefaultServiceAccountRule) {
  set_tier(base_tier().accounts(everything()).default_account(false));
  view_.upsert_service_account(make_account("shop", "default"));
  for (const char* name : {"", "default"}) {
    SCOPED_TRACE(name);
    const auto d = review(make_pod("shop", "p", name));
    ASSERT_FALSE(d.allowed);
    EXPECT_EQ(d.service_account, "shop/default");
    EXPECT_EQ(rules_of(d), Strings{"pods.allowDefaultServiceAccount"});
    EXPECT_TRUE(contains(d.message(), "create a dedicated service account")) << d.message();
  }
  set_tier(base_tier().accounts(everything()).default_account(true));
  EXPECT_TRUE(review(make_pod("shop", "p", "")).allowed);
}

TEST_F(WorkloadReview, StandingDriftThroughARoleBinding) {
  view_.upsert_binding(make_role_binding("shop", "ok", role_ref("configmap-reader"), {sa_subject("", "web")}));
  EXPECT_TRUE(review(make_pod("shop", "p", "web")).allowed);
  view_.upsert_binding(make_role_binding("shop", "drift", cluster_role_ref("secret-reader"), {sa_subject("", "web")}));
  const auto d = review(make_pod("shop", "p", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(rules_of(d), Strings{"standing"});
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "RoleBinding shop/drift grants {verbs=[get,list] apiGroups=[\"\"] resources=[secrets]}")) << m;
  EXPECT_TRUE(contains(m, "remove the binding or request the access just-in-time with an Elevation")) << m;
  EXPECT_FALSE(contains(m, "shop/ok")) << m;
}

TEST_F(WorkloadReview, StandingDriftThroughAClusterRoleBinding) {
  view_.upsert_binding(make_cluster_role_binding("drift", cluster_role_ref("secret-reader"), {sa_subject("shop", "web")}));
  set_tier(base_tier().standing({read_configmaps(), read_secrets()}, /*cluster_scope=*/false));
  const auto namespaced = review(make_pod("shop", "p", "web"));
  ASSERT_FALSE(namespaced.allowed);
  EXPECT_TRUE(contains(namespaced.message(), "ClusterRoleBinding drift holds permissions cluster-wide")) << namespaced.message();

  set_tier(base_tier().standing({read_configmaps(), read_secrets()}, /*cluster_scope=*/true));
  EXPECT_TRUE(review(make_pod("shop", "p", "web")).allowed);

  set_tier(base_tier().standing({read_configmaps()}, /*cluster_scope=*/true));
  const auto exceeded = review(make_pod("shop", "p", "web"));
  ASSERT_FALSE(exceeded.allowed);
  EXPECT_TRUE(contains(exceeded.message(), "ClusterRoleBinding drift grants {verbs=[get,list] apiGroups=[\"\"] resources=[secrets]}")) << exceeded.message();
}

TEST_F(WorkloadReview, StandingCountsBindingsInOtherNamespacesAndGroups) {
  view_.upsert_binding(make_role_binding("lab", "cross", cluster_role_ref("secret-reader"), {sa_subject("shop", "web")}));
  EXPECT_FALSE(review(make_pod("shop", "p", "web")).allowed);
  view_.remove_binding(BindingKind::kRoleBinding, "lab", "cross");
  view_.upsert_binding(make_role_binding("shop", "group", cluster_role_ref("secret-reader"),
                                         {group_subject("system:serviceaccounts:shop")}));
  EXPECT_FALSE(review(make_pod("shop", "p", "web")).allowed);
  view_.remove_binding(BindingKind::kRoleBinding, "shop", "group");
  view_.upsert_binding(make_role_binding("shop", "user", cluster_role_ref("secret-reader"),
                                         {user_subject("system:serviceaccount:shop:web")}));
  EXPECT_FALSE(review(make_pod("shop", "p", "web")).allowed);
  view_.remove_binding(BindingKind::kRoleBinding, "shop", "user");
  EXPECT_TRUE(review(make_pod("shop", "p", "web")).allowed);
}

TEST_F(WorkloadReview, StandingIgnoresRoleOfTheSameNameInTheAccountsNamespace) {
  // RoleBinding lab/x → Role "configmap-reader" is lab/configmap-reader, which does not exist.
  view_.upsert_binding(make_role_binding("lab", "x", role_ref("configmap-reader"), {sa_subject("shop", "web")}));
  view_.upsert_role(make_role("shop", "configmap-reader", {rule({"*"}, {"*"}, {"*"})}));
  EXPECT_TRUE(review(make_pod("shop", "p", "web")).allowed);
}

TEST_F(WorkloadReview, StandingIgnoresBootstrapBindings) {
  Binding b = make_cluster_role_binding("system:x", cluster_role_ref("secret-reader"), {group_subject("system:serviceaccounts")});
  b.labels = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  view_.upsert_binding(b);
  EXPECT_TRUE(review(make_pod("shop", "p", "web")).allowed);
}

TEST_F(WorkloadReview, AccountWithoutTierIsDenied) {
  view_.upsert_service_account(make_account("shop", "db"));
  const auto d = review(make_pod("shop", "p", "db"));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.tier, "");
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "service account shop/db: tier: has no privilege tier")) << m;
  EXPECT_TRUE(contains(m, "no tier selects it and no tier is the default")) << m;
  EXPECT_TRUE(contains(m, "annotate it tierguard.io/tier=NAME")) << m;
}

TEST_F(WorkloadReview, UnknownTierAnnotationIsDeniedEvenWithADefault) {
  view_.upsert_tier(TierBuilder("base", 0).is_default());
  view_.upsert_service_account(make_account("shop", "web", {{"app", "web"}}, tier_annotation("nope")));
  const auto d = review(make_pod("shop", "p", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "names tier \"nope\", which does not exist")) << d.message();
}

TEST_F(WorkloadReview, ExemptNamespaceIsAllowedAndAnnotated) {
  const auto d = review(make_pod("kube-system", "coredns", "coredns", true));
  EXPECT_TRUE(d.allowed);
  ASSERT_NE(annotation(d, "exempt"), nullptr);
  EXPECT_EQ(*annotation(d, "exempt"), "namespace \"kube-system\" is exempt");
}

TEST_F(WorkloadReview, DeleteIsAlwaysAllowed) {
  view_.upsert_service_account(make_account("shop", "db"));
  EXPECT_TRUE(review(make_pod("shop", "p", "db"), delete_by()).allowed);
}

TEST_F(WorkloadReview, EveryBrokenRuleIsReported) {
  set_tier(base_tier().accounts(everything()).automount(AutomountRule::kForbid).default_account(false));
  view_.upsert_namespace(make_namespace("lab", {{"env", "dev"}}));
  view_.upsert_binding(make_role_binding("lab", "drift", cluster_role_ref("secret-reader"), {sa_subject("", "default")}));
  const auto d = review(make_pod("lab", "p", "", true));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(rules_of(d), (Strings{"placement", "pods.automountServiceAccountToken", "pods.allowDefaultServiceAccount",
                                  "standing"}));
}

TEST_F(WorkloadReview, EnforcementModes) {
  set_tier(base_tier().enforcement(Enforcement::kWarn));
  const auto warned = review(make_pod("lab", "p", "web"));
  EXPECT_TRUE(warned.allowed);
  ASSERT_EQ(warned.warnings.size(), 1u);
  EXPECT_EQ(warned.warnings[0].rfind("tierguard: service account lab/web (tier \"web\"): placement:", 0), 0u)
      << warned.warnings[0];
  EXPECT_EQ(*annotation(warned, "decision"), "allowed-with-violations");

  set_tier(base_tier().enforcement(Enforcement::kAudit));
  const auto audited = review(make_pod("lab", "p", "web"));
  EXPECT_TRUE(audited.allowed);
  EXPECT_TRUE(audited.warnings.empty());
  EXPECT_EQ(*annotation(audited, "decision"), "allowed-with-violations");
  EXPECT_TRUE(contains(*annotation(audited, "violations"), "placement")) << *annotation(audited, "violations");
  EXPECT_EQ(*annotation(audited, "tier"), "web");
  EXPECT_EQ(*annotation(audited, "service-account"), "lab/web");
}

TEST_F(WorkloadReview, WorkloadTemplatesAreReviewedLikePods) {
  for (auto kind : {WorkloadKind::kDeployment, WorkloadKind::kStatefulSet, WorkloadKind::kDaemonSet,
                    WorkloadKind::kReplicaSet, WorkloadKind::kJob, WorkloadKind::kCronJob}) {
    SCOPED_TRACE(std::string(to_string(kind)));
    EXPECT_TRUE(review(make_workload(kind, "shop", "w", "web")).allowed);
    EXPECT_FALSE(review(make_workload(kind, "lab", "w", "web")).allowed);
  }
}

// --- sharing ---------------------------------------------------------------------------------

TEST_F(WorkloadReview, SharingWithinTheLimitIsAllowed) {
  set_tier(base_tier().sharing(2, SharingAction::kDeny));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", "one", "web"));
  EXPECT_TRUE(review(make_workload(WorkloadKind::kDeployment, "shop", "two", "web")).allowed);
  // Re-reviewing a workload already counted does not count it twice.
  EXPECT_TRUE(review(make_workload(WorkloadKind::kDeployment, "shop", "one", "web")).allowed);
}

TEST_F(WorkloadReview, SharingDenyIsAViolation) {
  set_tier(base_tier().sharing(1, SharingAction::kDeny));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", "one", "web"));
  const auto d = review(make_workload(WorkloadKind::kStatefulSet, "shop", "two", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(rules_of(d), Strings{"sharing"});
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "shared by 2 workloads (Deployment/one, StatefulSet/two)")) << m;
  EXPECT_TRUE(contains(m, "more than the tier's sharing.maxWorkloads 1")) << m;
  EXPECT_TRUE(contains(m, "give each workload its own service account")) << m;
}

TEST_F(WorkloadReview, SharingFlagIsAWarning) {
  set_tier(base_tier().sharing(1, SharingAction::kFlag));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", "one", "web"));
  const auto d = review(make_workload(WorkloadKind::kDeployment, "shop", "two", "web"));
  EXPECT_TRUE(d.allowed);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_TRUE(contains(d.warnings[0], "sharing: the service account would be shared by 2 workloads")) << d.warnings[0];
  EXPECT_EQ(d.warnings[0].rfind("tierguard: ", 0), 0u);
}

TEST_F(WorkloadReview, SharingCountsPodsByTheirTopLevelWorkload) {
  set_tier(base_tier().sharing(1, SharingAction::kDeny));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", "api", "web"));
  view_.upsert_workload(owned_by(make_workload(WorkloadKind::kReplicaSet, "shop", "api-7f9", "web"), "Deployment", "api"));
  view_.upsert_workload(owned_by(make_pod("shop", "api-7f9-a", "web"), "ReplicaSet", "api-7f9"));
  view_.upsert_workload(owned_by(make_pod("shop", "api-7f9-b", "web"), "ReplicaSet", "api-7f9"));
  // Another pod of the same Deployment is still one workload.
  EXPECT_TRUE(review(owned_by(make_pod("shop", "api-7f9-c", "web"), "ReplicaSet", "api-7f9")).allowed);
  // A bare pod is a second one.
  const auto d = review(make_pod("shop", "debug", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "(Deployment/api, Pod/debug)")) << d.message();
}

TEST_F(WorkloadReview, SharingIsPerNamespaceAndAccount) {
  set_tier(base_tier().sharing(1, SharingAction::kDeny).placement(everything()));
  view_.upsert_service_account(make_account("shop", "other", {{"app", "web"}}));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", "one", "other"));
  view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "lab", "one", "web"));
  EXPECT_TRUE(review(make_workload(WorkloadKind::kDeployment, "shop", "two", "web")).allowed);
}

TEST_F(WorkloadReview, SharingListsAtMostFourWorkloads) {
  set_tier(base_tier().sharing(1, SharingAction::kDeny));
  for (const char* name : {"a", "b", "c", "d", "e"})
    view_.upsert_workload(make_workload(WorkloadKind::kDeployment, "shop", name, "web"));
  const auto d = review(make_workload(WorkloadKind::kDeployment, "shop", "f", "web"));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "shared by 6 workloads (Deployment/a, Deployment/b, Deployment/c, Deployment/d, …)"))
      << d.message();
}

}  // namespace
}  // namespace tierguard::policy
