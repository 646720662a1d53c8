#include "policy/standing_permissions.h"

#include "policy/rule_coverage.h"
#include "policy/rule_summary.h"

namespace tierguard::policy {
namespace {

constexpr size_t kRulesShown = 4;

std::string list_uncovered(const std::vector<PolicyRule>& atomic) {
  const auto uncovered = summarize_rules(atomic);
  std::string out;
  for (size_t i = 0; i < uncovered.size() && i < kRulesShown; ++i) {
    if (i) out += ", ";
    out += '{';  // not "{" + …: GCC 12 -Wrestrict false positive at -O3
    out += describe(uncovered[i]);
    out += '}';
  }
  if (uncovered.size() > kRulesShown) {
    out += " and " + std::to_string(uncovered.size() - kRulesShown) + " more";
  }
  return out;
}

}  // namespace

const Role* referenced_role(const ClusterView& view, const Binding& binding) {
  if (binding.role_ref.kind == RoleKind::kRole) {
    if (binding.kind == BindingKind::kClusterRoleBinding) return nullptr;  // invalid in Kubernetes
    return view.find_role(RoleKind::kRole, binding.namespace_name, binding.role_ref.name);
  }
  return view.find_role(RoleKind::kClusterRole, "", binding.role_ref.name);
}

std::vector<PolicyRule> effective_rules(const Binding& binding,
                                        const std::vector<PolicyRule>& role_rules) {
  if (binding.kind == BindingKind::kRoleBinding) return namespaced_part(role_rules);
  return role_rules;
}

std::vector<StandingGrant> standing_grants(const ClusterView& view, std::string_view namespace_name,
                                           std::string_view name) {
  std::vector<StandingGrant> grants;
  view.for_each_binding_of(namespace_name, name, [&](const Binding& binding) {
    if (is_bootstrap_binding(binding)) return;
    StandingGrant grant;
    grant.binding = &binding;
    grant.role = referenced_role(view, binding);
    if (grant.role) grant.rules = effective_rules(binding, grant.role->rules);
    grants.push_back(std::move(grant));
  });
  return grants;
}

std::optional<std::string> ceiling_excess(const PrivilegeTier& tier, BindingKind kind,
                                          const std::vector<PolicyRule>& rules) {
  if (rules.empty()) return std::nullopt;
  if (kind == BindingKind::kClusterRoleBinding && !tier.cluster_scope) {
    return "holds permissions cluster-wide, but the tier allows standing permissions only "
           "inside namespaces (spec.standing.clusterScope is false)";
  }
  auto coverage = check_coverage(tier.standing_rules, rules);
  if (coverage.covered) return std::nullopt;
  return "grants " + list_uncovered(coverage.uncovered) + " beyond the tier's standing ceiling";
}

}  // namespace tierguard::policy
