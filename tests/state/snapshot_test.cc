#include "state/snapshot.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "policy/bound_accounts.h"
#include "policy/sharing.h"
#include "test_util.h"

namespace tierguard::state {
namespace {

using policy::Binding;
using policy::BindingKind;
using policy::RoleKind;
using policy::Subject;
using policy::SubjectKind;
using policy::Workload;
using policy::WorkloadKey;
using policy::WorkloadKind;

policy::PrivilegeTier tier(std::string name, int64_t rank, bool is_default = false) {
  policy::PrivilegeTier t;
  t.name = std::move(name);
  t.rank = rank;
  t.is_default = is_default;
  return t;
}

Subject sa(std::string ns, std::string name) { return Subject{SubjectKind::kServiceAccount, std::move(name), std::move(ns)}; }
Subject user(std::string name) { return Subject{SubjectKind::kUser, std::move(name), ""}; }
Subject group(std::string name) { return Subject{SubjectKind::kGroup, std::move(name), ""}; }

Binding binding(BindingKind kind, std::string ns, std::string name, policy::RoleRef ref, std::vector<Subject> subjects) {
  Binding b;
  b.kind = kind;
  b.namespace_name = std::move(ns);
  b.name = std::move(name);
  b.role_ref = std::move(ref);
  b.subjects = std::move(subjects);
  return b;
}
Binding rb(std::string ns, std::string name, policy::RoleRef ref, std::vector<Subject> subjects) {
  return binding(BindingKind::kRoleBinding, std::move(ns), std::move(name), std::move(ref), std::move(subjects));
}
Binding crb(std::string name, policy::RoleRef ref, std::vector<Subject> subjects) {
  return binding(BindingKind::kClusterRoleBinding, "", std::move(name), std::move(ref), std::move(subjects));
}
policy::RoleRef role(std::string name) { return {RoleKind::kRole, std::move(name)}; }
policy::RoleRef cluster_role(std::string name) { return {RoleKind::kClusterRole, std::move(name)}; }

Workload workload(WorkloadKind kind, std::string ns, std::string name, std::string account,
                  std::optional<policy::OwnerReference> owner = std::nullopt) {
  Workload w;
  w.kind = kind;
  w.namespace_name = std::move(ns);
  w.name = std::move(name);
  w.pod.service_account_name = std::move(account);
  if (owner) w.owners.push_back(*owner);
  return w;
}

// "kind:ns/name" of every binding the view visits, sorted (and duplicates kept, to catch them).
std::vector<std::string> bindings_of(const Snapshot& s, std::string_view ns, std::string_view name) {
  std::vector<std::string> out;
  s.for_each_binding_of(ns, name, [&](const Binding& b) {
    out.push_back(std::string(policy::to_string(b.kind)) + ":" + b.namespace_name + "/" + b.name);
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> bindings_to(const Snapshot& s, RoleKind kind, std::string_view ns, std::string_view name) {
  std::vector<std::string> out;
  s.for_each_binding_to(kind, ns, name, [&](const Binding& b) {
    out.push_back(std::string(policy::to_string(b.kind)) + ":" + b.namespace_name + "/" + b.name);
  });
  std::sort(out.begin(), out.end());
  return out;
}

using Names = std::vector<std::string>;

TEST(SnapshotTiers, OrderedByRankThenNameAcrossUpdates) {
  Snapshot s;
  s.upsert_tier(tier("c", 5));
  s.upsert_tier(tier("a", 10));
  s.upsert_tier(tier("b", 5));
  auto names = [&] {
    Names out;
    for (const auto& t : s.tiers()) out.push_back(t.name);
    return out;
  };
  EXPECT_EQ(names(), (Names{"b", "c", "a"}));
  s.upsert_tier(tier("a", 1));  // replace with a new rank
  EXPECT_EQ(names(), (Names{"a", "b", "c"}));
  EXPECT_EQ(s.tiers().size(), 3u);
  ASSERT_NE(s.find_tier("b"), nullptr);
  EXPECT_EQ(s.find_tier("b")->rank, 5);
  EXPECT_TRUE(s.remove_tier("b"));
  EXPECT_FALSE(s.remove_tier("b"));
  EXPECT_EQ(s.find_tier("b"), nullptr);
  EXPECT_EQ(names(), (Names{"a", "c"}));
}

TEST(SnapshotTiers, ProblemsReportEverySecondDefault) {
  Snapshot s;
  s.upsert_tier(tier("one", 1, true));
  EXPECT_TRUE(s.problems().empty());
  s.upsert_tier(tier("two", 2, true));
  s.upsert_tier(tier("three", 3, true));
  const auto problems = s.problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0],
            "PrivilegeTier \"two\" is a second default tier (\"one\" is already the default); at most one tier may set spec.default");
  EXPECT_TRUE(testing::contains(problems[1], "\"three\" is a second default tier"));
  s.upsert_tier(tier("two", 2, false));
  s.remove_tier("three");
  EXPECT_TRUE(s.problems().empty());
}

TEST(SnapshotObjects, NamespacesAccountsRoles) {
  Snapshot s;
  s.upsert_namespace({"shop", {{"env", "prod"}}});
  s.upsert_namespace({"shop", {{"env", "dev"}}});
  ASSERT_NE(s.find_namespace("shop"), nullptr);
  EXPECT_EQ(s.find_namespace("shop")->labels.at("env"), "dev");
  EXPECT_EQ(s.find_namespace("nope"), nullptr);

  policy::ServiceAccount a;
  a.namespace_name = "shop";
  a.name = "api";
  s.upsert_service_account(a);
  a.name = "web";
  s.upsert_service_account(a);
  a.namespace_name = "lab";
  s.upsert_service_account(a);
  EXPECT_NE(s.find_service_account("shop", "api"), nullptr);
  EXPECT_EQ(s.find_service_account("lab", "api"), nullptr);
  Names shop, all;
  s.for_each_service_account("shop", [&](const policy::ServiceAccount& x) { shop.push_back(x.name); });
  s.for_each_service_account("", [&](const policy::ServiceAccount& x) { all.push_back(x.namespace_name + "/" + x.name); });
  std::sort(shop.begin(), shop.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(shop, (Names{"api", "web"}));
  EXPECT_EQ(all, (Names{"lab/web", "shop/api", "shop/web"}));
  EXPECT_TRUE(s.remove_service_account("shop", "api"));
  EXPECT_FALSE(s.remove_service_account("shop", "api"));

  policy::Role r;
  r.kind = RoleKind::kRole;
  r.namespace_name = "shop";
  r.name = "x";
  s.upsert_role(r);
  r.kind = RoleKind::kClusterRole;
  r.namespace_name = "";
  s.upsert_role(r);
  ASSERT_NE(s.find_role(RoleKind::kRole, "shop", "x"), nullptr);
  EXPECT_EQ(s.find_role(RoleKind::kRole, "shop", "x")->kind, RoleKind::kRole);
  EXPECT_EQ(s.find_role(RoleKind::kRole, "lab", "x"), nullptr);
  ASSERT_NE(s.find_role(RoleKind::kClusterRole, "", "x"), nullptr);
  EXPECT_EQ(s.find_role(RoleKind::kClusterRole, "shop", "x"), s.find_role(RoleKind::kClusterRole, "", "x"));
  EXPECT_TRUE(s.remove_role(RoleKind::kClusterRole, "", "x"));
  EXPECT_NE(s.find_role(RoleKind::kRole, "shop", "x"), nullptr);
  EXPECT_EQ(s.counts().roles, 1u);
  EXPECT_TRUE(s.remove_namespace("shop"));
  EXPECT_FALSE(s.remove_namespace("shop"));
}

TEST(SnapshotBindings, EverySubjectFormIsIndexed) {
  Snapshot s;
  s.upsert_binding(rb("shop", "direct", role("r"), {sa("", "api")}));
  s.upsert_binding(rb("lab", "cross", role("r"), {sa("shop", "api")}));
  s.upsert_binding(rb("shop", "as-user", role("r"), {user("system:serviceaccount:shop:api")}));
  s.upsert_binding(rb("shop", "ns-group", role("r"), {group("system:serviceaccounts:shop")}));
  s.upsert_binding(crb("all", cluster_role("c"), {group("system:serviceaccounts")}));
  s.upsert_binding(crb("cluster", cluster_role("c"), {sa("shop", "api")}));
  s.upsert_binding(rb("shop", "other-sa", role("r"), {sa("", "web")}));
  s.upsert_binding(rb("shop", "other-group", role("r"), {group("system:serviceaccounts:lab")}));
  s.upsert_binding(rb("shop", "humans", role("r"), {user("alice"), group("devs")}));
  s.upsert_binding(crb("no-namespace", cluster_role("c"), {sa("", "api")}));  // names nobody
  EXPECT_EQ(bindings_of(s, "shop", "api"),
            (Names{"ClusterRoleBinding:/all", "ClusterRoleBinding:/cluster", "RoleBinding:lab/cross",
                   "RoleBinding:shop/as-user", "RoleBinding:shop/direct", "RoleBinding:shop/ns-group"}));
  EXPECT_EQ(bindings_of(s, "shop", "web"),
            (Names{"ClusterRoleBinding:/all", "RoleBinding:shop/ns-group", "RoleBinding:shop/other-sa"}));
  EXPECT_EQ(bindings_of(s, "lab", "x"), (Names{"ClusterRoleBinding:/all", "RoleBinding:shop/other-group"}));
}

TEST(SnapshotBindings, ABindingNamingAnAccountSeveralWaysIsVisitedOnce) {
  Snapshot s;
  s.upsert_binding(rb("shop", "b", role("r"),
                      {sa("", "api"), sa("shop", "api"), user("system:serviceaccount:shop:api"),
                       group("system:serviceaccounts:shop"), group("system:serviceaccounts")}));
  EXPECT_EQ(bindings_of(s, "shop", "api"), (Names{"RoleBinding:shop/b"}));
}

TEST(SnapshotBindings, ReplacingABindingReindexesItsSubjectsAndRole) {
  Snapshot s;
  s.upsert_binding(rb("shop", "b", role("reader"), {sa("", "api"), group("system:serviceaccounts")}));
  s.upsert_binding(rb("shop", "keep", role("reader"), {sa("", "api")}));
  EXPECT_EQ(bindings_of(s, "shop", "web").size(), 1u);
  s.upsert_binding(rb("shop", "b", cluster_role("admin"), {sa("", "web")}));
  EXPECT_EQ(bindings_of(s, "shop", "api"), (Names{"RoleBinding:shop/keep"}));
  EXPECT_EQ(bindings_of(s, "shop", "web"), (Names{"RoleBinding:shop/b"}));
  EXPECT_EQ(bindings_of(s, "lab", "x"), Names{});
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "shop", "reader"), (Names{"RoleBinding:shop/keep"}));
  EXPECT_EQ(bindings_to(s, RoleKind::kClusterRole, "", "admin"), (Names{"RoleBinding:shop/b"}));
  EXPECT_EQ(s.counts().bindings, 2u);
}

TEST(SnapshotBindings, RemovingABindingUnindexesItAndKeepsTheOthers) {
  Snapshot s;
  s.upsert_binding(rb("shop", "a", role("r"), {sa("", "api")}));
  s.upsert_binding(rb("shop", "b", role("r"), {sa("", "api"), group("system:serviceaccounts:shop")}));
  s.upsert_binding(crb("c", cluster_role("r"), {group("system:serviceaccounts"), sa("shop", "api")}));
  EXPECT_TRUE(s.remove_binding(BindingKind::kRoleBinding, "shop", "b"));
  EXPECT_FALSE(s.remove_binding(BindingKind::kRoleBinding, "shop", "b"));
  EXPECT_FALSE(s.remove_binding(BindingKind::kClusterRoleBinding, "shop", "a"));  // wrong kind
  EXPECT_EQ(bindings_of(s, "shop", "api"), (Names{"ClusterRoleBinding:/c", "RoleBinding:shop/a"}));
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "shop", "r"), (Names{"RoleBinding:shop/a"}));
  EXPECT_TRUE(s.remove_binding(BindingKind::kClusterRoleBinding, "", "c"));
  EXPECT_EQ(bindings_of(s, "shop", "api"), (Names{"RoleBinding:shop/a"}));
  EXPECT_EQ(bindings_of(s, "other", "x"), Names{});
  EXPECT_EQ(bindings_to(s, RoleKind::kClusterRole, "", "r"), Names{});
}

