#pragma once

// The seam between the webhook transport and the policy: the server decodes an
// AdmissionReview, picks the Route from the URL path, and asks a Reviewer for the decision.

#include <string_view>

#include "webhook/admission_request.h"
#include "webhook/admission_response.h"

namespace tierguard::webhook {

enum class Route {
  kPods,             // /validate/pods: Pods
  kWorkloads,        // /validate/workloads: Deployments, StatefulSets, DaemonSets, ReplicaSets,
                     //                      Jobs, CronJobs
  kRbac,             // /validate/rbac: RoleBindings, ClusterRoleBindings, Roles, ClusterRoles
  kTierguard,        // /validate/tierguard: tierguard.io kinds (Elevation, ElevationApproval…)
  kMutateTierguard,  // /mutate/tierguard: stamps the requester on tierguard.io kinds
};

class Reviewer {
 public:
  virtual ~Reviewer() = default;

  // The decision for one request. Called concurrently from every server thread: must be
  // thread-safe. May throw: the server then answers allowed=false, code 500, with a message
  // naming the failure, and keeps serving.
  virtual AdmissionResponse review(Route route, const AdmissionRequest& request) = 0;

  // Whether decisions can be made yet (state loaded/synced). Drives /readyz.
  virtual bool ready() const = 0;
};

}  // namespace tierguard::webhook
