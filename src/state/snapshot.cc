#include "state/snapshot.h"

#include <algorithm>
#include <optional>

#include "policy/bound_accounts.h"
#include "policy/sharing.h"

namespace tierguard::state {
namespace {

using policy::Binding;
using policy::SubjectTarget;

void remove_from(std::vector<const Binding*>& list, const Binding* b) {
  list.erase(std::remove(list.begin(), list.end(), b), list.end());
}

template <typename Map>
void remove_from(Map& map, std::string_view ns, std::string_view name, const Binding* b) {
  if (auto* list = map.find_mutable(ns, name)) {
    remove_from(*list, b);
    if (list->empty()) map.erase(ns, name);
  }
}

template <typename Map>
void add_to(Map& map, std::string_view ns, std::string_view name, const Binding* b) {
  auto* list = map.find_mutable(ns, name);
  if (list == nullptr) list = &map.upsert(ns, name, {});
  if (std::find(list->begin(), list->end(), b) == list->end()) list->push_back(b);
}

// The workload kinds in both enumerations, side by side.
constexpr std::pair<policy::WorkloadKind, ObjectKind> kWorkloadKinds[] = {
    {policy::WorkloadKind::kPod, ObjectKind::kPod},
    {policy::WorkloadKind::kDeployment, ObjectKind::kDeployment},
    {policy::WorkloadKind::kStatefulSet, ObjectKind::kStatefulSet},
    {policy::WorkloadKind::kDaemonSet, ObjectKind::kDaemonSet},
    {policy::WorkloadKind::kReplicaSet, ObjectKind::kReplicaSet},
    {policy::WorkloadKind::kJob, ObjectKind::kJob},
    {policy::WorkloadKind::kCronJob, ObjectKind::kCronJob},
};

ObjectKind workload_object_kind(policy::WorkloadKind kind) {
  for (const auto& [w, o] : kWorkloadKinds)
    if (w == kind) return o;
  return ObjectKind::kPod;
}

std::optional<policy::WorkloadKind> workload_kind_of(ObjectKind kind) {
  for (const auto& [w, o] : kWorkloadKinds)
    if (o == kind) return w;
  return std::nullopt;
}

template <typename T>
void add_missing(std::vector<T>& to, const std::vector<T>& from) {
  for (const auto& item : from)
    if (std::find(to.begin(), to.end(), item) == to.end()) to.push_back(item);
}

}  // namespace

void Snapshot::forget_pending(ObjectKind kind, std::string_view ns, std::string_view name) {
  if (pending_.empty()) return;
  pending_.erase(PendingKey{kind, std::string(ns), std::string(name)});
}

void Snapshot::admit_pending(const DecodedObject& admitted, std::chrono::steady_clock::time_point expiry) {
  std::optional<PendingKey> key;
  ObjectValue current = SkippedObject{};
  ObjectValue merged = SkippedObject{};
  if (const auto* role = std::get_if<policy::Role>(&admitted.value)) {
    key = PendingKey{role->kind == policy::RoleKind::kRole ? ObjectKind::kRole : ObjectKind::kClusterRole,
                     role->namespace_name, role->name};
    policy::Role union_role = *role;
    if (const auto* stored = find_role(role->kind, role->namespace_name, role->name)) {
      current = *stored;
      add_missing(union_role.rules, stored->rules);
    }
    merged = std::move(union_role);
  } else if (const auto* binding = std::get_if<Binding>(&admitted.value)) {
    key = PendingKey{binding->kind == policy::BindingKind::kRoleBinding ? ObjectKind::kRoleBinding
                                                                        : ObjectKind::kClusterRoleBinding,
                     binding->namespace_name, binding->name};
    Binding union_binding = *binding;
    if (const auto* stored = bindings_of_kind(binding->kind).find(binding->namespace_name, binding->name)) {
      current = *stored;
      add_missing(union_binding.subjects, stored->subjects);
    }
    merged = std::move(union_binding);
  } else if (const auto* workload = std::get_if<policy::Workload>(&admitted.value);
             workload && workload->kind != policy::WorkloadKind::kPod) {
    key = PendingKey{workload_object_kind(workload->kind), workload->namespace_name, workload->name};
    if (const auto* stored = workloads_[static_cast<size_t>(workload->kind)].find(workload->namespace_name,
                                                                                  workload->name)) {
      current = *stored;
    }
    merged = *workload;
  }
  if (!key) return;
  // The version to restore is the one stored before the first pending admission.
  if (auto it = pending_.find(*key); it != pending_.end()) current = std::move(it->second.confirmed);
  apply(merged);  // forgets any earlier record for the key
  pending_[*key] = Pending{expiry, std::move(current)};
}

void Snapshot::expire_pending(std::chrono::steady_clock::time_point now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.expiry > now) {
      ++it;
      continue;
    }
    auto [kind, ns, name] = it->first;
    ObjectValue confirmed = std::move(it->second.confirmed);
    it = pending_.erase(it);
    if (std::holds_alternative<SkippedObject>(confirmed)) {
      remove(kind, ns, name);
    } else {
      apply(confirmed);
    }
  }
}

