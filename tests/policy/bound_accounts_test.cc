#include "policy/bound_accounts.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

TEST(SubjectNamesAccount, ServiceAccountSubject) {
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"), {});
  EXPECT_TRUE(subject_names_account(rb, sa_subject("team", "api"), "team", "api"));
  EXPECT_TRUE(subject_names_account(rb, sa_subject("other", "api"), "other", "api"));
  EXPECT_FALSE(subject_names_account(rb, sa_subject("other", "api"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, sa_subject("team", "api"), "team", "web"));
}

TEST(SubjectNamesAccount, ServiceAccountWithoutNamespaceDefaultsToTheBindingNamespace) {
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"), {});
  EXPECT_TRUE(subject_names_account(rb, sa_subject("", "api"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, sa_subject("", "api"), "other", "api"));
  // A ClusterRoleBinding has no namespace to default to: the subject names nobody.
  const Binding crb = make_cluster_role_binding("crb", cluster_role_ref("view"), {});
  EXPECT_FALSE(subject_names_account(crb, sa_subject("", "api"), "team", "api"));
}

TEST(SubjectNamesAccount, ServiceAccountUser) {
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"), {});
  EXPECT_TRUE(subject_names_account(rb, user_subject("system:serviceaccount:team:api"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, user_subject("system:serviceaccount:team:api"), "team", "ap"));
  EXPECT_FALSE(subject_names_account(rb, user_subject("system:serviceaccount:team:apix"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, user_subject("system:serviceaccounts:team:api"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, user_subject("api"), "team", "api"));
}

TEST(SubjectNamesAccount, ServiceAccountGroups) {
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"), {});
  EXPECT_TRUE(subject_names_account(rb, group_subject("system:serviceaccounts"), "anything", "at-all"));
  EXPECT_TRUE(subject_names_account(rb, group_subject("system:serviceaccounts:team"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, group_subject("system:serviceaccounts:team"), "teams", "api"));
  EXPECT_FALSE(subject_names_account(rb, group_subject("system:serviceaccounts:teams"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, group_subject("system:serviceaccounts:tea"), "team", "api"));
  EXPECT_FALSE(subject_names_account(rb, group_subject("system:authenticated"), "team", "api"));
  // A User named like the group is not the group.
  EXPECT_FALSE(subject_names_account(rb, user_subject("system:serviceaccounts"), "team", "api"));
}

TEST(SubjectTarget, ClassifiesEachSubjectOnce) {
  using Kind = SubjectTarget::Kind;
  // The target's views point into the binding and the subject: both must outlive it.
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"), {});
  const Subject sa = sa_subject("", "api");
  auto t = subject_target(rb, sa);
  EXPECT_EQ(t.kind, Kind::kAccount);
  EXPECT_EQ(t.namespace_name, "team");
  EXPECT_EQ(t.name, "api");
  const Subject user = user_subject("system:serviceaccount:ops:bot");
  t = subject_target(rb, user);
  EXPECT_EQ(t.kind, Kind::kAccount);
  EXPECT_EQ(t.namespace_name, "ops");
  EXPECT_EQ(t.name, "bot");
  const Subject user_without_name = user_subject("system:serviceaccount:ops");
  EXPECT_EQ(subject_target(rb, user_without_name).kind, Kind::kNone);
  const Subject namespace_group = group_subject("system:serviceaccounts:ops");
  t = subject_target(rb, namespace_group);
  EXPECT_EQ(t.kind, Kind::kNamespaceAccounts);
  EXPECT_EQ(t.namespace_name, "ops");
  const Subject all = group_subject("system:serviceaccounts");
  EXPECT_EQ(subject_target(rb, all).kind, Kind::kAllAccounts);
  const Subject authenticated = group_subject("system:authenticated");
  EXPECT_EQ(subject_target(rb, authenticated).kind, Kind::kNone);
  const Subject alice = user_subject("alice");
  EXPECT_EQ(subject_target(rb, alice).kind, Kind::kNone);
}

TEST(BindingNamesAccount, AnySubject) {
  const Binding rb = make_role_binding("team", "rb", cluster_role_ref("view"),
                                       {user_subject("alice"), sa_subject("", "api")});
  EXPECT_TRUE(binding_names_account(rb, "team", "api"));
  EXPECT_FALSE(binding_names_account(rb, "team", "web"));
  EXPECT_FALSE(binding_names_account(make_role_binding("team", "rb", cluster_role_ref("view"), {}), "team", "api"));
}

class AccountsBoundBy : public ::testing::Test {
 protected:
  AccountsBoundBy() {
    view_.upsert_tier(TierBuilder("low", 1).namespaces(match({{"env", "dev"}})));
    view_.upsert_tier(TierBuilder("high", 9).accounts(match({{"role", "admin"}})));
    view_.upsert_namespace(make_namespace("dev", {{"env", "dev"}}));
    view_.upsert_namespace(make_namespace("prod", {{"env", "prod"}}));
    view_.upsert_namespace(make_namespace("kube-system"));
    view_.upsert_service_account(make_account("dev", "a"));
    view_.upsert_service_account(make_account("dev", "b"));
    view_.upsert_service_account(make_account("prod", "admin", {{"role", "admin"}}));
    view_.upsert_service_account(make_account("prod", "plain"));
    view_.upsert_service_account(make_account("kube-system", "coredns"));
  }

  std::vector<BoundAccount> bound(std::vector<Subject> subjects, std::string ns = "dev") const {
    Binding b = ns.empty() ? make_cluster_role_binding("b", cluster_role_ref("r"), std::move(subjects))
                           : make_role_binding(ns, "b", cluster_role_ref("r"), std::move(subjects));
    return accounts_bound_by(view_, b, PolicyOptions{});
  }

  static std::vector<std::string> labels(const std::vector<BoundAccount>& accounts) {
    std::vector<std::string> out;
    for (const auto& a : accounts) out.push_back(a.label());
    std::sort(out.begin(), out.end());
    return out;
  }

  static const BoundAccount* find(const std::vector<BoundAccount>& accounts, std::string_view label) {
    for (const auto& a : accounts)
      if (a.label() == label) return &a;
    return nullptr;
  }

  state::Snapshot view_;
};

TEST_F(AccountsBoundBy, ServiceAccountSubjectsWithTheirTiers) {
  const auto accounts = bound({sa_subject("", "a"), sa_subject("prod", "admin"), sa_subject("prod", "plain")});
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_EQ(accounts[0].label(), "dev/a");
  EXPECT_FALSE(accounts[0].future);
  ASSERT_NE(accounts[0].resolution.tier, nullptr);
  EXPECT_EQ(accounts[0].resolution.tier->name, "low");
  EXPECT_EQ(accounts[1].label(), "prod/admin");
  EXPECT_EQ(accounts[1].resolution.tier->name, "high");
  EXPECT_EQ(accounts[2].label(), "prod/plain");
  EXPECT_EQ(accounts[2].resolution.tier, nullptr);
  EXPECT_EQ(accounts[2].resolution.source, TierSource::kNone);
}

TEST_F(AccountsBoundBy, AccountNamedTwiceIsListedOnce) {
  const auto accounts = bound({sa_subject("", "a"), sa_subject("dev", "a"), user_subject("system:serviceaccount:dev:a")});
  EXPECT_EQ(labels(accounts), (std::vector<std::string>{"dev/a"}));
}

TEST_F(AccountsBoundBy, ServiceAccountUserSubject) {
  const auto accounts = bound({user_subject("system:serviceaccount:prod:admin"), user_subject("alice"),
                               user_subject("system:serviceaccount:broken")});
  EXPECT_EQ(labels(accounts), (std::vector<std::string>{"prod/admin"}));
}

TEST_F(AccountsBoundBy, AccountNotInTheViewResolvesFromItsNamespace) {
  const auto accounts = bound({sa_subject("dev", "later")});
  ASSERT_EQ(accounts.size(), 1u);
  ASSERT_NE(accounts[0].resolution.tier, nullptr);
  EXPECT_EQ(accounts[0].resolution.tier->name, "low");
  EXPECT_TRUE(contains(accounts[0].resolution.explanation, "service account not found"));
}

TEST_F(AccountsBoundBy, NamespaceGroupGivesExistingAccountsAndNewOnes) {
  const auto accounts = bound({group_subject("system:serviceaccounts:dev")});
  EXPECT_EQ(labels(accounts), (std::vector<std::string>{"dev/a", "dev/b", "new service accounts in dev"}));
  const auto* future = find(accounts, "new service accounts in dev");
  ASSERT_NE(future, nullptr);
  EXPECT_TRUE(future->future);
  ASSERT_NE(future->resolution.tier, nullptr);
  EXPECT_EQ(future->resolution.tier->name, "low");
}

TEST_F(AccountsBoundBy, NamespaceGroupWhereNewAccountsWouldHaveNoTierListsOnlyExistingOnes) {
  const auto accounts = bound({group_subject("system:serviceaccounts:prod")});
  EXPECT_EQ(labels(accounts), (std::vector<std::string>{"prod/admin", "prod/plain"}));
}

TEST_F(AccountsBoundBy, AllServiceAccountsGroupCoversEveryGovernedAccountAndEveryTiersFutureAccounts) {
  const auto accounts = bound({group_subject("system:serviceaccounts")}, "");
  EXPECT_EQ(labels(accounts),
            (std::vector<std::string>{"dev/a", "dev/b", "new service accounts of tier high in any namespace",
                                      "new service accounts of tier low in any namespace", "prod/admin",
                                      "prod/plain"}));
  for (const auto& a : accounts) {
    if (!a.future) continue;
    ASSERT_NE(a.resolution.tier, nullptr);
    EXPECT_EQ(a.resolution.tier->name, a.name);
  }
}

TEST_F(AccountsBoundBy, ExemptNamespacesAreSkipped) {
  EXPECT_TRUE(bound({sa_subject("kube-system", "coredns")}).empty());
  EXPECT_TRUE(bound({group_subject("system:serviceaccounts:kube-system")}).empty());
  EXPECT_TRUE(bound({user_subject("system:serviceaccount:kube-system:coredns")}).empty());
}

TEST_F(AccountsBoundBy, UsersAndOtherGroupsBindNoServiceAccount) {
  EXPECT_TRUE(bound({user_subject("alice"), group_subject("system:authenticated"), group_subject("devs")}).empty());
}

TEST_F(AccountsBoundBy, ClusterRoleBindingServiceAccountWithoutNamespaceBindsNobody) {
  EXPECT_TRUE(bound({sa_subject("", "a")}, "").empty());
}

TEST(BoundAccountLabel, Forms) {
  BoundAccount a;
  a.namespace_name = "ns";
  a.name = "x";
  EXPECT_EQ(a.label(), "ns/x");
  a.future = true;
  EXPECT_EQ(a.label(), "new service accounts in ns");
  a.namespace_name.clear();
  a.name = "tier-a";
  EXPECT_EQ(a.label(), "new service accounts of tier tier-a in any namespace");
}

}  // namespace
}  // namespace tierguard::policy
