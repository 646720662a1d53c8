#pragma once

#include "policy/cluster_view.h"
#include "policy/decision.h"
#include "policy/review_context.h"

namespace tierguard::policy {

// Admission of a RoleBinding or ClusterRoleBinding: it may not lift any governed ServiceAccount
// it names above its tier's standing ceiling, and may not bind ServiceAccounts without a tier.
// A binding to a role that does not exist yet is allowed with a warning: the role's rules are
// checked when it is created.
Decision review_binding(const ClusterView& view, const Binding& binding,
                        const ReviewContext& context, const PolicyOptions& options);

// Admission of a Role or ClusterRole (create or edit): the new rules may not lift any governed
// ServiceAccount already bound to it above its tier's ceiling (privilege drift through the role).
Decision review_role(const ClusterView& view, const Role& role, const ReviewContext& context,
                     const PolicyOptions& options);

}  // namespace tierguard::policy