void Snapshot::apply(const ObjectValue& value) {
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, policy::PrivilegeTier>) upsert_tier(o);
        else if constexpr (std::is_same_v<T, policy::Namespace>) upsert_namespace(o);
        else if constexpr (std::is_same_v<T, policy::ServiceAccount>) upsert_service_account(o);
        else if constexpr (std::is_same_v<T, policy::Role>) upsert_role(o);
        else if constexpr (std::is_same_v<T, Binding>) upsert_binding(o);
        else if constexpr (std::is_same_v<T, policy::Workload>) upsert_workload(o);
      },
      value);
}

void Snapshot::upsert_tier(policy::PrivilegeTier tier) {
  remove_tier(tier.name);
  const auto pos = std::lower_bound(tiers_.begin(), tiers_.end(), tier, [](const auto& a, const auto& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.name < b.name;
  });
  tiers_.insert(pos, std::move(tier));
}

bool Snapshot::remove_tier(std::string_view name) {
  auto it = std::find_if(tiers_.begin(), tiers_.end(), [&](const auto& t) { return t.name == name; });
  if (it == tiers_.end()) return false;
  tiers_.erase(it);
  return true;
}

void Snapshot::upsert_namespace(policy::Namespace ns) {
  auto it = namespaces_.find(ns.name);
  if (it != namespaces_.end()) {
    it->second = std::move(ns);
  } else {
    std::string key = ns.name;
    namespaces_.emplace(std::move(key), std::move(ns));
  }
}

bool Snapshot::remove_namespace(std::string_view name) {
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return false;
  namespaces_.erase(it);
  return true;
}

void Snapshot::upsert_service_account(policy::ServiceAccount account) {
  const std::string ns = account.namespace_name, name = account.name;
  accounts_.upsert(ns, name, std::move(account));
}

bool Snapshot::remove_service_account(std::string_view ns, std::string_view name) {
  return accounts_.erase(ns, name);
}

void Snapshot::upsert_role(policy::Role role) {
  forget_pending(role.kind == policy::RoleKind::kRole ? ObjectKind::kRole : ObjectKind::kClusterRole,
                 role.namespace_name, role.name);
  auto& map = role.kind == policy::RoleKind::kRole ? roles_ : cluster_roles_;
  const std::string ns = role.namespace_name, name = role.name;
  map.upsert(ns, name, std::move(role));
}

bool Snapshot::remove_role(policy::RoleKind kind, std::string_view ns, std::string_view name) {
  forget_pending(kind == policy::RoleKind::kRole ? ObjectKind::kRole : ObjectKind::kClusterRole,
                 kind == policy::RoleKind::kRole ? ns : "", name);
  return kind == policy::RoleKind::kRole ? roles_.erase(ns, name) : cluster_roles_.erase("", name);
}

NamespacedMap<Binding>& Snapshot::bindings_of_kind(policy::BindingKind kind) {
  return kind == policy::BindingKind::kRoleBinding ? role_bindings_ : cluster_role_bindings_;
}

