#pragma once

#include <optional>

#include "policy/cluster_view.h"
#include "policy/decision.h"
#include "policy/review_context.h"
#include "state/object_decoder.h"

namespace tierguard::state {

// Whether tierguard evaluates objects of this kind at admission (Pods, workloads, RBAC).
bool is_reviewable(const DecodedObject& object);

// Runs the policy decision for one decoded object against the view; nullopt for kinds that
// are not reviewed (tiers, namespaces, ServiceAccounts).
std::optional<policy::Decision> review_object(const policy::ClusterView& view,
                                              const DecodedObject& object,
                                              const policy::ReviewContext& context,
                                              const policy::PolicyOptions& options);

}  // namespace tierguard::state
