#include "webhook/webhook_metrics.h"

#include <charconv>

namespace tierguard::webhook {

namespace {
std::size_t route_index(Route route) { return static_cast<std::size_t>(route); }
}  // namespace

WebhookMetrics::WebhookMetrics(telemetry::Registry& registry)
    : requests_(registry.counter("tierguard_webhook_requests_total",
                                 "HTTP responses sent, by endpoint path and status code.",
                                 {"path", "code"})),
      decisions_(registry.counter(
          "tierguard_webhook_decisions_total",
          "Admission decisions, by route, result (allowed, denied, error) and tier.",
          {"route", "result", "tier"})),
      errors_(registry.counter(
          "tierguard_webhook_errors_total",
          "Rejected requests and transport failures, by the step that failed.", {"step"})),
      in_flight_(registry
                     .gauge("tierguard_webhook_requests_in_flight",
                            "Requests read and not yet answered.")
                     .with({})),
      open_connections_(registry
                            .gauge("tierguard_webhook_open_connections",
                                   "Client connections currently open.")
                            .with({})),
      tls_reloads_(registry
                       .counter("tierguard_webhook_tls_reloads_total",
                                "Serving certificate reloads that took effect.")
                       .with({})),
      tls_reload_errors_(registry
                             .counter("tierguard_webhook_tls_reload_errors_total",
                                      "Serving certificate reloads rejected (the previous "
                                      "certificate stays in use).")
                             .with({})),
      tls_certificate_expiry_(registry
                                  .gauge("tierguard_webhook_tls_certificate_expiry_seconds",
                                         "notAfter of the serving certificate in use, as a Unix "
                                         "timestamp.")
                                  .with({})) {
  auto& review_seconds = registry.histogram(
      "tierguard_webhook_review_duration_seconds",
      "Time to decode, review and encode one AdmissionReview, by route.", {"route"},
      {kLatencyBuckets.begin(), kLatencyBuckets.end()});
  for (Route route : kAllRoutes) {
    review_seconds_[route_index(route)] = &review_seconds.with({route_name(route)});
    ok_responses_[route_index(route)] = &requests_.with({route_path(route), "200"});
  }
}

void WebhookMetrics::count_response(std::string_view path_label, int code) {
  if (code == 200) {
    for (Route route : kAllRoutes) {
      if (route_path(route) == path_label) {
        ok_responses_[route_index(route)]->inc();
        return;
      }
    }
  }
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, code);
  (void)ec;
  requests_.with({path_label, std::string_view(digits, static_cast<std::size_t>(end - digits))})
      .inc();
}

void WebhookMetrics::count_decision(Route route, std::string_view result, std::string_view tier) {
  decisions_.with({route_name(route), result, tier}).inc();
}

void WebhookMetrics::observe_review_seconds(Route route, double seconds) {
  review_seconds_[route_index(route)]->observe(seconds);
}

void WebhookMetrics::count_error(std::string_view step) { errors_.with({step}).inc(); }

}  // namespace tierguard::webhook
