#include "policy/objects.h"

namespace tierguard::policy {
namespace {

constexpr std::pair<WorkloadKind, std::string_view> kKinds[] = {
    {WorkloadKind::kPod, "Pod"},           {WorkloadKind::kDeployment, "Deployment"},
    {WorkloadKind::kStatefulSet, "StatefulSet"}, {WorkloadKind::kDaemonSet, "DaemonSet"},
    {WorkloadKind::kReplicaSet, "ReplicaSet"},   {WorkloadKind::kJob, "Job"},
    {WorkloadKind::kCronJob, "CronJob"},
};

}  // namespace

std::string_view to_string(WorkloadKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "Pod";
}

std::optional<WorkloadKind> workload_kind_from(std::string_view kind) {
  for (const auto& [k, name] : kKinds)
    if (name == kind) return k;
  return std::nullopt;
}

}  // namespace tierguard::policy
