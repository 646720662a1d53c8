#include "policy/rbac_review.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

// Two tiers: "restricted" may read configmaps in its namespace; "operator" may also read secrets,
// cluster-wide. Accounts: app/reader (restricted), app/op (operator), app/stray (no tier).
class RbacReview : public ::testing::Test {
 protected:
  RbacReview() {
    view_.upsert_tier(TierBuilder("restricted", 10).accounts(match({{"tier", "restricted"}})).standing({read_configmaps()}));
    view_.upsert_tier(TierBuilder("operator", 50)
                          .accounts(match({{"tier", "operator"}}))
                          .standing({read_configmaps(), read_secrets()}, /*cluster_scope=*/true));
    view_.upsert_namespace(make_namespace("app"));
    view_.upsert_service_account(make_account("app", "reader", {{"tier", "restricted"}}));
    view_.upsert_service_account(make_account("app", "op", {{"tier", "operator"}}));
    view_.upsert_service_account(make_account("app", "stray"));
    view_.upsert_role(make_role("app", "configmap-reader", {read_configmaps()}));
    view_.upsert_role(make_role("app", "secret-reader", {read_secrets()}));
    view_.upsert_role(make_cluster_role("view-configmaps", {read_configmaps()}));
    view_.upsert_role(make_cluster_role("view-secrets", {read_secrets()}));
    view_.upsert_role(make_cluster_role("metrics", {url_rule({"get"}, {"/metrics"})}));
  }

  Decision binding(const Binding& b, const ReviewContext& ctx = create_by()) const {
    return review_binding(view_, b, ctx, options_);
  }
  Decision role(const Role& r, const ReviewContext& ctx = create_by()) const {
    return review_role(view_, r, ctx, options_);
  }

  state::Snapshot view_;
  PolicyOptions options_;
};

TEST_F(RbacReview, BindingWithinTheCeilingIsAllowed) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("configmap-reader"), {sa_subject("", "reader")}));
  EXPECT_TRUE(d.allowed) << d.message();
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_EQ(d.service_account, "app/reader");
  EXPECT_EQ(d.tier, "restricted");
  EXPECT_EQ(*annotation(d, "decision"), "allowed");
}

TEST_F(RbacReview, BindingAboveTheCeilingIsDeniedWithTierRuleAndRemedy) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("secret-reader"), {sa_subject("", "reader")}));
  ASSERT_FALSE(d.allowed);
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "service account app/reader (tier \"restricted\")")) << m;
  EXPECT_TRUE(contains(m, "standing:")) << m;
  EXPECT_TRUE(contains(m, "RoleBinding app/rb grants {verbs=[get,list] apiGroups=[\"\"] resources=[secrets]}")) << m;
  EXPECT_TRUE(contains(m, "Elevation")) << m;
  EXPECT_EQ(*annotation(d, "decision"), "denied");
  EXPECT_EQ(*annotation(d, "tier"), "restricted");
  EXPECT_EQ(*annotation(d, "service-account"), "app/reader");
  EXPECT_TRUE(contains(*annotation(d, "violations"), "secrets"));
}

TEST_F(RbacReview, ClusterRoleBindingDeniedWithoutClusterScope) {
  const auto d = binding(make_cluster_role_binding("crb", cluster_role_ref("view-configmaps"), {sa_subject("app", "reader")}));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "ClusterRoleBinding crb holds permissions cluster-wide")) << d.message();
}

TEST_F(RbacReview, ClusterRoleBindingAllowedWithClusterScopeWithinCeiling) {
  EXPECT_TRUE(binding(make_cluster_role_binding("crb", cluster_role_ref("view-secrets"), {sa_subject("app", "op")})).allowed);
  const auto urls = binding(make_cluster_role_binding("crb", cluster_role_ref("metrics"), {sa_subject("app", "op")}));
  EXPECT_FALSE(urls.allowed);
  EXPECT_TRUE(contains(urls.message(), "nonResourceURLs=[/metrics]")) << urls.message();
}

