#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "policy/objects.h"
#include "policy/rbac.h"
#include "policy/tier.h"

namespace tierguard::policy {

// Read-only questions the decisions ask about the cluster. src/state implements it over an
// indexed snapshot, so that every answer costs O(result), never O(cluster).
class ClusterView {
 public:
  virtual ~ClusterView() = default;

  // Tiers ordered by (rank, name).
  virtual const std::vector<PrivilegeTier>& tiers() const = 0;
  virtual const PrivilegeTier* find_tier(std::string_view name) const = 0;

  virtual const Namespace* find_namespace(std::string_view name) const = 0;
  virtual const ServiceAccount* find_service_account(std::string_view namespace_name,
                                                     std::string_view name) const = 0;
  // Calls `visit` for every ServiceAccount in `namespace_name` (every one when it is empty).
  virtual void for_each_service_account(std::string_view namespace_name,
                                        const std::function<void(const ServiceAccount&)>& visit) const = 0;

  // Role (namespace set) or ClusterRole (namespace empty).
  virtual const Role* find_role(RoleKind kind, std::string_view namespace_name,
                                std::string_view name) const = 0;

  // Every binding with a subject that names this ServiceAccount: a ServiceAccount subject, the
  // user "system:serviceaccount:NS:NAME", or the groups "system:serviceaccounts" and
  // "system:serviceaccounts:NS".
  virtual void for_each_binding_of(std::string_view namespace_name, std::string_view name,
                                   const std::function<void(const Binding&)>& visit) const = 0;

  // Every binding whose roleRef points at this Role (namespace set) or ClusterRole.
  virtual void for_each_binding_to(RoleKind kind, std::string_view namespace_name,
                                   std::string_view name,
                                   const std::function<void(const Binding&)>& visit) const = 0;

  // A workload (any kind, by the Kind written in ownerReferences) in a namespace, or null.
  virtual const Workload* find_workload(std::string_view namespace_name, std::string_view kind,
                                        std::string_view name) const = 0;

  // The distinct owning units (a pod's controller, or the pod or workload itself) whose pods run
  // as this ServiceAccount. Sharing analysis resolves each to its top-level workload.
  virtual std::vector<WorkloadKey> units_using(std::string_view namespace_name,
                                               std::string_view service_account) const = 0;
};

// Who tierguard does not govern.
struct PolicyOptions {
  // ServiceAccounts and pods in these namespaces have no tier and are never checked.
  std::vector<std::string> exempt_namespaces{"kube-system", "kube-public", "kube-node-lease"};
  // Requests from these users are not checked (the apiserver reconciling its bootstrap RBAC).
  std::vector<std::string> exempt_users{"system:apiserver"};

  bool is_exempt_namespace(std::string_view ns) const;
  bool is_exempt_user(std::string_view user) const;
};

// Bindings the apiserver creates for itself (label kubernetes.io/bootstrapping=rbac-defaults)
// are the platform's baseline and do not count towards any ServiceAccount's standing permissions.
bool is_bootstrap_binding(const Binding& binding);

}  // namespace tierguard::policy