TEST(SnapshotBindings, RoleBindingsAndClusterRoleBindingsOfTheSameNameAreDistinct) {
  Snapshot s;
  s.upsert_binding(rb("shop", "same", role("r"), {sa("", "api")}));
  s.upsert_binding(crb("same", cluster_role("c"), {sa("shop", "api")}));
  EXPECT_EQ(bindings_of(s, "shop", "api").size(), 2u);
  s.remove_binding(BindingKind::kClusterRoleBinding, "", "same");
  EXPECT_EQ(bindings_of(s, "shop", "api"), (Names{"RoleBinding:shop/same"}));
}

TEST(SnapshotBindings, BindingsToRolesAreScopedToTheBindingNamespace) {
  Snapshot s;
  s.upsert_binding(rb("shop", "to-role", role("reader"), {}));
  s.upsert_binding(rb("lab", "to-role", role("reader"), {}));
  s.upsert_binding(rb("shop", "to-cluster-role", cluster_role("reader"), {}));
  s.upsert_binding(crb("to-cluster-role", cluster_role("reader"), {}));
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "shop", "reader"), (Names{"RoleBinding:shop/to-role"}));
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "lab", "reader"), (Names{"RoleBinding:lab/to-role"}));
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "other", "reader"), Names{});
  EXPECT_EQ(bindings_to(s, RoleKind::kClusterRole, "", "reader"),
            (Names{"ClusterRoleBinding:/to-cluster-role", "RoleBinding:shop/to-cluster-role"}));
  // A ClusterRoleBinding that (invalidly) references a Role is indexed under no namespace.
  s.upsert_binding(crb("bad", role("reader"), {}));
  EXPECT_EQ(bindings_to(s, RoleKind::kRole, "shop", "reader"), (Names{"RoleBinding:shop/to-role"}));
}

