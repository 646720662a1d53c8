#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/cluster_view.h"
#include "policy/tier_resolution.h"

namespace tierguard::policy {

// Whether `subject` of `binding` names ServiceAccount NAMESPACE/NAME, the way the RBAC
// authorizer matches subjects (ServiceAccount subjects default to the binding's namespace).
bool subject_names_account(const Binding& binding, const Subject& subject,
                           std::string_view namespace_name, std::string_view name);
bool binding_names_account(const Binding& binding, std::string_view namespace_name,
                           std::string_view name);

// The groups that bind every ServiceAccount (of a namespace), and the user name of one.
inline constexpr std::string_view kAllServiceAccountsGroup = "system:serviceaccounts";
inline constexpr std::string_view kNamespaceServiceAccountsGroupPrefix = "system:serviceaccounts:";
inline constexpr std::string_view kServiceAccountUserPrefix = "system:serviceaccount:";

// Which ServiceAccounts one subject of a binding names, the way the RBAC authorizer reads it:
// a ServiceAccount subject (an empty namespace means the binding's), the user
// "system:serviceaccount:NS:NAME", or the groups "system:serviceaccounts:NS" and
// "system:serviceaccounts". The views point into the binding and the subject, which must
// outlive the target.
struct SubjectTarget {
  enum class Kind { kNone, kAccount, kNamespaceAccounts, kAllAccounts };
  Kind kind = Kind::kNone;
  std::string_view namespace_name;  // kAccount and kNamespaceAccounts
  std::string_view name;            // kAccount
};
SubjectTarget subject_target(const Binding& binding, const Subject& subject);

// A ServiceAccount a binding gives permissions to, with its tier. For group subjects that cover
// ServiceAccounts not created yet, one entry with `future = true` stands for them (its tier is
// what a new ServiceAccount of that namespace would resolve to).
struct BoundAccount {
  std::string namespace_name;
  std::string name;
  bool future = false;
  TierResolution resolution;

  std::string label() const;  // "ns/name" or "new service accounts in ns"
};

// Every governed ServiceAccount `binding` gives permissions to. Exempt namespaces are skipped.
std::vector<BoundAccount> accounts_bound_by(const ClusterView& view, const Binding& binding,
                                            const PolicyOptions& options);

}  // namespace tierguard::policy
