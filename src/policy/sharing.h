#pragma once

#include <set>
#include <string_view>

#include "policy/cluster_view.h"

namespace tierguard::policy {

// The top-level workload a unit belongs to: follows controller ownerReferences through the view
// (Pod → ReplicaSet → Deployment, Pod → Job → CronJob) as far as the view knows them.
WorkloadKey top_level_workload(const ClusterView& view, std::string_view namespace_name,
                               WorkloadKey unit);

// The unit a workload counts as: its controller when it has one, else itself.
WorkloadKey unit_of(const Workload& workload);

// Distinct top-level workloads running as NAMESPACE/SERVICE_ACCOUNT, including `also` (the
// workload under review) when given.
std::set<WorkloadKey> workloads_sharing(const ClusterView& view, std::string_view namespace_name,
                                        std::string_view service_account, const Workload* also);

}  // namespace tierguard::policy