TEST_F(RbacReview, RoleBindingToUrlOnlyClusterRoleGrantsNothingAndIsAllowed) {
  EXPECT_TRUE(binding(make_role_binding("app", "rb", cluster_role_ref("metrics"), {sa_subject("", "reader")})).allowed);
}

TEST_F(RbacReview, BindingToMissingRoleIsAllowedWithAWarning) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("later"), {sa_subject("", "reader")}));
  EXPECT_TRUE(d.allowed);
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0],
            "tierguard: RoleBinding app/rb references Role later, which does not exist yet; its rules are checked when it is created");
}

TEST_F(RbacReview, BindingOfAnUntieredAccountIsDenied) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("configmap-reader"), {sa_subject("", "stray")}));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "service account app/stray: tier: has no privilege tier")) << d.message();
}

TEST_F(RbacReview, BindingOfAnAccountWithAnUnknownTierAnnotationIsDenied) {
  view_.upsert_service_account(make_account("app", "typo", {{"tier", "restricted"}}, tier_annotation("restircted")));
  const auto d = binding(make_role_binding("app", "rb", role_ref("configmap-reader"), {sa_subject("", "typo")}));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "\"restircted\"")) << d.message();
}

TEST_F(RbacReview, ClusterRoleBindingToARoleIsRejected) {
  const auto d = binding(make_cluster_role_binding("crb", role_ref("configmap-reader"), {sa_subject("app", "reader")}));
  ASSERT_FALSE(d.allowed);
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "roleRef")) << m;
  EXPECT_TRUE(contains(m, "ClusterRoleBinding crb")) << m;
  EXPECT_TRUE(contains(m, "can only reference a ClusterRole")) << m;
  // It is a binding, not a service account.
  EXPECT_FALSE(contains(m, "service account crb")) << m;
}

TEST_F(RbacReview, SeveralAccountsSeveralTiers) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("secret-reader"),
                                           {sa_subject("", "reader"), sa_subject("", "op")}));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.service_account, "");  // more than one account
  EXPECT_EQ(d.tier, "");
  ASSERT_NE(annotation(d, "tiers"), nullptr);
  EXPECT_EQ(*annotation(d, "tiers"), "restricted,operator");
  EXPECT_EQ(d.reasons.size(), 1u);  // op is within its ceiling
}

TEST_F(RbacReview, ServiceAccountUserSubjectIsChecked) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("secret-reader"),
                                           {user_subject("system:serviceaccount:app:reader")}));
  EXPECT_FALSE(d.allowed);
}

TEST_F(RbacReview, NamespaceGroupChecksExistingAndNewAccounts) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("configmap-reader"),
                                           {group_subject("system:serviceaccounts:app")}));
  // app/stray has no tier.
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "app/stray")) << d.message();
  view_.remove_service_account("app", "stray");
  EXPECT_TRUE(binding(make_role_binding("app", "rb", role_ref("configmap-reader"),
                                        {group_subject("system:serviceaccounts:app")}))
                  .allowed);

  // New accounts of a namespace selected by a tier are checked against that tier.
  view_.upsert_tier(TierBuilder("dev", 1).namespaces(match({{"env", "dev"}})));
  view_.upsert_namespace(make_namespace("dev", {{"env", "dev"}}));
  const auto future = binding(make_role_binding("dev", "rb", cluster_role_ref("view-configmaps"),
                                                {group_subject("system:serviceaccounts:dev")}));
  ASSERT_FALSE(future.allowed);
  EXPECT_TRUE(contains(future.message(), "new service accounts in dev (tier \"dev\")")) << future.message();
}

TEST_F(RbacReview, AllServiceAccountsGroupMustFitEveryTier) {
  view_.remove_service_account("app", "stray");
  const auto d = binding(make_cluster_role_binding("crb", cluster_role_ref("view-secrets"),
                                                   {group_subject("system:serviceaccounts")}));
  ASSERT_FALSE(d.allowed);
  EXPECT_TRUE(contains(d.message(), "new service accounts of tier restricted in any namespace")) << d.message();
  EXPECT_FALSE(contains(d.message(), "tier operator in any namespace")) << d.message();
}

