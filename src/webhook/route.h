#pragma once

// The URL paths the webhook serves and what answers each.

#include <optional>
#include <string_view>

#include "webhook/reviewer.h"

namespace tierguard::webhook {

enum class Endpoint { kAdmission, kHealthz, kReadyz, kMetrics };

struct RouteMatch {
  Endpoint endpoint;
  Route route = Route::kPods;  // meaningful for Endpoint::kAdmission only
};

// Matches the path of a request target (a query string is ignored); nullopt for unknown paths.
std::optional<RouteMatch> match_route(std::string_view target);

// The URL path of an admission route ("/validate/pods"…).
std::string_view route_path(Route route);
// A short stable name for logs and metric labels ("pods", "workloads", "rbac", "tierguard",
// "mutate-tierguard").
std::string_view route_name(Route route);

inline constexpr Route kAllRoutes[] = {Route::kPods, Route::kWorkloads, Route::kRbac,
                                       Route::kTierguard, Route::kMutateTierguard};

}  // namespace tierguard::webhook
