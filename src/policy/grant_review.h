#pragma once

#include <string>
#include <vector>

#include "policy/cluster_view.h"
#include "policy/decision.h"

namespace tierguard::policy {

// The violations of giving `role_rules` through `binding` to every governed ServiceAccount it
// names: one per (tier, problem), listing the first few accounts concerned. With
// `require_tier`, an account that has no tier is itself a violation (deny by default).
struct GrantFindings {
  std::vector<Violation> violations;
  std::vector<std::string> accounts;  // "ns/name" of every existing account bound
  std::vector<std::string> tiers;     // distinct tiers concerned
};

GrantFindings review_grant(const ClusterView& view, const Binding& binding,
                           const std::vector<PolicyRule>& role_rules, const PolicyOptions& options,
                           bool require_tier, const std::string& remedy);

// "RoleBinding ns/name" or "ClusterRoleBinding name".
std::string binding_label(const Binding& binding);

}  // namespace tierguard::policy
