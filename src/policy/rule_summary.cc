#include "policy/rule_summary.h"

#include <algorithm>

namespace tierguard::policy {
namespace {

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& values) {
  for (const auto& v : values)
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}

// Merges rules equal in everything but `field`, appending `field` values.
template <typename Field>
std::vector<PolicyRule> merge_on(const std::vector<PolicyRule>& rules, Field field) {
  std::vector<PolicyRule> out;
  for (const auto& rule : rules) {
    auto same_except = [&](const PolicyRule& other) {
      PolicyRule a = rule, b = other;
      a.*field = {};
      b.*field = {};
      return a == b;
    };
    auto it = std::find_if(out.begin(), out.end(), same_except);
    if (it == out.end()) {
      out.push_back(rule);
    } else {
      add_unique((*it).*field, rule.*field);
    }
  }
  return out;
}

}  // namespace

std::vector<PolicyRule> summarize_rules(const std::vector<PolicyRule>& atomic) {
  auto by_verb = merge_on(atomic, &PolicyRule::verbs);
  auto by_resource = merge_on(by_verb, &PolicyRule::resources);
  return merge_on(by_resource, &PolicyRule::non_resource_urls);
}

}  // namespace tierguard::policy