TEST_F(RbacReview, ExemptAccountsAreNotChecked) {
  view_.upsert_service_account(make_account("kube-system", "coredns"));
  EXPECT_TRUE(binding(make_role_binding("kube-system", "rb", cluster_role_ref("view-secrets"),
                                        {sa_subject("", "coredns")}))
                  .allowed);
}

TEST_F(RbacReview, BindingsOfUsersOnlyAreAllowed) {
  EXPECT_TRUE(binding(make_cluster_role_binding("crb", cluster_role_ref("view-secrets"), {user_subject("alice")})).allowed);
}

TEST_F(RbacReview, ExemptRequesterIsNotChecked) {
  const auto d = binding(make_role_binding("app", "rb", role_ref("secret-reader"), {sa_subject("", "reader")}),
                         create_by("system:apiserver"));
  EXPECT_TRUE(d.allowed);
  ASSERT_NE(annotation(d, "exempt"), nullptr);
  EXPECT_TRUE(contains(*annotation(d, "exempt"), "system:apiserver"));
  EXPECT_TRUE(role(make_role("app", "configmap-reader", {rule({"*"}, {"*"}, {"*"})}), create_by("system:apiserver")).allowed);
}

TEST_F(RbacReview, DeleteIsAlwaysAllowed) {
  EXPECT_TRUE(binding(make_role_binding("app", "rb", role_ref("secret-reader"), {sa_subject("", "stray")}), delete_by()).allowed);
  EXPECT_TRUE(binding(make_cluster_role_binding("crb", role_ref("x"), {}), delete_by()).allowed);
  view_.upsert_binding(make_role_binding("app", "rb", role_ref("configmap-reader"), {sa_subject("", "reader")}));
  EXPECT_TRUE(role(make_role("app", "configmap-reader", {rule({"*"}, {"*"}, {"*"})}), delete_by()).allowed);
}

TEST_F(RbacReview, WarnAndAuditTiersDoNotDeny) {
  view_.upsert_tier(TierBuilder("restricted", 10)
                        .accounts(match({{"tier", "restricted"}}))
                        .standing({read_configmaps()})
                        .enforcement(Enforcement::kWarn));
  const Binding b = make_role_binding("app", "rb", role_ref("secret-reader"), {sa_subject("", "reader")});
  const auto warned = binding(b);
  EXPECT_TRUE(warned.allowed);
  ASSERT_EQ(warned.warnings.size(), 1u);
  EXPECT_EQ(warned.warnings[0].rfind("tierguard: service account app/reader (tier \"restricted\"): standing:", 0), 0u)
      << warned.warnings[0];

  view_.upsert_tier(TierBuilder("restricted", 10)
                        .accounts(match({{"tier", "restricted"}}))
                        .standing({read_configmaps()})
                        .enforcement(Enforcement::kAudit));
  const auto audited = binding(b);
  EXPECT_TRUE(audited.allowed);
  EXPECT_TRUE(audited.warnings.empty());
  EXPECT_EQ(*annotation(audited, "decision"), "allowed-with-violations");
}

// --- Role / ClusterRole edits ---------------------------------------------------------------

TEST_F(RbacReview, RoleEditThatLiftsABoundAccountIsDeniedNamingTheBinding) {
  view_.upsert_binding(make_role_binding("app", "cm-binding", role_ref("configmap-reader"), {sa_subject("", "reader")}));
  const auto d = role(make_role("app", "configmap-reader", {read_configmaps(), read_secrets()}));
  ASSERT_FALSE(d.allowed);
  const std::string m = d.message();
  EXPECT_TRUE(contains(m, "service account app/reader (tier \"restricted\")")) << m;
  EXPECT_TRUE(contains(m, "RoleBinding app/cm-binding grants {verbs=[get,list] apiGroups=[\"\"] resources=[secrets]}")) << m;
  EXPECT_TRUE(contains(m, "keep Role app/configmap-reader within the ceiling")) << m;
  EXPECT_EQ(d.tier, "restricted");
}

