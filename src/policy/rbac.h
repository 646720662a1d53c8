#pragma once

#include <string>
#include <vector>

#include "policy/labels.h"

namespace tierguard::policy {

// One rbac.authorization.k8s.io/v1 PolicyRule, as written in a Role, ClusterRole or a tier's ceiling.
struct PolicyRule {
  std::vector<std::string> verbs;
  std::vector<std::string> api_groups;
  std::vector<std::string> resources;
  std::vector<std::string> resource_names;
  std::vector<std::string> non_resource_urls;

  bool operator==(const PolicyRule&) const = default;
};

// "verbs=[get] apiGroups=[""] resources=[pods]" — the compact form used in messages.
std::string describe(const PolicyRule& rule);
std::string describe(const std::vector<PolicyRule>& rules);

enum class RoleKind { kRole, kClusterRole };

struct RoleRef {
  RoleKind kind = RoleKind::kClusterRole;
  std::string name;

  bool operator==(const RoleRef&) const = default;
};

std::string_view to_string(RoleKind kind);

// A Role (namespace set) or ClusterRole (namespace empty). For aggregated ClusterRoles `rules`
// holds what the apiserver materialised, exactly as Kubernetes' authorizer reads it (manifests
// read offline are materialised by src/state from `aggregation_selectors`).
struct Role {
  RoleKind kind = RoleKind::kRole;
  std::string namespace_name;
  std::string name;
  std::vector<PolicyRule> rules;
  Labels labels;
  std::vector<LabelSelector> aggregation_selectors;  // aggregationRule.clusterRoleSelectors
};

enum class SubjectKind { kServiceAccount, kUser, kGroup };

struct Subject {
  SubjectKind kind = SubjectKind::kServiceAccount;
  std::string name;
  std::string namespace_name;  // ServiceAccount subjects only

  bool operator==(const Subject&) const = default;
};

enum class BindingKind { kRoleBinding, kClusterRoleBinding };

std::string_view to_string(BindingKind kind);

// A RoleBinding (namespace set) or ClusterRoleBinding (namespace empty).
struct Binding {
  BindingKind kind = BindingKind::kRoleBinding;
  std::string namespace_name;
  std::string name;
  RoleRef role_ref;
  std::vector<Subject> subjects;
  Labels labels;
  Labels annotations;
};

}  // namespace tierguard::policy
