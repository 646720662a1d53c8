#pragma once

#include <vector>

#include "policy/rbac.h"

namespace tierguard::policy {

// Whether a set of "owner" rules (a tier's standing ceiling) allows everything a set of
// "requested" rules (a role being bound) grants, with Kubernetes RBAC semantics:
//  * requested rules are broken down into atomic rules (one apiGroup, resource, verb and
//    resourceName, or one nonResourceURL and verb), each of which must be covered by a single
//    owner rule;
//  * "*" in an owner's verbs, apiGroups or resources matches anything; "*/sub" matches the
//    subresource "sub" of any resource (as the RBAC authorizer does); "pods" does not match
//    "pods/exec";
//  * an owner rule without resourceNames covers any name; one with resourceNames covers only
//    requests naming a subset of them (never the unrestricted request);
//  * owner nonResourceURLs ending in "*" cover every URL with that prefix.
// Wildcards in requested rules are literal: requesting "*" needs an owner "*".
struct CoverageResult {
  bool covered = true;
  std::vector<PolicyRule> uncovered;  // atomic rules no owner rule covers, in request order
};

CoverageResult check_coverage(const std::vector<PolicyRule>& owner,
                              const std::vector<PolicyRule>& requested);

// The atomic rules a rule breaks down into (empty when a rule grants nothing, e.g. no verbs).
std::vector<PolicyRule> break_down(const PolicyRule& rule);

// Whether one owner rule covers one atomic rule produced by break_down().
bool covers_atomic(const PolicyRule& owner, const PolicyRule& atomic);

// The rules that are effective in a namespaced scope (a RoleBinding): nonResourceURLs only ever
// apply cluster-wide, so they are dropped.
std::vector<PolicyRule> namespaced_part(const std::vector<PolicyRule>& rules);

}  // namespace tierguard::policy