void Snapshot::index_binding(const Binding& b) {
  for (const auto& s : b.subjects) {
    const auto target = policy::subject_target(b, s);
    switch (target.kind) {
      case SubjectTarget::Kind::kAccount: add_to(by_account_, target.namespace_name, target.name, &b); break;
      case SubjectTarget::Kind::kNamespaceAccounts: {
        auto& list = by_namespace_group_[std::string(target.namespace_name)];
        if (std::find(list.begin(), list.end(), &b) == list.end()) list.push_back(&b);
        break;
      }
      case SubjectTarget::Kind::kAllAccounts:
        if (std::find(all_accounts_group_.begin(), all_accounts_group_.end(), &b) == all_accounts_group_.end())
          all_accounts_group_.push_back(&b);
        break;
      case SubjectTarget::Kind::kNone: break;
    }
  }
  if (b.role_ref.kind == policy::RoleKind::kRole) {
    add_to(by_role_, b.namespace_name, b.role_ref.name, &b);
  } else {
    add_to(by_cluster_role_, "", b.role_ref.name, &b);
  }
}

void Snapshot::unindex_binding(const Binding& b) {
  for (const auto& s : b.subjects) {
    const auto target = policy::subject_target(b, s);
    switch (target.kind) {
      case SubjectTarget::Kind::kAccount: remove_from(by_account_, target.namespace_name, target.name, &b); break;
      case SubjectTarget::Kind::kNamespaceAccounts:
        if (auto it = by_namespace_group_.find(target.namespace_name); it != by_namespace_group_.end()) {
          remove_from(it->second, &b);
          if (it->second.empty()) by_namespace_group_.erase(it);
        }
        break;
      case SubjectTarget::Kind::kAllAccounts: remove_from(all_accounts_group_, &b); break;
      case SubjectTarget::Kind::kNone: break;
    }
  }
  if (b.role_ref.kind == policy::RoleKind::kRole) {
    remove_from(by_role_, b.namespace_name, b.role_ref.name, &b);
  } else {
    remove_from(by_cluster_role_, "", b.role_ref.name, &b);
  }
}

void Snapshot::upsert_binding(Binding binding) {
  forget_pending(binding.kind == policy::BindingKind::kRoleBinding ? ObjectKind::kRoleBinding
                                                                   : ObjectKind::kClusterRoleBinding,
                 binding.namespace_name, binding.name);
  auto& map = bindings_of_kind(binding.kind);
  const std::string ns = binding.namespace_name, name = binding.name;
  if (const Binding* old = map.find(ns, name)) unindex_binding(*old);
  const Binding& stored = map.upsert(ns, name, std::move(binding));
  index_binding(stored);
}

bool Snapshot::remove_binding(policy::BindingKind kind, std::string_view ns, std::string_view name) {
  forget_pending(kind == policy::BindingKind::kRoleBinding ? ObjectKind::kRoleBinding
                                                           : ObjectKind::kClusterRoleBinding,
                 kind == policy::BindingKind::kRoleBinding ? ns : "", name);
  auto& map = bindings_of_kind(kind);
  const Binding* old = map.find(ns, name);
  if (old == nullptr) return false;
  unindex_binding(*old);
  return map.erase(ns, name);
}

void Snapshot::count_unit(std::string_view ns, std::string_view account,
                          const policy::WorkloadKey& unit, int delta) {
  auto* units = units_.find_mutable(ns, account);
  if (units == nullptr) units = &units_.upsert(ns, account, {});
  auto it = units->find(unit);
  if (it == units->end()) it = units->emplace(unit, 0).first;
  if ((it->second += delta) <= 0) units->erase(it);
  if (units->empty()) units_.erase(ns, account);
}

