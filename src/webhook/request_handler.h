#pragma once

// Answers one parsed HTTP request: routing, method and content-type checks, AdmissionReview
// decode → Reviewer → encode, health and metrics endpoints. No sockets here: the transport
// (session.h) reads a request, calls handle(), and writes the response.

#include <boost/beast/http/status.hpp>
#include <chrono>
#include <string_view>

#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "webhook/admission_decoder.h"
#include "webhook/http_types.h"
#include "webhook/reviewer.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::webhook {

using MonotonicClock = std::chrono::steady_clock::time_point (*)();

class RequestHandler {
 public:
  RequestHandler(Reviewer& reviewer, telemetry::Registry& registry, WebhookMetrics& metrics,
                 telemetry::Logger& logger,
                 MonotonicClock clock = &std::chrono::steady_clock::now);

  // Fills `response` (status, headers, body; not keep-alive, which is the transport's) for
  // `request`. The request body is consumed: an AdmissionReview is parsed in place.
  // `decoder` is scratch memory reused across calls on one thread. Never throws for any input.
  void handle(HttpRequest& request, HttpResponse& response, AdmissionReviewDecoder& decoder);

  // A JSON error response for a request the transport rejected before it could be handled
  // (body over the limit, malformed HTTP). Counted and logged like handler rejections.
  // `target` is the request target when the headers were read ("" otherwise).
  void reject(boost::beast::http::status status, std::string_view step, std::string_view message,
              std::string_view target, HttpResponse& response);

  // Whether a Content-Type header value names JSON ("application/json", any case, with
  // optional parameters such as "; charset=utf-8").
  static bool is_json_content_type(std::string_view value);

 private:
  void handle_admission(Route route, HttpRequest& request, HttpResponse& response,
                        AdmissionReviewDecoder& decoder);
  void review_and_encode(Route route, const AdmissionRequest& admission, HttpResponse& response,
                         std::chrono::steady_clock::time_point started);
  void reject_with(boost::beast::http::status status, std::string_view path_label,
                   std::string_view step, std::string_view message, std::string_view uid,
                   HttpResponse& response);
  void set_text(HttpResponse& response, boost::beast::http::status status,
                std::string_view content_type, std::string_view path_label);

  Reviewer& reviewer_;
  telemetry::Registry& registry_;
  WebhookMetrics& metrics_;
  telemetry::Logger& logger_;
  MonotonicClock clock_;
};

}  // namespace tierguard::webhook