TEST(SnapshotWorkloads, UnitsAreCountedPerOwnerAndAccount) {
  Snapshot s;
  const policy::OwnerReference rs{"ReplicaSet", "api-1", true};
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "a", "api", rs));
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "b", "api", rs));
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "debug", "api"));
  s.upsert_workload(workload(WorkloadKind::kDeployment, "shop", "api", "api"));
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "plain", ""));
  EXPECT_EQ(s.units_using("shop", "api"),
            (std::vector<WorkloadKey>{{"Deployment", "api"}, {"Pod", "debug"}, {"ReplicaSet", "api-1"}}));
  EXPECT_EQ(s.units_using("shop", "default"), (std::vector<WorkloadKey>{{"Pod", "plain"}}));
  EXPECT_TRUE(s.units_using("lab", "api").empty());

  // One pod of two gone: the ReplicaSet still counts; both gone: it does not.
  EXPECT_TRUE(s.remove_workload(WorkloadKind::kPod, "shop", "a"));
  EXPECT_EQ(s.units_using("shop", "api").size(), 3u);
  EXPECT_TRUE(s.remove_workload(WorkloadKind::kPod, "shop", "b"));
  EXPECT_EQ(s.units_using("shop", "api"), (std::vector<WorkloadKey>{{"Deployment", "api"}, {"Pod", "debug"}}));
  EXPECT_FALSE(s.remove_workload(WorkloadKind::kPod, "shop", "b"));
  EXPECT_FALSE(s.remove_workload(WorkloadKind::kDeployment, "shop", "debug"));  // wrong kind
}