void Snapshot::upsert_pod(const policy::Workload& pod) {
  const auto account = pod.pod.effective_service_account();
  const auto unit = policy::unit_of(pod);
  if (auto* old = pods_.find_mutable(pod.namespace_name, pod.name)) {
    count_unit(pod.namespace_name, strings_.view(old->account),
               {std::string(strings_.view(old->unit_kind)), std::string(strings_.view(old->unit_name))}, -1);
    strings_.release(old->account);
    strings_.release(old->unit_kind);
    strings_.release(old->unit_name);
  }
  pods_.upsert(pod.namespace_name, pod.name,
               PodRecord{strings_.acquire(account), strings_.acquire(unit.kind), strings_.acquire(unit.name)});
  count_unit(pod.namespace_name, account, unit, +1);
}

bool Snapshot::remove_pod(std::string_view ns, std::string_view name) {
  const PodRecord* old = pods_.find(ns, name);
  if (old == nullptr) return false;
  count_unit(ns, strings_.view(old->account),
             {std::string(strings_.view(old->unit_kind)), std::string(strings_.view(old->unit_name))}, -1);
  strings_.release(old->account);
  strings_.release(old->unit_kind);
  strings_.release(old->unit_name);
  return pods_.erase(ns, name);
}

void Snapshot::upsert_workload(policy::Workload workload) {
  if (workload.kind == policy::WorkloadKind::kPod) return upsert_pod(workload);
  forget_pending(workload_object_kind(workload.kind), workload.namespace_name, workload.name);
  auto& map = workloads_[static_cast<size_t>(workload.kind)];
  const std::string ns = workload.namespace_name, name = workload.name;
  if (const auto* old = map.find(ns, name)) {
    count_unit(old->namespace_name, old->pod.effective_service_account(), policy::unit_of(*old), -1);
  }
  const auto& stored = map.upsert(ns, name, std::move(workload));
  count_unit(stored.namespace_name, stored.pod.effective_service_account(), policy::unit_of(stored), +1);
}

bool Snapshot::remove_workload(policy::WorkloadKind kind, std::string_view ns, std::string_view name) {
  if (kind == policy::WorkloadKind::kPod) return remove_pod(ns, name);
  forget_pending(workload_object_kind(kind), ns, name);
  auto& map = workloads_[static_cast<size_t>(kind)];
  const auto* old = map.find(ns, name);
  if (old == nullptr) return false;
  count_unit(old->namespace_name, old->pod.effective_service_account(), policy::unit_of(*old), -1);
  return map.erase(ns, name);
}

bool Snapshot::remove(ObjectKind kind, std::string_view ns, std::string_view name) {
  switch (kind) {
    case ObjectKind::kTier: return remove_tier(name);
    case ObjectKind::kNamespace: return remove_namespace(name);
    case ObjectKind::kServiceAccount: return remove_service_account(ns, name);
    case ObjectKind::kRole: return remove_role(policy::RoleKind::kRole, ns, name);
    case ObjectKind::kClusterRole: return remove_role(policy::RoleKind::kClusterRole, "", name);
    case ObjectKind::kRoleBinding: return remove_binding(policy::BindingKind::kRoleBinding, ns, name);
    case ObjectKind::kClusterRoleBinding:
      return remove_binding(policy::BindingKind::kClusterRoleBinding, "", name);
    default: break;
  }
  if (auto workload = workload_kind_of(kind)) return remove_workload(*workload, ns, name);
  return false;
}

void Snapshot::for_each_key(ObjectKind kind,
                            const std::function<void(std::string_view, std::string_view)>& visit) const {
  switch (kind) {
    case ObjectKind::kTier:
      for (const auto& t : tiers_) visit("", t.name);
      return;
    case ObjectKind::kNamespace:
      for (const auto& [name, ns] : namespaces_) visit("", name);
      return;
    case ObjectKind::kServiceAccount: return accounts_.for_each_key(visit);
    case ObjectKind::kRole: return roles_.for_each_key(visit);
    case ObjectKind::kClusterRole: return cluster_roles_.for_each_key(visit);
    case ObjectKind::kRoleBinding: return role_bindings_.for_each_key(visit);
    case ObjectKind::kClusterRoleBinding: return cluster_role_bindings_.for_each_key(visit);
    case ObjectKind::kPod: return pods_.for_each_key(visit);
    default: break;
  }
  if (auto workload = workload_kind_of(kind)) workloads_[static_cast<size_t>(*workload)].for_each_key(visit);
}

