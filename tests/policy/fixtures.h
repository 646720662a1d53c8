// Builders for the policy tests: tiers, rules, RBAC objects and workloads in a few readable lines.
// Decisions are evaluated against a real state::Snapshot, the ClusterView the product uses.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "policy/cluster_view.h"
#include "policy/decision.h"
#include "policy/objects.h"
#include "policy/rbac.h"
#include "policy/review_context.h"
#include "policy/tier.h"
#include "state/snapshot.h"

namespace tierguard::policy::testing {

using Strings = std::vector<std::string>;

// A resource rule: verbs × apiGroups × resources (× resourceNames).
inline PolicyRule rule(Strings verbs, Strings groups, Strings resources, Strings names = {}) {
  PolicyRule r;
  r.verbs = std::move(verbs);
  r.api_groups = std::move(groups);
  r.resources = std::move(resources);
  r.resource_names = std::move(names);
  return r;
}

// A nonResourceURL rule.
inline PolicyRule url_rule(Strings verbs, Strings urls) {
  PolicyRule r;
  r.verbs = std::move(verbs);
  r.non_resource_urls = std::move(urls);
  return r;
}

inline LabelSelector everything() { return {}; }

inline LabelSelector match(Labels labels) {
  LabelSelector s;
  s.match_labels = std::move(labels);
  return s;
}

inline LabelSelector expression(std::string key, SelectorOperator op, Strings values = {}) {
  LabelSelector s;
  s.match_expressions.push_back(SelectorRequirement{std::move(key), op, std::move(values)});
  return s;
}

// A PrivilegeTier with explicit, test-chosen fields. Defaults: placed everywhere, no standing
// permissions, automount allowed, default ServiceAccount allowed, no sharing limit, Enforce.
class TierBuilder {
 public:
  explicit TierBuilder(std::string name, int64_t rank = 0) {
    tier_.name = std::move(name);
    tier_.rank = rank;
    tier_.allow_default_service_account = true;
  }
  TierBuilder& rank(int64_t value) { return tier_.rank = value, *this; }
  TierBuilder& is_default(bool value = true) { return tier_.is_default = value, *this; }
  TierBuilder& accounts(LabelSelector s) { return tier_.service_account_selector = std::move(s), *this; }
  TierBuilder& namespaces(LabelSelector s) { return tier_.namespace_selector = std::move(s), *this; }
  TierBuilder& placement(LabelSelector s) { return tier_.placement = std::move(s), *this; }
  TierBuilder& standing(std::vector<PolicyRule> rules, bool cluster_scope = false) {
    tier_.standing_rules = std::move(rules);
    tier_.cluster_scope = cluster_scope;
    return *this;
  }
  TierBuilder& automount(AutomountRule value) { return tier_.automount = value, *this; }
  TierBuilder& default_account(bool allowed) { return tier_.allow_default_service_account = allowed, *this; }
  TierBuilder& sharing(int64_t max_workloads, SharingAction action) {
    tier_.sharing_max_workloads = max_workloads;
    tier_.sharing_action = action;
    return *this;
  }
  TierBuilder& enforcement(Enforcement value) { return tier_.enforcement = value, *this; }
  PrivilegeTier build() const { return tier_; }
  operator PrivilegeTier() const { return tier_; }  // NOLINT(google-explicit-constructor)

 private:
  PrivilegeTier tier_;
};

inline Namespace make_namespace(std::string name, Labels labels = {}) {
  return Namespace{std::move(name), std::move(labels)};
}

inline ServiceAccount make_account(std::string ns, std::string name, Labels labels = {},
                                   Labels annotations = {}, std::optional<bool> automount = {}) {
  ServiceAccount sa;
  sa.namespace_name = std::move(ns);
  sa.name = std::move(name);
  sa.labels = std::move(labels);
  sa.annotations = std::move(annotations);
  sa.automount_token = automount;
  return sa;
}

inline Labels tier_annotation(std::string tier) { return Labels{{std::string(kTierAnnotation), std::move(tier)}}; }

inline Role make_role(std::string ns, std::string name, std::vector<PolicyRule> rules) {
  Role r;
  r.kind = RoleKind::kRole;
  r.namespace_name = std::move(ns);
  r.name = std::move(name);
  r.rules = std::move(rules);
  return r;
}

inline Role make_cluster_role(std::string name, std::vector<PolicyRule> rules) {
  Role r;
  r.kind = RoleKind::kClusterRole;
  r.name = std::move(name);
  r.rules = std::move(rules);
  return r;
}

inline Subject sa_subject(std::string ns, std::string name) {
  return Subject{SubjectKind::kServiceAccount, std::move(name), std::move(ns)};
}
inline Subject user_subject(std::string name) { return Subject{SubjectKind::kUser, std::move(name), ""}; }
inline Subject group_subject(std::string name) { return Subject{SubjectKind::kGroup, std::move(name), ""}; }

inline RoleRef role_ref(std::string name) { return RoleRef{RoleKind::kRole, std::move(name)}; }
inline RoleRef cluster_role_ref(std::string name) { return RoleRef{RoleKind::kClusterRole, std::move(name)}; }

inline Binding make_role_binding(std::string ns, std::string name, RoleRef ref, std::vector<Subject> subjects) {
  Binding b;
  b.kind = BindingKind::kRoleBinding;
  b.namespace_name = std::move(ns);
  b.name = std::move(name);
  b.role_ref = std::move(ref);
  b.subjects = std::move(subjects);
  return b;
}

inline Binding make_cluster_role_binding(std::string name, RoleRef ref, std::vector<Subject> subjects) {
  Binding b;
  b.kind = BindingKind::kClusterRoleBinding;
  b.name = std::move(name);
  b.role_ref = std::move(ref);
  b.subjects = std::move(subjects);
  return b;
}

inline Workload make_workload(WorkloadKind kind, std::string ns, std::string name, std::string account,
                              std::optional<bool> automount = false) {
  Workload w;
  w.kind = kind;
  w.namespace_name = std::move(ns);
  w.name = std::move(name);
  w.pod.service_account_name = std::move(account);
  w.pod.automount_token = automount;
  return w;
}

inline Workload make_pod(std::string ns, std::string name, std::string account,
                         std::optional<bool> automount = false) {
  return make_workload(WorkloadKind::kPod, std::move(ns), std::move(name), std::move(account), automount);
}

inline Workload owned_by(Workload w, std::string kind, std::string name) {
  w.owners.push_back(OwnerReference{std::move(kind), std::move(name), true});
  return w;
}

inline ReviewContext create_by(std::string user = "alice") {
  ReviewContext c;
  c.operation = Operation::kCreate;
  c.requester.username = std::move(user);
  return c;
}

inline ReviewContext delete_by(std::string user = "alice") {
  ReviewContext c = create_by(std::move(user));
  c.operation = Operation::kDelete;
  return c;
}

inline std::string joined(const Strings& values) {
  std::string out;
  for (const auto& v : values) out += v + "\n";
  return out;
}

inline const std::string* annotation(const Decision& d, std::string_view key) {
  for (const auto& [k, v] : d.audit_annotations)
    if (k == key) return &v;
  return nullptr;
}

inline bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

inline bool any_contains(const Strings& values, std::string_view needle) {
  return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return contains(v, needle); });
}

// The rules used across the decision tests.
inline PolicyRule read_configmaps() { return rule({"get", "list", "watch"}, {""}, {"configmaps"}); }
inline PolicyRule read_secrets() { return rule({"get", "list"}, {""}, {"secrets"}); }

}  // namespace tierguard::policy::testing