TEST(SnapshotWorkloads, ChangingTheAccountMovesTheUnit) {
  Snapshot s;
  s.upsert_workload(workload(WorkloadKind::kDeployment, "shop", "d", "old"));
  s.upsert_workload(workload(WorkloadKind::kDeployment, "shop", "d", "new"));
  EXPECT_TRUE(s.units_using("shop", "old").empty());
  EXPECT_EQ(s.units_using("shop", "new"), (std::vector<WorkloadKey>{{"Deployment", "d"}}));
  EXPECT_EQ(s.counts().workloads, 1u);
  // Re-applying the same object does not double count.
  s.upsert_workload(workload(WorkloadKind::kDeployment, "shop", "d", "new"));
  s.remove_workload(WorkloadKind::kDeployment, "shop", "d");
  EXPECT_TRUE(s.units_using("shop", "new").empty());
}

TEST(SnapshotWorkloads, ChangingTheOwnerMovesTheUnit) {
  Snapshot s;
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "p", "api", policy::OwnerReference{"ReplicaSet", "v1", true}));
  s.upsert_workload(workload(WorkloadKind::kPod, "shop", "p", "api", policy::OwnerReference{"ReplicaSet", "v2", true}));
  EXPECT_EQ(s.units_using("shop", "api"), (std::vector<WorkloadKey>{{"ReplicaSet", "v2"}}));
}

