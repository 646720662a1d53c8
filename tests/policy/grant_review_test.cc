#include "policy/grant_review.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

TEST(BindingLabel, Forms) {
  EXPECT_EQ(binding_label(make_role_binding("ns", "rb", role_ref("r"), {})), "RoleBinding ns/rb");
  EXPECT_EQ(binding_label(make_cluster_role_binding("crb", cluster_role_ref("r"), {})), "ClusterRoleBinding crb");
}

class GrantReview : public ::testing::Test {
 protected:
  GrantReview() {
    view_.upsert_tier(TierBuilder("low", 1).accounts(match({{"tier", "low"}})).standing({read_configmaps()}));
    view_.upsert_tier(TierBuilder("mid", 5).accounts(match({{"tier", "mid"}})).standing({read_configmaps(), read_secrets()}));
    view_.upsert_namespace(make_namespace("app"));
    for (const char* name : {"l1", "l2", "l3", "l4", "l5"})
      view_.upsert_service_account(make_account("app", name, {{"tier", "low"}}));
    view_.upsert_service_account(make_account("app", "m1", {{"tier", "mid"}}));
    view_.upsert_service_account(make_account("app", "none"));
  }

  GrantFindings review(std::vector<Subject> subjects, std::vector<PolicyRule> rules, bool require_tier = true) const {
    const Binding b = make_role_binding("app", "rb", cluster_role_ref("r"), std::move(subjects));
    return review_grant(view_, b, rules, PolicyOptions{}, require_tier, "REMEDY");
  }

  state::Snapshot view_;
};

TEST_F(GrantReview, WithinEveryCeilingHasNoViolations) {
  const auto f = review({sa_subject("", "l1"), sa_subject("", "m1")}, {read_configmaps()});
  EXPECT_TRUE(f.violations.empty());
  EXPECT_EQ(f.accounts, (std::vector<std::string>{"app/l1", "app/m1"}));
  EXPECT_EQ(f.tiers, (std::vector<std::string>{"low", "mid"}));
}

TEST_F(GrantReview, OneViolationPerTierNamingTheAccountsAndRemedy) {
  const auto f = review({sa_subject("", "l1"), sa_subject("", "m1"), sa_subject("", "l2")}, {read_secrets()});
  ASSERT_EQ(f.violations.size(), 1u);
  const Violation& v = f.violations[0];
  ASSERT_NE(v.tier, nullptr);
  EXPECT_EQ(v.tier->name, "low");
  EXPECT_EQ(v.rule, "standing");
  EXPECT_EQ(v.service_account, "app/l1, app/l2");
  EXPECT_TRUE(contains(v.message, "RoleBinding app/rb grants {verbs=[get,list] apiGroups=[\"\"] resources=[secrets]}"))
      << v.message;
  EXPECT_TRUE(contains(v.message, "; REMEDY")) << v.message;
}

TEST_F(GrantReview, SeparateViolationsForSeparateTiers) {
  const auto f = review({sa_subject("", "l1"), sa_subject("", "m1")}, {rule({"delete"}, {""}, {"pods"})});
  ASSERT_EQ(f.violations.size(), 2u);
  EXPECT_EQ(f.violations[0].tier->name, "low");
  EXPECT_EQ(f.violations[0].service_account, "app/l1");
  EXPECT_EQ(f.violations[1].tier->name, "mid");
  EXPECT_EQ(f.violations[1].service_account, "app/m1");
}

TEST_F(GrantReview, ListsThreeAccountsAndCountsTheRest) {
  const auto f = review({sa_subject("", "l1"), sa_subject("", "l2"), sa_subject("", "l3"), sa_subject("", "l4"),
                         sa_subject("", "l5")},
                        {read_secrets()});
  ASSERT_EQ(f.violations.size(), 1u);
  EXPECT_EQ(f.violations[0].service_account, "app/l1, app/l2, app/l3 and 2 more");
  EXPECT_EQ(f.accounts.size(), 5u);
}

TEST_F(GrantReview, UntieredAccountIsAViolationOnlyWhenATierIsRequired) {
  const auto required = review({sa_subject("", "none")}, {read_configmaps()}, true);
  ASSERT_EQ(required.violations.size(), 1u);
  EXPECT_EQ(required.violations[0].tier, nullptr);
  EXPECT_EQ(required.violations[0].rule, "tier");
  EXPECT_TRUE(contains(required.violations[0].message, "has no privilege tier")) << required.violations[0].message;
  EXPECT_TRUE(contains(required.violations[0].message, "RoleBinding app/rb may only bind service accounts that have a tier"));
  EXPECT_TRUE(required.tiers.empty());

  const auto optional = review({sa_subject("", "none")}, {read_configmaps()}, false);
  EXPECT_TRUE(optional.violations.empty());
  EXPECT_EQ(optional.accounts, std::vector<std::string>{"app/none"});
}

TEST_F(GrantReview, FutureAccountsAreCheckedButNotListedAsAccounts) {
  view_.upsert_tier(TierBuilder("ns-tier", 3).namespaces(match({{"env", "dev"}})).standing({read_configmaps()}));
  view_.upsert_namespace(make_namespace("dev", {{"env", "dev"}}));
  const auto f = review({group_subject("system:serviceaccounts:dev")}, {read_secrets()});
  EXPECT_TRUE(f.accounts.empty());
  ASSERT_EQ(f.violations.size(), 1u);
  EXPECT_EQ(f.violations[0].service_account, "new service accounts in dev");
  EXPECT_EQ(f.violations[0].tier->name, "ns-tier");
}

TEST_F(GrantReview, NamespacedBindingIgnoresNonResourceUrls) {
  const auto f = review({sa_subject("", "l1")}, {read_configmaps(), url_rule({"*"}, {"*"})});
  EXPECT_TRUE(f.violations.empty());
}

}  // namespace
}  // namespace tierguard::policy
