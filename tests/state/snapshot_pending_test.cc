// Snapshot::admit_pending: objects this replica admitted, before the informers deliver them.
#include <gtest/gtest.h>

#include <chrono>

#include "state/snapshot.h"

namespace tierguard::state {
namespace {

using Clock = std::chrono::steady_clock;
using policy::PolicyRule;

PolicyRule rule(std::string resource, std::string verb) { return PolicyRule{{verb}, {""}, {resource}, {}, {}}; }

DecodedObject role_object(std::vector<PolicyRule> rules) {
  policy::Role role;
  role.kind = policy::RoleKind::kRole;
  role.namespace_name = "shop";
  role.name = "r";
  role.rules = std::move(rules);
  return DecodedObject{ObjectHeader{}, role};
}

DecodedObject binding_object(std::vector<std::string> accounts) {
  policy::Binding b;
  b.kind = policy::BindingKind::kRoleBinding;
  b.namespace_name = "shop";
  b.name = "b";
  b.role_ref = {policy::RoleKind::kRole, "r"};
  for (auto& a : accounts) b.subjects.push_back({policy::SubjectKind::kServiceAccount, a, "shop"});
  return DecodedObject{ObjectHeader{}, b};
}

const policy::Role* stored_role(const Snapshot& s) { return s.find_role(policy::RoleKind::kRole, "shop", "r"); }

TEST(SnapshotPending, AnAdmittedRoleEditIsTheUnionOfOldAndNewRulesUntilConfirmed) {
  Snapshot s;
  s.upsert_role(std::get<policy::Role>(role_object({rule("configmaps", "get")}).value));
  s.admit_pending(role_object({rule("pods/exec", "create")}), Clock::now() + std::chrono::minutes(1));
  ASSERT_NE(stored_role(s), nullptr);
  EXPECT_EQ(stored_role(s)->rules.size(), 2u) << "never less strict than either version";
  EXPECT_EQ(s.pending_count(), 1u);

  // The informer delivers the edit: the union gives way to the real object.
  s.upsert_role(std::get<policy::Role>(role_object({rule("pods/exec", "create")}).value));
  EXPECT_EQ(s.pending_count(), 0u);
  EXPECT_EQ(stored_role(s)->rules.size(), 1u);
}

TEST(SnapshotPending, AnUnconfirmedEditIsRevertedWhenItExpires) {
  Snapshot s;
  s.upsert_role(std::get<policy::Role>(role_object({rule("configmaps", "get")}).value));
  const auto now = Clock::now();
  s.admit_pending(role_object({rule("pods/exec", "create")}), now + std::chrono::seconds(60));
  s.admit_pending(role_object({rule("secrets", "get")}), now + std::chrono::seconds(90));
  EXPECT_EQ(stored_role(s)->rules.size(), 3u);
  s.expire_pending(now + std::chrono::seconds(61));
  EXPECT_EQ(stored_role(s)->rules.size(), 3u) << "the second admission extended the record";
  s.expire_pending(now + std::chrono::seconds(91));
  ASSERT_NE(stored_role(s), nullptr);
  EXPECT_EQ(stored_role(s)->rules, std::vector<PolicyRule>{rule("configmaps", "get")})
      << "the version from before the first pending admission is restored";
  EXPECT_EQ(s.pending_count(), 0u);
}

TEST(SnapshotPending, AnUnconfirmedCreateIsRemovedWhenItExpires) {
  Snapshot s;
  const auto now = Clock::now();
  s.admit_pending(binding_object({"web"}), now + std::chrono::seconds(1));
  int seen = 0;
  s.for_each_binding_of("shop", "web", [&](const policy::Binding&) { ++seen; });
  EXPECT_EQ(seen, 1) << "the pending binding is indexed like any other";
  s.expire_pending(now + std::chrono::seconds(2));
  seen = 0;
  s.for_each_binding_of("shop", "web", [&](const policy::Binding&) { ++seen; });
  EXPECT_EQ(seen, 0);
}

TEST(SnapshotPending, BindingSubjectsAreUnited) {
  Snapshot s;
  s.upsert_binding(std::get<policy::Binding>(binding_object({"web"}).value));
  s.admit_pending(binding_object({"api"}), Clock::now() + std::chrono::minutes(1));
  int web = 0, api = 0;
  s.for_each_binding_of("shop", "web", [&](const policy::Binding&) { ++web; });
  s.for_each_binding_of("shop", "api", [&](const policy::Binding&) { ++api; });
  EXPECT_EQ(web, 1);
  EXPECT_EQ(api, 1);
}

TEST(SnapshotPending, ADeleteFromTheInformerDropsThePendingRecord) {
  Snapshot s;
  s.admit_pending(binding_object({"web"}), Clock::now() + std::chrono::seconds(1));
  s.remove_binding(policy::BindingKind::kRoleBinding, "shop", "b");
  EXPECT_EQ(s.pending_count(), 0u);
  s.expire_pending(Clock::now() + std::chrono::minutes(1));  // nothing to restore
  int seen = 0;
  s.for_each_binding_of("shop", "web", [&](const policy::Binding&) { ++seen; });
  EXPECT_EQ(seen, 0);
}

TEST(SnapshotPending, PodsAndSkippedKindsAreNotKeptPending) {
  Snapshot s;
  policy::Workload pod;
  pod.kind = policy::WorkloadKind::kPod;
  pod.namespace_name = "shop";
  pod.name = "p";
  s.admit_pending(DecodedObject{ObjectHeader{}, pod}, Clock::now() + std::chrono::minutes(1));
  s.admit_pending(DecodedObject{ObjectHeader{}, SkippedObject{}}, Clock::now() + std::chrono::minutes(1));
  EXPECT_EQ(s.pending_count(), 0u);
  EXPECT_TRUE(s.units_using("shop", "default").empty());
}

}  // namespace
}  // namespace tierguard::state
