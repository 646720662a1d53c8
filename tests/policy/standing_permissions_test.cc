#include "policy/standing_permissions.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

class StandingPermissions : public ::testing::Test {
 protected:
  StandingPermissions() {
    view_.upsert_role(make_role("app", "reader", {read_configmaps()}));
    view_.upsert_role(make_role("other", "reader", {rule({"*"}, {"*"}, {"*"})}));
    view_.upsert_role(make_cluster_role("reader", {read_secrets(), url_rule({"get"}, {"/metrics"})}));
  }

  std::vector<std::string> grant_names(std::string_view ns, std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& g : standing_grants(view_, ns, name)) out.push_back(g.binding->name);
    std::sort(out.begin(), out.end());
    return out;
  }

  state::Snapshot view_;
};

TEST_F(StandingPermissions, ReferencedRoleIsLookedUpInTheBindingNamespace) {
  const auto* own = referenced_role(view_, make_role_binding("app", "b", role_ref("reader"), {}));
  ASSERT_NE(own, nullptr);
  EXPECT_EQ(own->namespace_name, "app");
  const auto* other = referenced_role(view_, make_role_binding("other", "b", role_ref("reader"), {}));
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->namespace_name, "other");
  EXPECT_EQ(referenced_role(view_, make_role_binding("third", "b", role_ref("reader"), {})), nullptr);
  const auto* cluster = referenced_role(view_, make_role_binding("third", "b", cluster_role_ref("reader"), {}));
  ASSERT_NE(cluster, nullptr);
  EXPECT_EQ(cluster->kind, RoleKind::kClusterRole);
  EXPECT_EQ(referenced_role(view_, make_role_binding("app", "b", cluster_role_ref("missing"), {})), nullptr);
}

TEST_F(StandingPermissions, ClusterRoleBindingToARoleReferencesNothing) {
  EXPECT_EQ(referenced_role(view_, make_cluster_role_binding("crb", role_ref("reader"), {})), nullptr);
}

TEST_F(StandingPermissions, EffectiveRulesDropUrlsOnlyInNamespaces) {
  const std::vector<PolicyRule> rules{read_secrets(), url_rule({"get"}, {"/metrics"})};
  EXPECT_EQ(effective_rules(make_role_binding("ns", "b", cluster_role_ref("r"), {}), rules),
            std::vector<PolicyRule>{read_secrets()});
  EXPECT_EQ(effective_rules(make_cluster_role_binding("b", cluster_role_ref("r"), {}), rules), rules);
}

TEST_F(StandingPermissions, GrantsFromEveryKindOfBinding) {
  view_.upsert_binding(make_role_binding("app", "own-ns", role_ref("reader"), {sa_subject("", "api")}));
  view_.upsert_binding(make_role_binding("other", "cross-ns", cluster_role_ref("reader"), {sa_subject("app", "api")}));
  view_.upsert_binding(make_cluster_role_binding("cluster", cluster_role_ref("reader"), {sa_subject("app", "api")}));
  view_.upsert_binding(make_role_binding("app", "not-me", role_ref("reader"), {sa_subject("", "web")}));
  EXPECT_EQ(grant_names("app", "api"), (std::vector<std::string>{"cluster", "cross-ns", "own-ns"}));

  for (const auto& g : standing_grants(view_, "app", "api")) {
    SCOPED_TRACE(g.binding->name);
    ASSERT_NE(g.role, nullptr);
    if (g.binding->name == "own-ns") {
      EXPECT_EQ(g.rules, std::vector<PolicyRule>{read_configmaps()});
    } else if (g.binding->name == "cross-ns") {
      EXPECT_EQ(g.rules, std::vector<PolicyRule>{read_secrets()});  // no /metrics in a namespace
    } else {
      EXPECT_EQ(g.rules, (std::vector<PolicyRule>{read_secrets(), url_rule({"get"}, {"/metrics"})}));
    }
  }
}

TEST_F(StandingPermissions, RoleBindingInAnotherNamespaceUsesThatNamespacesRole) {
  // RoleBinding other/x → Role "reader" means other/reader (everything), not app/reader.
  view_.upsert_binding(make_role_binding("other", "x", role_ref("reader"), {sa_subject("app", "api")}));
  const auto grants = standing_grants(view_, "app", "api");
  ASSERT_EQ(grants.size(), 1u);
  ASSERT_NE(grants[0].role, nullptr);
  EXPECT_EQ(grants[0].role->namespace_name, "other");
  EXPECT_EQ(grants[0].rules, std::vector<PolicyRule>{rule({"*"}, {"*"}, {"*"})});

  // And a Role the binding's namespace does not have grants nothing, even if the account's own
  // namespace has one by that name.
  view_.upsert_role(make_role("app", "only-in-app", {rule({"*"}, {"*"}, {"*"})}));
  view_.upsert_binding(make_role_binding("third", "y", role_ref("only-in-app"), {sa_subject("app", "api")}));
  for (const auto& g : standing_grants(view_, "app", "api")) {
    if (g.binding->name != "y") continue;
    EXPECT_EQ(g.role, nullptr);
    EXPECT_TRUE(g.rules.empty());
  }
}

