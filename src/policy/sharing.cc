#include "policy/sharing.h"

namespace tierguard::policy {
namespace {

constexpr int kMaxOwnerDepth = 8;  // guards against ownerReference cycles

}  // namespace

WorkloadKey unit_of(const Workload& workload) {
  if (const OwnerReference* owner = workload.controller()) return {owner->kind, owner->name};
  return {std::string(to_string(workload.kind)), workload.name};
}

WorkloadKey top_level_workload(const ClusterView& view, std::string_view namespace_name,
                               WorkloadKey unit) {
  for (int depth = 0; depth < kMaxOwnerDepth; ++depth) {
    const Workload* found = view.find_workload(namespace_name, unit.kind, unit.name);
    if (found == nullptr) break;
    const OwnerReference* owner = found->controller();
    if (owner == nullptr) break;
    unit = WorkloadKey{owner->kind, owner->name};
  }
  return unit;
}

std::set<WorkloadKey> workloads_sharing(const ClusterView& view, std::string_view namespace_name,
                                        std::string_view service_account, const Workload* also) {
  std::set<WorkloadKey> tops;
  for (auto& unit : view.units_using(namespace_name, service_account)) {
    tops.insert(top_level_workload(view, namespace_name, std::move(unit)));
  }
  if (also != nullptr) tops.insert(top_level_workload(view, namespace_name, unit_of(*also)));
  return tops;
}

}  // namespace tierguard::policy
