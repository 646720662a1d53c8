#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/cluster_view.h"

namespace tierguard::policy {

// One binding through which a ServiceAccount holds standing permissions.
struct StandingGrant {
  const Binding* binding = nullptr;
  const Role* role = nullptr;     // null when the referenced role does not exist (grants nothing)
  std::vector<PolicyRule> rules;  // effective in the binding's scope (no nonResourceURLs when namespaced)
};

// The role a binding references: a Role in the binding's namespace or a ClusterRole.
const Role* referenced_role(const ClusterView& view, const Binding& binding);

// The rules a binding grants from `role_rules`, in the binding's scope.
std::vector<PolicyRule> effective_rules(const Binding& binding,
                                        const std::vector<PolicyRule>& role_rules);

// Effective standing permissions of ServiceAccount NAMESPACE/NAME: every non-bootstrap binding
// naming it, with the rules each grants.
std::vector<StandingGrant> standing_grants(const ClusterView& view, std::string_view namespace_name,
                                           std::string_view name);

// Why holding `rules` (already in the binding's scope) through a binding of `kind` exceeds the
// tier's standing ceiling — or nullopt when it does not.
std::optional<std::string> ceiling_excess(const PrivilegeTier& tier, BindingKind kind,
                                          const std::vector<PolicyRule>& rules);

}  // namespace tierguard::policy
