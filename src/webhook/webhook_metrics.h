#pragma once

// The webhook's Prometheus metrics, registered once per server in a telemetry::Registry.

#include <array>
#include <string_view>

#include "telemetry/metrics.h"
#include "webhook/reviewer.h"
#include "webhook/route.h"

namespace tierguard::webhook {

class WebhookMetrics {
 public:
  explicit WebhookMetrics(telemetry::Registry& registry);

  // tierguard_webhook_requests_total{path,code}: every HTTP response, by endpoint and status.
  void count_response(std::string_view path_label, int code);
  // tierguard_webhook_decisions_total{route,result,tier}: result is allowed|denied|error.
  void count_decision(Route route, std::string_view result, std::string_view tier);
  // tierguard_webhook_review_duration_seconds{route}: decode + review + encode time.
  void observe_review_seconds(Route route, double seconds);
  // tierguard_webhook_errors_total{step}: rejected input and transport failures by step.
  void count_error(std::string_view step);

  telemetry::Gauge& in_flight() { return in_flight_; }
  telemetry::Gauge& open_connections() { return open_connections_; }
  telemetry::Counter& tls_reloads() { return tls_reloads_; }
  telemetry::Counter& tls_reload_errors() { return tls_reload_errors_; }
  telemetry::Gauge& tls_certificate_expiry() { return tls_certificate_expiry_; }

  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
      0.01,    0.025,  0.05,    0.1,    0.25,  0.5,    1.0};

 private:
  telemetry::Family<telemetry::Counter>& requests_;
  telemetry::Family<telemetry::Counter>& decisions_;
  telemetry::Family<telemetry::Counter>& errors_;
  std::array<telemetry::Histogram*, std::size(kAllRoutes)> review_seconds_{};
  std::array<telemetry::Counter*, std::size(kAllRoutes)> ok_responses_{};
  telemetry::Gauge& in_flight_;
  telemetry::Gauge& open_connections_;
  telemetry::Counter& tls_reloads_;
  telemetry::Counter& tls_reload_errors_;
  telemetry::Gauge& tls_certificate_expiry_;
};

}  // namespace tierguard::webhook