std::vector<Snapshot::SecondDefault> Snapshot::second_default_tiers() const {
  std::vector<SecondDefault> out;
  const policy::PrivilegeTier* first_default = nullptr;
  for (const auto& t : tiers_) {
    if (!t.is_default) continue;
    if (first_default == nullptr) {
      first_default = &t;
    } else {
      out.push_back({t.name, first_default->name});
    }
  }
  return out;
}

std::vector<std::string> Snapshot::problems() const {
  std::vector<std::string> out;
  for (const auto& [tier, first] : second_default_tiers()) {
    out.push_back("PrivilegeTier \"" + tier + "\" is a second default tier (\"" + first +
                  "\" is already the default); at most one tier may set spec.default");
  }
  return out;
}

Snapshot::Counts Snapshot::counts() const {
  size_t workloads = pods_.size();
  for (const auto& m : workloads_) workloads += m.size();
  return {tiers_.size(), namespaces_.size(), accounts_.size(), roles_.size() + cluster_roles_.size(),
          role_bindings_.size() + cluster_role_bindings_.size(), workloads};
}

const policy::PrivilegeTier* Snapshot::find_tier(std::string_view name) const {
  for (const auto& t : tiers_)
    if (t.name == name) return &t;
  return nullptr;
}

const policy::Namespace* Snapshot::find_namespace(std::string_view name) const {
  auto it = namespaces_.find(name);
  return it == namespaces_.end() ? nullptr : &it->second;
}

const policy::ServiceAccount* Snapshot::find_service_account(std::string_view ns,
                                                             std::string_view name) const {
  return accounts_.find(ns, name);
}

void Snapshot::for_each_service_account(
    std::string_view ns, const std::function<void(const policy::ServiceAccount&)>& visit) const {
  accounts_.for_each(ns.empty() ? nullptr : &ns, visit);
}

const policy::Role* Snapshot::find_role(policy::RoleKind kind, std::string_view ns,
                                        std::string_view name) const {
  return kind == policy::RoleKind::kRole ? roles_.find(ns, name) : cluster_roles_.find("", name);
}

void Snapshot::for_each_binding_of(std::string_view ns, std::string_view name,
                                   const std::function<void(const Binding&)>& visit) const {
  std::vector<const Binding*> seen;
  const auto once = [&](const Binding* b) {
    if (std::find(seen.begin(), seen.end(), b) != seen.end()) return;
    seen.push_back(b);
    // Re-check: an indexed binding names the account, but only this check is authoritative.
    if (policy::binding_names_account(*b, ns, name)) visit(*b);
  };
  if (const auto* list = by_account_.find(ns, name))
    for (const auto* b : *list) once(b);
  if (auto it = by_namespace_group_.find(ns); it != by_namespace_group_.end())
    for (const auto* b : it->second) once(b);
  for (const auto* b : all_accounts_group_) once(b);
}

void Snapshot::for_each_binding_to(policy::RoleKind kind, std::string_view ns, std::string_view name,
                                   const std::function<void(const Binding&)>& visit) const {
  if (kind == policy::RoleKind::kRole) {
    if (const auto* list = by_role_.find(ns, name))
      for (const auto* b : *list) visit(*b);
    return;
  }
  if (const auto* list = by_cluster_role_.find("", name))
    for (const auto* b : *list) visit(*b);
}

const policy::Workload* Snapshot::find_workload(std::string_view ns, std::string_view kind,
                                                std::string_view name) const {
  auto k = policy::workload_kind_from(kind);
  if (!k || *k == policy::WorkloadKind::kPod) return nullptr;
  return workloads_[static_cast<size_t>(*k)].find(ns, name);
}

std::vector<policy::WorkloadKey> Snapshot::units_using(std::string_view ns,
                                                       std::string_view account) const {
  std::vector<policy::WorkloadKey> out;
  if (const auto* units = units_.find(ns, account))
    for (const auto& [key, count] : *units) out.push_back(key);
  return out;
}

}  // namespace tierguard::state