TEST_F(StandingPermissions, BindingToMissingRoleGrantsNothing) {
  view_.upsert_binding(make_role_binding("app", "dangling", cluster_role_ref("not-yet"), {sa_subject("", "api")}));
  const auto grants = standing_grants(view_, "app", "api");
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].role, nullptr);
  EXPECT_TRUE(grants[0].rules.empty());
}

TEST_F(StandingPermissions, BootstrapBindingsAreIgnored) {
  Binding bootstrap = make_cluster_role_binding("system:discovery", cluster_role_ref("reader"),
                                                {group_subject("system:serviceaccounts")});
  bootstrap.labels = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  view_.upsert_binding(bootstrap);
  EXPECT_TRUE(standing_grants(view_, "app", "api").empty());

  Binding lookalike = bootstrap;
  lookalike.name = "lookalike";
  lookalike.labels = {{"kubernetes.io/bootstrapping", "something-else"}};
  view_.upsert_binding(lookalike);
  EXPECT_EQ(grant_names("app", "api"), std::vector<std::string>{"lookalike"});
}

TEST_F(StandingPermissions, GroupSubjectsCount) {
  view_.upsert_binding(make_role_binding("app", "ns-group", role_ref("reader"), {group_subject("system:serviceaccounts:app")}));
  view_.upsert_binding(make_cluster_role_binding("all", cluster_role_ref("reader"), {group_subject("system:serviceaccounts")}));
  view_.upsert_binding(make_role_binding("app", "other-group", role_ref("reader"), {group_subject("system:serviceaccounts:web")}));
  EXPECT_EQ(grant_names("app", "api"), (std::vector<std::string>{"all", "ns-group"}));
}

TEST(CeilingExcess, NothingHeldIsNeverAnExcess) {
  const PrivilegeTier tier = TierBuilder("t");
  EXPECT_FALSE(ceiling_excess(tier, BindingKind::kRoleBinding, {}).has_value());
  EXPECT_FALSE(ceiling_excess(tier, BindingKind::kClusterRoleBinding, {}).has_value());
}

TEST(CeilingExcess, WithinCeiling) {
  const PrivilegeTier tier = TierBuilder("t").standing({read_configmaps(), read_secrets()});
  EXPECT_FALSE(ceiling_excess(tier, BindingKind::kRoleBinding, {read_configmaps()}).has_value());
}

TEST(CeilingExcess, ClusterRoleBindingNeedsClusterScope) {
  const PrivilegeTier namespaced = TierBuilder("t").standing({read_configmaps()}, /*cluster_scope=*/false);
  const auto excess = ceiling_excess(namespaced, BindingKind::kClusterRoleBinding, {read_configmaps()});
  ASSERT_TRUE(excess.has_value());
  EXPECT_TRUE(contains(*excess, "cluster-wide")) << *excess;
  EXPECT_TRUE(contains(*excess, "spec.standing.clusterScope is false")) << *excess;

  const PrivilegeTier cluster = TierBuilder("t").standing({read_configmaps()}, /*cluster_scope=*/true);
  EXPECT_FALSE(ceiling_excess(cluster, BindingKind::kClusterRoleBinding, {read_configmaps()}).has_value());
  EXPECT_TRUE(ceiling_excess(cluster, BindingKind::kClusterRoleBinding, {read_secrets()}).has_value());
}

TEST(CeilingExcess, SummarisesUncoveredRulesListsFourAndCountsTheRest) {
  const PrivilegeTier tier = TierBuilder("t").standing({read_configmaps()});
  const auto one = ceiling_excess(tier, BindingKind::kRoleBinding, {rule({"delete"}, {""}, {"configmaps"})});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(*one, "grants {verbs=[delete] apiGroups=[\"\"] resources=[configmaps]} beyond the tier's standing ceiling");

  // Atomic rules that differ only by verb or resource are folded back into one.
  const auto folded = ceiling_excess(tier, BindingKind::kRoleBinding, {rule({"get", "delete"}, {""}, {"pods", "configmaps"})});
  ASSERT_TRUE(folded.has_value());
  EXPECT_EQ(*folded,
            "grants {verbs=[get,delete] apiGroups=[\"\"] resources=[pods]}, {verbs=[delete] apiGroups=[\"\"] "
            "resources=[configmaps]} beyond the tier's standing ceiling");

  // API groups are never folded: six groups are six rules, four shown.
  const auto many = ceiling_excess(tier, BindingKind::kRoleBinding,
                                   {rule({"get"}, {"g1", "g2", "g3", "g4", "g5", "g6"}, {"widgets"})});
  ASSERT_TRUE(many.has_value());
  EXPECT_TRUE(contains(*many, "{verbs=[get] apiGroups=[g4] resources=[widgets]}")) << *many;
  EXPECT_FALSE(contains(*many, "apiGroups=[g5]")) << *many;
  EXPECT_TRUE(contains(*many, " and 2 more beyond")) << *many;
}

}  // namespace
}  // namespace tierguard::policy
