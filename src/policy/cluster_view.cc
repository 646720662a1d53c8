#include "policy/cluster_view.h"

#include <algorithm>

namespace tierguard::policy {

bool PolicyOptions::is_exempt_namespace(std::string_view ns) const {
  return std::find(exempt_namespaces.begin(), exempt_namespaces.end(), ns) !=
         exempt_namespaces.end();
}

bool PolicyOptions::is_exempt_user(std::string_view user) const {
  return std::find(exempt_users.begin(), exempt_users.end(), user) != exempt_users.end();
}

bool is_bootstrap_binding(const Binding& binding) {
  auto label = find_label(binding.labels, "kubernetes.io/bootstrapping");
  return label && *label == "rbac-defaults";
}

}  // namespace tierguard::policy
