#pragma once

#include "policy/cluster_view.h"
#include "policy/decision.h"
#include "policy/review_context.h"

namespace tierguard::policy {

// Admission of a Pod, or of a workload's pod template: the ServiceAccount has a tier, the
// namespace is inside the tier's placement, the token-automount and default-ServiceAccount
// rules hold, the ServiceAccount's standing permissions are within the tier's ceiling, and the
// sharing limit is kept.
Decision review_workload(const ClusterView& view, const Workload& workload,
                         const ReviewContext& context, const PolicyOptions& options);

}  // namespace tierguard::policy
