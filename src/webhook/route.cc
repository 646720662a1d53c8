#include "webhook/route.h"

namespace tierguard::webhook {

std::string_view route_path(Route route) {
  switch (route) {
    case Route::kPods: return "/validate/pods";
    case Route::kWorkloads: return "/validate/workloads";
    case Route::kRbac: return "/validate/rbac";
    case Route::kTierguard: return "/validate/tierguard";
    case Route::kMutateTierguard: return "/mutate/tierguard";
  }
  return "";
}

std::string_view route_name(Route route) {
  switch (route) {
    case Route::kPods: return "pods";
    case Route::kWorkloads: return "workloads";
    case Route::kRbac: return "rbac";
    case Route::kTierguard: return "tierguard";
    case Route::kMutateTierguard: return "mutate-tierguard";
  }
  return "";
}

std::optional<RouteMatch> match_route(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  for (Route route : kAllRoutes) {
    if (path == route_path(route)) return RouteMatch{Endpoint::kAdmission, route};
  }
  if (path == "/healthz" || path == "/livez") return RouteMatch{Endpoint::kHealthz};
  if (path == "/readyz") return RouteMatch{Endpoint::kReadyz};
  if (path == "/metrics") return RouteMatch{Endpoint::kMetrics};
  return std::nullopt;
}

}  // namespace tierguard::webhook
