#include "policy/grant_review.h"

#include <algorithm>
#include <map>

#include "policy/bound_accounts.h"
#include "policy/standing_permissions.h"
#include "policy/text.h"

namespace tierguard::policy {
namespace {

constexpr size_t kAccountsShown = 3;


}  // namespace

std::string binding_label(const Binding& binding) {
  std::string out(to_string(binding.kind));
  out += ' ';
  if (!binding.namespace_name.empty()) out += binding.namespace_name + "/";
  out += binding.name;
  return out;
}

GrantFindings review_grant(const ClusterView& view, const Binding& binding,
                           const std::vector<PolicyRule>& role_rules, const PolicyOptions& options,
                           bool require_tier, const std::string& remedy) {
  GrantFindings findings;
  const auto rules = effective_rules(binding, role_rules);
  // (tier, problem) → accounts, in first-seen order.
  std::vector<std::pair<std::pair<const PrivilegeTier*, std::string>, std::vector<std::string>>> groups;
  const auto group_for = [&](const PrivilegeTier* tier, const std::string& problem) -> auto& {
    for (auto& g : groups)
      if (g.first.first == tier && g.first.second == problem) return g.second;
    groups.push_back({{tier, problem}, {}});
    return groups.back().second;
  };

  for (const auto& account : accounts_bound_by(view, binding, options)) {
    if (!account.future) findings.accounts.push_back(account.label());
    const PrivilegeTier* tier = account.resolution.tier;
    if (tier == nullptr) {
      if (require_tier) {
        group_for(nullptr, "has no privilege tier (" + account.resolution.explanation + ")")
            .push_back(account.label());
      }
      continue;
    }
    if (std::find(findings.tiers.begin(), findings.tiers.end(), tier->name) == findings.tiers.end())
      findings.tiers.push_back(tier->name);
    if (auto excess = ceiling_excess(*tier, binding.kind, rules)) {
      group_for(tier, *excess).push_back(account.label());
    }
  }

  for (auto& [key, accounts] : groups) {
    const auto& [tier, problem] = key;
    Violation v;
    v.tier = tier;
    v.service_account = join_first(accounts, kAccountsShown);
    if (tier == nullptr) {
      v.rule = "tier";
      v.message = problem + "; " + binding_label(binding) +
                  " may only bind service accounts that have a tier: label or annotate them first";
    } else {
      v.rule = "standing";
      v.message = binding_label(binding) + " " + problem + "; " + remedy;
    }
    findings.violations.push_back(std::move(v));
  }
  return findings;
}

}  // namespace tierguard::policy