TEST_F(RbacReview, RoleEditWithinTheCeilingIsAllowed) {
  view_.upsert_binding(make_role_binding("app", "cm-binding", role_ref("configmap-reader"), {sa_subject("", "reader")}));
  EXPECT_TRUE(role(make_role("app", "configmap-reader", {rule({"get"}, {""}, {"configmaps"})})).allowed);
}

TEST_F(RbacReview, RoleEditForAnUntieredAccountIsNotDenied) {
  view_.upsert_binding(make_role_binding("app", "stray-binding", role_ref("configmap-reader"), {sa_subject("", "stray")}));
  EXPECT_TRUE(role(make_role("app", "configmap-reader", {rule({"*"}, {"*"}, {"*"})})).allowed);
}

TEST_F(RbacReview, RoleEditIgnoresBindingsInOtherNamespacesAndOfOtherRoles) {
  // RoleBinding in "other" to a Role named configmap-reader refers to other/configmap-reader.
  view_.upsert_binding(make_role_binding("other", "rb", role_ref("configmap-reader"), {sa_subject("app", "reader")}));
  view_.upsert_binding(make_role_binding("app", "rb2", role_ref("secret-reader"), {sa_subject("", "reader")}));
  view_.upsert_binding(make_role_binding("app", "rb3", cluster_role_ref("configmap-reader"), {sa_subject("", "reader")}));
  EXPECT_TRUE(role(make_role("app", "configmap-reader", {rule({"*"}, {"*"}, {"*"})})).allowed);
  EXPECT_FALSE(role(make_role("other", "configmap-reader", {rule({"*"}, {"*"}, {"*"})})).allowed);
}

TEST_F(RbacReview, ClusterRoleEditChecksRoleBindingsAndClusterRoleBindings) {
  view_.upsert_binding(make_role_binding("app", "ns-view", cluster_role_ref("view-configmaps"), {sa_subject("", "reader")}));
  view_.upsert_binding(make_cluster_role_binding("cluster-view", cluster_role_ref("view-configmaps"), {sa_subject("app", "op")}));
  const auto d = role(make_cluster_role("view-configmaps", {read_configmaps(), rule({"delete"}, {""}, {"pods"})}));
  ASSERT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons.size(), 2u) << d.message();
  EXPECT_TRUE(contains(d.message(), "RoleBinding app/ns-view")) << d.message();
  EXPECT_TRUE(contains(d.message(), "ClusterRoleBinding cluster-view")) << d.message();
  EXPECT_EQ(*annotation(d, "tiers"), "restricted,operator");
  // Adding a nonResourceURL only matters for the ClusterRoleBinding.
  const auto urls = role(make_cluster_role("view-configmaps", {read_configmaps(), url_rule({"get"}, {"/metrics"})}));
  ASSERT_FALSE(urls.allowed);
  ASSERT_EQ(urls.reasons.size(), 1u) << urls.message();
  EXPECT_TRUE(contains(urls.reasons[0], "ClusterRoleBinding cluster-view")) << urls.message();
}

TEST_F(RbacReview, RoleEditIgnoresBootstrapBindings) {
  Binding bootstrap = make_cluster_role_binding("system:basic", cluster_role_ref("view-configmaps"),
                                                {group_subject("system:serviceaccounts")});
  bootstrap.labels = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  view_.upsert_binding(bootstrap);
  EXPECT_TRUE(role(make_cluster_role("view-configmaps", {rule({"*"}, {"*"}, {"*"})})).allowed);
}

TEST_F(RbacReview, UnboundRoleIsAllowed) {
  const auto d = role(make_cluster_role("fresh", {rule({"*"}, {"*"}, {"*"})}));
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(*annotation(d, "decision"), "allowed");
}

}  // namespace
}  // namespace tierguard::policy
