#include "policy/standing_permissions.h"

#include "policy/rule_coverage.h"
#include "policy/rule_summary.h"
#include "policy/text.h"

namespace tierguard::policy {
namespace {

constexpr size_t kRulesShown = 4;

std::string list_uncovered(const std::vector<PolicyRule>& atomic) {
  std::vector<std::string> rules;
  for (const auto& rule : summarize_rules(atomic)) {
    std::string text = "{";  // not "{" + …: GCC 12 -Wrestrict false positive at -O3
    text += describe(rule);
    text += '}';
    rules.push_back(std::move(text));
  }
  return join_first(rules, kRulesShown);
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
