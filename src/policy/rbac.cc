#include "policy/rbac.h"

namespace tierguard::policy {
namespace {

void append_list(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (!out.empty()) out += ' ';
  out += key;
  out += "=[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += values[i].empty() ? std::string("\"\"") : values[i];
  }
  out += ']';
}

}  // namespace

std::string describe(const PolicyRule& rule) {
  std::string out;
  append_list(out, "verbs", rule.verbs);
  append_list(out, "apiGroups", rule.api_groups);
  append_list(out, "resources", rule.resources);
  append_list(out, "resourceNames", rule.resource_names);
  append_list(out, "nonResourceURLs", rule.non_resource_urls);
  return out;
}

std::string describe(const std::vector<PolicyRule>& rules) {
  std::string out;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (i) out += "; ";
    out += '{' + describe(rules[i]) + '}';
  }
  return out;
}

std::string_view to_string(RoleKind kind) {
  return kind == RoleKind::kRole ? "Role" : "ClusterRole";
}

std::string_view to_string(BindingKind kind) {
  return kind == BindingKind::kRoleBinding ? "RoleBinding" : "ClusterRoleBinding";
}

}  // namespace tierguard::policy