TEST(SnapshotWorkloads, FindByKindName) {
  Snapshot s;
  s.upsert_workload(workload(WorkloadKind::kReplicaSet, "shop", "x", "api"));
  s.upsert_workload(workload(WorkloadKind::kJob, "shop", "x", "api"));
  ASSERT_NE(s.find_workload("shop", "ReplicaSet", "x"), nullptr);
  EXPECT_EQ(s.find_workload("shop", "ReplicaSet", "x")->kind, WorkloadKind::kReplicaSet);
  EXPECT_EQ(s.find_workload("shop", "Job", "x")->kind, WorkloadKind::kJob);
  EXPECT_EQ(s.find_workload("shop", "Deployment", "x"), nullptr);
  EXPECT_EQ(s.find_workload("lab", "Job", "x"), nullptr);
  EXPECT_EQ(s.find_workload("shop", "Rollout", "x"), nullptr);
  EXPECT_EQ(s.counts().workloads, 2u);
}

TEST(SnapshotCounts, CountsEveryKind) {
  Snapshot s;
  const auto zero = s.counts();
  EXPECT_EQ(zero.tiers + zero.namespaces + zero.service_accounts + zero.roles + zero.bindings + zero.workloads, 0u);
  s.upsert_tier(tier("t", 1));
  s.upsert_namespace({"n", {}});
  s.upsert_binding(rb("n", "b", role("r"), {}));
  s.upsert_binding(crb("b", cluster_role("r"), {}));
  const auto c = s.counts();
  EXPECT_EQ(c.tiers, 1u);
  EXPECT_EQ(c.namespaces, 1u);
  EXPECT_EQ(c.bindings, 2u);
}

