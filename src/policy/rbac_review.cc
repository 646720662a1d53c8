#include "policy/rbac_review.h"

#include <algorithm>

#include "policy/grant_review.h"
#include "policy/standing_permissions.h"
#include "policy/text.h"

namespace tierguard::policy {
namespace {

Decision exempt_requester(const ReviewContext& context) {
  Decision d = decide({}, "", "");
  d.audit_annotations.emplace_back("exempt", "requester " + context.requester.username + " is exempt");
  return d;
}

std::string role_label(const Role& role) {
  std::string out(to_string(role.kind));
  out += ' ';
  if (!role.namespace_name.empty()) out += role.namespace_name + "/";
  return out + role.name;
}

}  // namespace

Decision review_binding(const ClusterView& view, const Binding& binding,
                        const ReviewContext& context, const PolicyOptions& options) {
  if (context.operation == Operation::kDelete) return decide({}, "", "");
  if (options.is_exempt_user(context.requester.username)) return exempt_requester(context);

  if (binding.kind == BindingKind::kClusterRoleBinding && binding.role_ref.kind == RoleKind::kRole) {
    Violation v{nullptr, "", "roleRef",
                binding_label(binding) + " references Role " + binding.role_ref.name +
                    ", but a ClusterRoleBinding can only reference a ClusterRole; reference a "
                    "ClusterRole, or bind the Role with a RoleBinding in its namespace",
                false};
    return decide({v}, "", "");
  }
  const Role* role = referenced_role(view, binding);
  if (role == nullptr) {
    Decision d = decide({}, "", "");
    d.warnings.push_back("tierguard: " + binding_label(binding) + " references " +
                         std::string(to_string(binding.role_ref.kind)) + " " +
                         binding.role_ref.name +
                         ", which does not exist yet; its rules are checked when it is created");
    return d;
  }
  auto findings = review_grant(
      view, binding, role->rules, options, /*require_tier=*/true,
      "bind a role within the ceiling, move the service account to a tier that allows this, or "
      "request the access just-in-time with an Elevation");
  Decision d = decide(findings.violations, findings.accounts.size() == 1 ? findings.accounts[0] : "",
                      findings.tiers.size() == 1 ? findings.tiers[0] : "");
  if (findings.tiers.size() > 1) d.audit_annotations.emplace_back("tiers", join(findings.tiers, ","));
  return d;
}

Decision review_role(const ClusterView& view, const Role& role, const ReviewContext& context,
                     const PolicyOptions& options) {
  if (context.operation == Operation::kDelete) return decide({}, "", "");
  if (options.is_exempt_user(context.requester.username)) return exempt_requester(context);

  std::vector<Violation> violations;
  std::vector<std::string> tiers;
  const std::string remedy = "keep " + role_label(role) +
                             " within the ceiling of every service account bound to it, or bind "
                             "a separate role to the accounts that need more";
  view.for_each_binding_to(role.kind, role.namespace_name, role.name, [&](const Binding& binding) {
    if (is_bootstrap_binding(binding)) return;
    auto findings = review_grant(view, binding, role.rules, options, /*require_tier=*/false, remedy);
    for (auto& v : findings.violations) violations.push_back(std::move(v));
    for (auto& t : findings.tiers) {
      if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(std::move(t));
    }
  });
  Decision d = decide(violations, "", tiers.size() == 1 ? tiers[0] : "");
  if (tiers.size() > 1) d.audit_annotations.emplace_back("tiers", join(tiers, ","));
  return d;
}

}  // namespace tierguard::policy
