#include "webhook/webhook_metrics.h"

#include <gtest/gtest.h>

namespace tierguard::webhook {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(WebhookMetrics, RegistersEveryDocumentedFamily) {
  telemetry::Registry registry;
  WebhookMetrics metrics(registry);
  const std::string text = registry.expose();
  for (const char* family :
       {"tierguard_webhook_requests_total", "tierguard_webhook_decisions_total",
        "tierguard_webhook_review_duration_seconds", "tierguard_webhook_requests_in_flight",
        "tierguard_webhook_open_connections", "tierguard_webhook_errors_total",
        "tierguard_webhook_tls_reloads_total", "tierguard_webhook_tls_reload_errors_total",
        "tierguard_webhook_tls_certificate_expiry_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
  }
}

TEST(WebhookMetrics, CountsResponsesDecisionsErrorsAndLatency) {
  telemetry::Registry registry;
  WebhookMetrics metrics(registry);
  metrics.count_response("/validate/pods", 200);  // pre-resolved child
  metrics.count_response("/validate/pods", 400);
  metrics.count_response("/healthz", 200);
  metrics.count_decision(Route::kRbac, "denied", "batch");
  metrics.count_error("body-limit");
  metrics.observe_review_seconds(Route::kPods, 0.0002);
  const std::string text = registry.expose();
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_requests_total{path="/validate/pods",code="200"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_requests_total{path="/validate/pods",code="400"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_requests_total{path="/healthz",code="200"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_decisions_total{route="rbac",result="denied",tier="batch"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_errors_total{step="body-limit"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_review_duration_seconds_bucket{route="pods",le="0.00025"} 1)"));
  EXPECT_TRUE(contains(text, R"(tierguard_webhook_review_duration_seconds_bucket{route="pods",le="1e-04"} 0)"));
}

}  // namespace
}  // namespace tierguard::webhook