// A deterministic random walk of upserts, replacements and removals, checked after every step
// against a plain model: the indexes must answer exactly what a scan of the bindings answers.
// Under ASan a dangling index entry is a use-after-free the moment it is visited.
TEST(SnapshotIndexes, StayConsistentWithAModelUnderRandomUpdates) {
  const Names namespaces{"a", "b"};
  const Names accounts{"x", "y"};
  const Names roles{"r1", "r2"};
  const Names names{"b0", "b1", "b2", "b3", "b4"};
  std::vector<Subject> subject_pool;
  for (const auto& ns : namespaces) {
    for (const auto& acc : accounts) {
      subject_pool.push_back(sa(ns, acc));
      subject_pool.push_back(user("system:serviceaccount:" + ns + ":" + acc));
    }
    subject_pool.push_back(group("system:serviceaccounts:" + ns));
  }
  subject_pool.push_back(sa("", "x"));
  subject_pool.push_back(group("system:serviceaccounts"));
  subject_pool.push_back(user("alice"));

  Snapshot s;
  std::map<std::tuple<BindingKind, std::string, std::string>, Binding> model;
  std::map<std::tuple<int, std::string, std::string>, Workload> workloads;
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  auto next = [&](size_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return static_cast<size_t>(rng % n);
  };

  for (int step = 0; step < 3000; ++step) {
    const size_t op = next(10);
    if (op < 5) {
      const bool cluster = next(3) == 0;
      Binding b = cluster ? crb(names[next(names.size())], cluster_role(roles[next(roles.size())]), {})
                          : rb(namespaces[next(namespaces.size())], names[next(names.size())],
                               next(2) ? role(roles[next(roles.size())]) : cluster_role(roles[next(roles.size())]), {});
      for (size_t i = next(4); i > 0; --i) b.subjects.push_back(subject_pool[next(subject_pool.size())]);
      model[{b.kind, b.namespace_name, b.name}] = b;
      s.upsert_binding(std::move(b));
    } else if (op < 7) {
      const bool cluster = next(3) == 0;
      const std::string ns = cluster ? "" : namespaces[next(namespaces.size())];
      const std::string name = names[next(names.size())];
      const auto kind = cluster ? BindingKind::kClusterRoleBinding : BindingKind::kRoleBinding;
      EXPECT_EQ(s.remove_binding(kind, ns, name), model.erase({kind, ns, name}) == 1);
    } else if (op < 9) {
      Workload w = workload(next(2) ? WorkloadKind::kPod : WorkloadKind::kDeployment, namespaces[next(2)],
                            names[next(names.size())], accounts[next(accounts.size())]);
      if (w.kind == WorkloadKind::kPod && next(2)) w.owners.push_back({"ReplicaSet", roles[next(roles.size())], true});
      workloads[{static_cast<int>(w.kind), w.namespace_name, w.name}] = w;
      s.upsert_workload(std::move(w));
    } else {
      const auto kind = next(2) ? WorkloadKind::kPod : WorkloadKind::kDeployment;
      const std::string ns = namespaces[next(2)], name = names[next(names.size())];
      EXPECT_EQ(s.remove_workload(kind, ns, name), workloads.erase({static_cast<int>(kind), ns, name}) == 1);
    }

    for (const auto& ns : namespaces) {
      for (const auto& acc : accounts) {
        Names expected;
        for (const auto& [key, b] : model) {
          if (policy::binding_names_account(b, ns, acc))
            expected.push_back(std::string(policy::to_string(b.kind)) + ":" + b.namespace_name + "/" + b.name);
        }
        std::sort(expected.begin(), expected.end());
        ASSERT_EQ(bindings_of(s, ns, acc), expected) << "step " << step << " account " << ns << "/" << acc;

        std::set<WorkloadKey> units;
        for (const auto& [key, w] : workloads)
          if (w.namespace_name == ns && w.pod.effective_service_account() == acc) units.insert(policy::unit_of(w));
        const auto got = s.units_using(ns, acc);
        ASSERT_EQ(std::set<WorkloadKey>(got.begin(), got.end()), units) << "step " << step;
        ASSERT_EQ(got.size(), units.size()) << "step " << step;
      }
      for (const auto& r : roles) {
        Names expected;
        for (const auto& [key, b] : model)
          if (b.kind == BindingKind::kRoleBinding && b.namespace_name == ns && b.role_ref == role(r))
            expected.push_back(std::string(policy::to_string(b.kind)) + ":" + b.namespace_name + "/" + b.name);
        std::sort(expected.begin(), expected.end());
        ASSERT_EQ(bindings_to(s, RoleKind::kRole, ns, r), expected) << "step " << step;
      }
    }
    for (const auto& r : roles) {
      Names expected;
      for (const auto& [key, b] : model)
        if (b.role_ref == cluster_role(r))
          expected.push_back(std::string(policy::to_string(b.kind)) + ":" + b.namespace_name + "/" + b.name);
      std::sort(expected.begin(), expected.end());
      ASSERT_EQ(bindings_to(s, RoleKind::kClusterRole, "", r), expected) << "step " << step;
    }
    ASSERT_EQ(s.counts().bindings, model.size());
    ASSERT_EQ(s.counts().workloads, workloads.size());
  }
}

}  // namespace
}  // namespace tierguard::state
