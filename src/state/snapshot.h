#pragma once

#include <array>
#include <chrono>
#include <tuple>
#include <map>
#include <string>
#include <vector>

#include "policy/cluster_view.h"
#include "state/namespaced_map.h"
#include "state/object_decoder.h"
#include "state/string_pool.h"

namespace tierguard::state {

// The in-memory state decisions read: tiers, namespaces, ServiceAccounts, roles, bindings and
// workloads, with the indexes that make every ClusterView answer cost O(result):
//   ServiceAccount → bindings naming it (directly, or via the all-ServiceAccounts groups),
//   role → bindings referencing it, ServiceAccount → workload units running as it.
// Not thread-safe: one writer at a time, and readers must not overlap a write (LiveState
// wraps it for concurrent use).
class Snapshot final : public policy::ClusterView {
 public:
  Snapshot() = default;
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  void upsert_tier(policy::PrivilegeTier tier);
  bool remove_tier(std::string_view name);
  void upsert_namespace(policy::Namespace ns);
  bool remove_namespace(std::string_view name);
  void upsert_service_account(policy::ServiceAccount account);
  bool remove_service_account(std::string_view ns, std::string_view name);
  void upsert_role(policy::Role role);
  bool remove_role(policy::RoleKind kind, std::string_view ns, std::string_view name);
  void upsert_binding(policy::Binding binding);
  bool remove_binding(policy::BindingKind kind, std::string_view ns, std::string_view name);
  void upsert_workload(policy::Workload workload);
  bool remove_workload(policy::WorkloadKind kind, std::string_view ns, std::string_view name);

  // Adds or replaces a decoded object of any kind (SkippedObject: nothing).
  void apply(const ObjectValue& value);

  // An object this replica admitted (CREATE/UPDATE of a Role, binding or workload) that the
  // informers have not delivered yet. Until they do, decisions see the union of the stored and
  // the admitted version (more rules, more subjects: never less strict than either), so a
  // binding and its role applied together cannot slip past each other. The informer's own
  // event (or a GET) replaces it; if none comes before `expiry` (the write failed after
  // admission), the stored version is restored.
  void admit_pending(const DecodedObject& admitted, std::chrono::steady_clock::time_point expiry);
  void expire_pending(std::chrono::steady_clock::time_point now);
  size_t pending_count() const { return pending_.size(); }

  // Removal and enumeration by kind, for feeds that reconcile a relist with what is stored.
  bool remove(ObjectKind kind, std::string_view ns, std::string_view name);
  void for_each_key(ObjectKind kind,
                    const std::function<void(std::string_view ns, std::string_view name)>& visit) const;

  // Every default tier after the first (by rank, name), with the name of the first.
  struct SecondDefault {
    std::string tier;
    std::string first;
  };
  std::vector<SecondDefault> second_default_tiers() const;

  // Inconsistencies between objects (e.g. two default tiers), one message each.
  std::vector<std::string> problems() const;

  struct Counts {
    size_t tiers, namespaces, service_accounts, roles, bindings, workloads;
  };
  Counts counts() const;

  // policy::ClusterView
  const std::vector<policy::PrivilegeTier>& tiers() const override { return tiers_; }
  const policy::PrivilegeTier* find_tier(std::string_view name) const override;
  const policy::Namespace* find_namespace(std::string_view name) const override;
  const policy::ServiceAccount* find_service_account(std::string_view ns,
                                                     std::string_view name) const override;
  void for_each_service_account(
      std::string_view ns, const std::function<void(const policy::ServiceAccount&)>& visit) const override;
  const policy::Role* find_role(policy::RoleKind kind, std::string_view ns,
                                std::string_view name) const override;
  void for_each_binding_of(std::string_view ns, std::string_view name,
                           const std::function<void(const policy::Binding&)>& visit) const override;
  void for_each_binding_to(policy::RoleKind kind, std::string_view ns, std::string_view name,
                           const std::function<void(const policy::Binding&)>& visit) const override;
  const policy::Workload* find_workload(std::string_view ns, std::string_view kind,
                                        std::string_view name) const override;
  std::vector<policy::WorkloadKey> units_using(std::string_view ns,
                                               std::string_view account) const override;

 private:
  using BindingList = std::vector<const policy::Binding*>;

  NamespacedMap<policy::Binding>& bindings_of_kind(policy::BindingKind kind);
  void index_binding(const policy::Binding& binding);
  void unindex_binding(const policy::Binding& binding);
  void count_unit(std::string_view ns, std::string_view account, const policy::WorkloadKey& unit,
                  int delta);
  void upsert_pod(const policy::Workload& pod);
  bool remove_pod(std::string_view ns, std::string_view name);

  using PendingKey = std::tuple<ObjectKind, std::string, std::string>;
  struct Pending {
    std::chrono::steady_clock::time_point expiry;
    ObjectValue confirmed;  // SkippedObject: nothing was stored before
  };
  void forget_pending(ObjectKind kind, std::string_view ns, std::string_view name);

  std::map<PendingKey, Pending> pending_;
  std::vector<policy::PrivilegeTier> tiers_;  // sorted by (rank, name)
  StringMap<policy::Namespace> namespaces_;
  NamespacedMap<policy::ServiceAccount> accounts_;
  NamespacedMap<policy::Role> roles_;          // Roles
  NamespacedMap<policy::Role> cluster_roles_;  // ClusterRoles (namespace "")
  NamespacedMap<policy::Binding> role_bindings_;
  NamespacedMap<policy::Binding> cluster_role_bindings_;
  std::array<NamespacedMap<policy::Workload>, 7> workloads_;  // by policy::WorkloadKind; no Pods

  // Pods are the most numerous objects and decisions need only who they run as and which unit
  // owns them, so a pod costs one small record of interned ids (see docs/performance.md).
  struct PodRecord {
    StringPool::Id account;
    StringPool::Id unit_kind;
    StringPool::Id unit_name;
  };
  NamespacedMap<PodRecord> pods_;
  StringPool strings_;

  NamespacedMap<BindingList> by_account_;          // ServiceAccount and system:serviceaccount: users
  StringMap<BindingList> by_namespace_group_;      // system:serviceaccounts:NS
  BindingList all_accounts_group_;                 // system:serviceaccounts
  NamespacedMap<BindingList> by_role_;             // namespace "" + name for ClusterRoles
  NamespacedMap<BindingList> by_cluster_role_;
  NamespacedMap<std::map<policy::WorkloadKey, int>> units_;  // (ns, account) → unit → count
};

}  // namespace tierguard::state
