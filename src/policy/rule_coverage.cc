#include "policy/rule_coverage.h"

#include <algorithm>
#include <string_view>

namespace tierguard::policy {
namespace {

constexpr std::string_view kAll = "*";

bool has(const std::vector<std::string>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

bool has_all(const std::vector<std::string>& set, const std::vector<std::string>& wanted) {
  return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& w) { return has(set, w); });
}

// The RBAC authorizer's resource match: exact, "*", or "*/sub" for a requested "res/sub".
bool resource_covered(const std::vector<std::string>& owner, const std::string& requested) {
  if (has(owner, kAll) || has(owner, requested)) return true;
  const auto slash = requested.find('/');
  if (slash == std::string::npos) return false;
  std::string any_with_sub = "*";  // not "*" + …: GCC 12 -Wrestrict false positive at -O3
  any_with_sub += requested.substr(slash);
  return has(owner, any_with_sub);
}

bool url_covered(const std::string& owner, std::string_view requested) {
  if (owner == requested) return true;
  if (owner.empty() || owner.back() != '*') return false;
  std::string_view prefix = owner;
  while (!prefix.empty() && prefix.back() == '*') prefix.remove_suffix(1);
  return requested.substr(0, prefix.size()) == prefix;
}

// covers_atomic without building the atomic rule: the covered path allocates nothing.
bool covers_resource(const PolicyRule& owner, const std::string& verb, const std::string& group,
                     const std::string& resource, const std::string* name) {
  if (!has(owner.verbs, kAll) && !has(owner.verbs, verb)) return false;
  if (!has(owner.api_groups, kAll) && !has(owner.api_groups, group)) return false;
  if (!resource_covered(owner.resources, resource)) return false;
  if (name == nullptr) return owner.resource_names.empty();
  return owner.resource_names.empty() || has(owner.resource_names, *name);
}

bool covers_url(const PolicyRule& owner, const std::string& verb, const std::string& url) {
  if (!has(owner.verbs, kAll) && !has(owner.verbs, verb)) return false;
  if (!owner.resource_names.empty()) return false;
  return std::any_of(owner.non_resource_urls.begin(), owner.non_resource_urls.end(),
                     [&](const std::string& o) { return url_covered(o, url); });
}

// Whether every atomic rule of `requested` is covered (break_down + covers_atomic, fused).
bool covers_all(const std::vector<PolicyRule>& owner, const std::vector<PolicyRule>& requested) {
  const auto any_owner = [&](auto&& covers) { return std::any_of(owner.begin(), owner.end(), covers); };
  for (const auto& rule : requested) {
    for (const auto& group : rule.api_groups) {
      for (const auto& resource : rule.resources) {
        for (const auto& verb : rule.verbs) {
          if (rule.resource_names.empty()) {
            if (!any_owner([&](const PolicyRule& o) { return covers_resource(o, verb, group, resource, nullptr); }))
              return false;
            continue;
          }
          for (const auto& name : rule.resource_names) {
            if (!any_owner([&](const PolicyRule& o) { return covers_resource(o, verb, group, resource, &name); }))
              return false;
          }
        }
      }
    }
    for (const auto& url : rule.non_resource_urls) {
      for (const auto& verb : rule.verbs) {
        if (!any_owner([&](const PolicyRule& o) { return covers_url(o, verb, url); })) return false;
      }
    }
  }
  return true;
}

}  // namespace

std::vector<PolicyRule> break_down(const PolicyRule& rule) {
  std::vector<PolicyRule> out;
  for (const auto& group : rule.api_groups) {
    for (const auto& resource : rule.resources) {
      for (const auto& verb : rule.verbs) {
        if (rule.resource_names.empty()) {
          out.push_back(PolicyRule{{verb}, {group}, {resource}, {}, {}});
          continue;
        }
        for (const auto& name : rule.resource_names) {
          out.push_back(PolicyRule{{verb}, {group}, {resource}, {name}, {}});
        }
      }
    }
  }
  for (const auto& url : rule.non_resource_urls) {
    for (const auto& verb : rule.verbs) out.push_back(PolicyRule{{verb}, {}, {}, {}, {url}});
  }
  return out;
}

bool covers_atomic(const PolicyRule& owner, const PolicyRule& atomic) {
  if (!has(owner.verbs, kAll) && !has_all(owner.verbs, atomic.verbs)) return false;
  if (!has(owner.api_groups, kAll) && !has_all(owner.api_groups, atomic.api_groups)) return false;
  for (const auto& resource : atomic.resources) {
    if (!resource_covered(owner.resources, resource)) return false;
  }
  for (const auto& url : atomic.non_resource_urls) {
    const bool any = std::any_of(owner.non_resource_urls.begin(), owner.non_resource_urls.end(),
                                 [&](const std::string& o) { return url_covered(o, url); });
    if (!any) return false;
  }
  if (atomic.resource_names.empty()) return owner.resource_names.empty();
  return owner.resource_names.empty() || has_all(owner.resource_names, atomic.resource_names);
}

CoverageResult check_coverage(const std::vector<PolicyRule>& owner,
                              const std::vector<PolicyRule>& requested) {
  CoverageResult result;
  if (covers_all(owner, requested)) return result;  // the common answer, without allocating
  for (const auto& rule : requested) {
    for (auto& atomic : break_down(rule)) {
      const bool covered = std::any_of(owner.begin(), owner.end(),
                                       [&](const PolicyRule& o) { return covers_atomic(o, atomic); });
      if (covered) continue;
      result.covered = false;
      if (std::find(result.uncovered.begin(), result.uncovered.end(), atomic) ==
          result.uncovered.end()) {
        result.uncovered.push_back(std::move(atomic));
      }
    }
  }
  return result;
}

std::vector<PolicyRule> namespaced_part(const std::vector<PolicyRule>& rules) {
  std::vector<PolicyRule> out;
  out.reserve(rules.size());
  for (const auto& rule : rules) {
    if (rule.resources.empty()) continue;
    PolicyRule copy = rule;
    copy.non_resource_urls.clear();
    out.push_back(std::move(copy));
  }
  return out;
}

}  // namespace tierguard::policy
