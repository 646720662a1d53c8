#include "webhook/route.h"

#include <gtest/gtest.h>

namespace tierguard::webhook {
namespace {

TEST(MatchRoute, MapsEveryAdmissionPathToItsRoute) {
  for (Route route : kAllRoutes) {
    auto match = match_route(route_path(route));
    ASSERT_TRUE(match) << route_path(route);
    EXPECT_EQ(match->endpoint, Endpoint::kAdmission);
    EXPECT_EQ(match->route, route);
  }
}

TEST(MatchRoute, IgnoresTheQueryString) {
  auto match = match_route("/validate/rbac?timeout=10s");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route, Route::kRbac);
}

TEST(MatchRoute, KnowsHealthReadinessAndMetrics) {
  EXPECT_EQ(match_route("/healthz")->endpoint, Endpoint::kHealthz);
  EXPECT_EQ(match_route("/livez")->endpoint, Endpoint::kHealthz);
  EXPECT_EQ(match_route("/readyz")->endpoint, Endpoint::kReadyz);
  EXPECT_EQ(match_route("/metrics")->endpoint, Endpoint::kMetrics);
}

TEST(MatchRoute, RejectsUnknownAndNearMissPaths) {
  EXPECT_FALSE(match_route("/"));
  EXPECT_FALSE(match_route(""));
  EXPECT_FALSE(match_route("/validate/pods/"));
  EXPECT_FALSE(match_route("/validate/Pods"));
  EXPECT_FALSE(match_route("/validate"));
  EXPECT_FALSE(match_route("http://host/validate/pods"));
}

TEST(RouteName, IsShortAndStable) {
  EXPECT_EQ(route_name(Route::kPods), "pods");
  EXPECT_EQ(route_name(Route::kMutateTierguard), "mutate-tierguard");
}

}  // namespace
}  // namespace tierguard::webhook
