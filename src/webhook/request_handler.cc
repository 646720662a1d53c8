#include "webhook/request_handler.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <exception>

#include "webhook/admission_encoder.h"
#include "webhook/route.h"

namespace tierguard::webhook {

namespace http = boost::beast::http;

namespace {
constexpr std::string_view kJsonContentType = "application/json";
// Label for paths we do not serve: a fixed value, so scanners cannot grow the label set.
constexpr std::string_view kOtherPathLabel = "other";

std::string_view path_label_for(const std::optional<RouteMatch>& match, std::string_view target) {
  if (!match) return kOtherPathLabel;
  return target.substr(0, target.find('?'));
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view decision_result(const AdmissionResponse& response) {
  if (response.allowed) return "allowed";
  return response.status_code >= 500 ? "error" : "denied";
}
}  // namespace

RequestHandler::RequestHandler(Reviewer& reviewer, telemetry::Registry& registry,
                               WebhookMetrics& metrics, telemetry::Logger& logger,
                               MonotonicClock clock)
    : reviewer_(reviewer), registry_(registry), metrics_(metrics), logger_(logger), clock_(clock) {}

bool RequestHandler::is_json_content_type(std::string_view value) {
  std::string_view media_type = value.substr(0, value.find(';'));
  while (!media_type.empty() && (media_type.back() == ' ' || media_type.back() == '\t')) {
    media_type.remove_suffix(1);
  }
  while (!media_type.empty() && (media_type.front() == ' ' || media_type.front() == '\t')) {
    media_type.remove_prefix(1);
  }
  return iequals_ascii(media_type, kJsonContentType);
}

void RequestHandler::set_text(HttpResponse& response, http::status status,
                              std::string_view content_type, std::string_view path_label) {
  response.result(status);
  response.set(http::field::content_type, content_type);
  response.content_length(response.body().size());
  metrics_.count_response(path_label, static_cast<int>(status));
}

void RequestHandler::handle(HttpRequest& request, HttpResponse& response,
                            AdmissionReviewDecoder& decoder) {
  response.version(11);
  response.body().clear();
  const std::string_view target = request.target();
  const auto match = match_route(target);
  const std::string_view path_label = path_label_for(match, target);
  if (!match) {
    reject_with(http::status::not_found, path_label, "route", "no such path", {}, response);
    return;
  }
  if (match->endpoint == Endpoint::kAdmission) {
    handle_admission(match->route, request, response, decoder);
    return;
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    reject_with(http::status::method_not_allowed, path_label, "method", "use GET", {}, response);
    response.set(http::field::allow, "GET, HEAD");
    return;
  }
  const bool head = request.method() == http::verb::head;
  switch (match->endpoint) {
    case Endpoint::kHealthz:
      if (!head) response.body() = "ok\n";
      set_text(response, http::status::ok, "text/plain; charset=utf-8", path_label);
      break;
    case Endpoint::kReadyz: {
      bool ready = false;
      try {
        ready = reviewer_.ready();
      } catch (const std::exception& e) {
        metrics_.count_error("readiness");
        logger_.error("readiness check failed", {{"error", e.what()}});
      } catch (...) {
        metrics_.count_error("readiness");
      }
      if (!head) response.body() = ready ? "ok\n" : "not ready: policy state not loaded\n";
      set_text(response, ready ? http::status::ok : http::status::service_unavailable,
               "text/plain; charset=utf-8", path_label);
      break;
    }
    case Endpoint::kMetrics:
      // Count this scrape before rendering, so the exposition includes it.
      metrics_.count_response(path_label, 200);
      if (!head) registry_.expose(response.body());
      response.result(http::status::ok);
      response.set(http::field::content_type, telemetry::kPrometheusContentType);
      response.content_length(response.body().size());
      break;
    case Endpoint::kAdmission: break;  // handled above
  }
}

void RequestHandler::handle_admission(Route route, HttpRequest& request, HttpResponse& response,
                                      AdmissionReviewDecoder& decoder) {
  const std::string_view path_label = route_path(route);
  if (request.method() != http::verb::post) {
    reject_with(http::status::method_not_allowed, path_label, "method",
                "admission reviews must be POSTed", {}, response);
    response.set(http::field::allow, "POST");
    return;
  }
  const auto content_type = request.find(http::field::content_type);
  if (content_type == request.end() || !is_json_content_type(content_type->value())) {
    reject_with(http::status::unsupported_media_type, path_label, "content-type",
                "Content-Type must be application/json", {}, response);
    return;
  }

  const auto started = clock_();
  AdmissionRequest admission;
  if (auto error = decoder.decode(request.body(), admission)) {
    reject_with(http::status::bad_request, path_label, decode_step_name(error->step),
                error->message, decoder.last_uid(), response);
    return;
  }
  review_and_encode(route, admission, response, started);
}

void RequestHandler::review_and_encode(Route route, const AdmissionRequest& admission,
                                       HttpResponse& response,
                                       std::chrono::steady_clock::time_point started) {
  AdmissionResponse decision;
  try {
    decision = reviewer_.review(route, admission);
  } catch (const std::exception& e) {
    decision = AdmissionResponse::deny(std::string("tierguard could not evaluate the request: ") +
                                           e.what(),
                                       500);
    metrics_.count_error("review");
  } catch (...) {
    decision = AdmissionResponse::deny(
        "tierguard could not evaluate the request: unknown exception", 500);
    metrics_.count_error("review");
  }
  if (!decision.json_patch.empty() && route != Route::kMutateTierguard) {
    // The apiserver refuses a patch from a validating webhook; drop it rather than fail.
    logger_.warn("dropping JSON patch from a validating route",
                 {{"uid", admission.uid}, {"route", route_name(route)}});
    decision.json_patch.clear();
  }

  encode_admission_review(response.body(), admission.uid, decision);
  set_text(response, http::status::ok, kJsonContentType, route_path(route));

  const auto elapsed = clock_() - started;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  metrics_.observe_review_seconds(route, seconds);
  metrics_.count_decision(route, decision_result(decision), decision.tier);
  if (logger_.enabled(telemetry::LogLevel::kInfo)) {
    const auto latency_us =
        std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    logger_.info("admission decision",
                 {{"uid", admission.uid},
                  {"route", route_name(route)},
                  {"kind", admission.kind.kind},
                  {"namespace", admission.namespace_name},
                  {"name", admission.name},
                  {"operation", operation_name(admission.operation)},
                  {"sa", decision.service_account},
                  {"tier", decision.tier},
                  {"allowed", decision.allowed},
                  {"code", decision.allowed ? 200 : (decision.status_code ? decision.status_code
                                                                          : 403)},
                  {"dry_run", admission.dry_run},
                  {"latency_us", static_cast<std::int64_t>(latency_us)},
                  {"message", decision.message}});
  }
}

void RequestHandler::reject(http::status status, std::string_view step, std::string_view message,
                            std::string_view target, HttpResponse& response) {
  response.version(11);
  response.body().clear();
  reject_with(status, path_label_for(match_route(target), target), step, message, {}, response);
}

void RequestHandler::reject_with(http::status status, std::string_view path_label,
                                 std::string_view step, std::string_view message,
                                 std::string_view uid, HttpResponse& response) {
  const int code = static_cast<int>(status);
  response.body().clear();
  encode_error_body(response.body(), code, step, message);
  set_text(response, status, kJsonContentType, path_label);
  metrics_.count_error(step);
  logger_.warn("request rejected", {{"path", path_label},
                                    {"code", code},
                                    {"step", step},
                                    {"error", message},
                                    {"uid", uid}});
}

}  // namespace tierguard::webhook
