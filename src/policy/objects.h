#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/labels.h"

namespace tierguard::policy {

struct Namespace {
  std::string name;
  Labels labels;
};

struct ServiceAccount {
  std::string namespace_name;
  std::string name;
  Labels labels;
  Labels annotations;
  std::optional<bool> automount_token;  // automountServiceAccountToken
};

// The kinds whose pod specs tierguard checks. A bare Pod is its own workload.
enum class WorkloadKind { kPod, kDeployment, kStatefulSet, kDaemonSet, kReplicaSet, kJob, kCronJob };

std::string_view to_string(WorkloadKind kind);
std::optional<WorkloadKind> workload_kind_from(std::string_view kind);

struct OwnerReference {
  std::string kind;
  std::string name;
  bool controller = false;
};

// What tierguard reads from a pod spec or pod template spec.
struct PodSpecSummary {
  std::string service_account_name;      // empty means "default"
  std::optional<bool> automount_token;   // spec.automountServiceAccountToken
  std::string effective_service_account() const {
    return service_account_name.empty() ? std::string("default") : service_account_name;
  }
};

// A Pod or a workload with a pod template.
struct Workload {
  WorkloadKind kind = WorkloadKind::kPod;
  std::string namespace_name;
  std::string name;
  PodSpecSummary pod;
  std::vector<OwnerReference> owners;

  const OwnerReference* controller() const {
    for (const auto& o : owners)
      if (o.controller) return &o;
    return nullptr;
  }
};

// A workload within a namespace, by kind and name: the unit sharing counts.
struct WorkloadKey {
  std::string kind;  // "Deployment", "Pod", … (owner kinds as written in ownerReferences)
  std::string name;
  bool operator==(const WorkloadKey&) const = default;
  auto operator<=>(const WorkloadKey&) const = default;
};

}  // namespace tierguard::policy
