#include "webhook/request_handler.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "fake_reviewer.h"
#include "test_data.h"

namespace tierguard::webhook {
namespace {

namespace http = boost::beast::http;
using testing::FakeReviewer;
using testing::read_test_data;

std::chrono::steady_clock::time_point ticking_clock() {
  // Each call advances 7 µs: review latency is exactly 7 µs, with no sleeping.
  static thread_local std::chrono::steady_clock::time_point now{};
  now += std::chrono::microseconds(7);
  return now;
}

class RequestHandlerTest : public ::testing::Test {
 protected:
  HttpResponse serve(http::verb method, std::string target, std::string body,
                     std::string content_type = "application/json") {
    HttpRequest request{method, target, 11};
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    HttpResponse response;
    handler.handle(request, response, decoder);
    return response;
  }

  HttpResponse post_fixture(std::string target, const std::string& fixture) {
    return serve(http::verb::post, std::move(target), read_test_data(fixture));
  }

  static rapidjson::Document json(const HttpResponse& response) {
    rapidjson::Document doc;
    doc.Parse(response.body().c_str());
    EXPECT_FALSE(doc.HasParseError()) << response.body();
    return doc;
  }

  std::string with_namespace(const std::string& fixture, const std::string& ns) {
    std::string body = read_test_data(fixture);
    const std::string from = R"("namespace":"payments","operation")";
    auto at = body.find(from);
    EXPECT_NE(at, std::string::npos);
    body.replace(at, from.size(), R"("namespace":")" + ns + R"(","operation")");
    return body;
  }

  FakeReviewer reviewer;
  telemetry::Registry registry;
  WebhookMetrics metrics{registry};
  std::vector<std::string> log_lines;
  telemetry::Logger logger{telemetry::LogLevel::kInfo,
                           [this](std::string_view line) { log_lines.emplace_back(line); }};
  RequestHandler handler{reviewer, registry, metrics, logger, &ticking_clock};
  AdmissionReviewDecoder decoder;
};

TEST_F(RequestHandlerTest, AllowedPodEchoesUidAndReachesReviewerOnPodsRoute) {
  auto response = post_fixture("/validate/pods", "admission/pod-create.json");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  auto doc = json(response);
  EXPECT_STREQ(doc["apiVersion"].GetString(), "admission.k8s.io/v1");
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_TRUE(doc["response"]["allowed"].GetBool());
  auto seen = reviewer.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].route, Route::kPods);
  EXPECT_EQ(seen[0].kind, "Pod");
  EXPECT_TRUE(seen[0].has_object);
}

TEST_F(RequestHandlerTest, DeniedBindingIs200WithForbiddenStatusAndAuditAnnotations) {
  auto response = serve(http::verb::post, "/validate/rbac",
                        with_namespace("admission/rolebinding-create.json", "forbidden"));
  EXPECT_EQ(response.result(), http::status::ok);
  auto doc = json(response);
  EXPECT_FALSE(doc["response"]["allowed"].GetBool());
  EXPECT_EQ(doc["response"]["status"]["code"].GetInt(), 403);
  EXPECT_STREQ(doc["response"]["status"]["reason"].GetString(), "Forbidden");
  EXPECT_STREQ(doc["response"]["auditAnnotations"]["rule"].GetString(), "placement");
  EXPECT_EQ(reviewer.seen().at(0).route, Route::kRbac);
}

TEST_F(RequestHandlerTest, WarningsReachTheResponse) {
  auto response = serve(http::verb::post, "/validate/workloads",
                        with_namespace("admission/deployment-update.json", "warned"));
  auto doc = json(response);
  EXPECT_TRUE(doc["response"]["allowed"].GetBool());
  ASSERT_EQ(doc["response"]["warnings"].Size(), 1u);
  EXPECT_TRUE(reviewer.seen().at(0).has_old_object);
}

TEST_F(RequestHandlerTest, ReviewerExceptionBecomes500AdmissionReviewNotACrash) {
  auto response = serve(http::verb::post, "/validate/pods",
                        with_namespace("admission/pod-create.json", "explode"));
  EXPECT_EQ(response.result(), http::status::ok);
  auto doc = json(response);
  EXPECT_FALSE(doc["response"]["allowed"].GetBool());
  EXPECT_EQ(doc["response"]["status"]["code"].GetInt(), 500);
  EXPECT_NE(std::string(doc["response"]["status"]["message"].GetString())
                .find("state index corrupted"),
            std::string::npos);
  EXPECT_NE(registry.expose().find("tierguard_webhook_errors_total{step=\"review\"} 1"),
            std::string::npos);
}

TEST_F(RequestHandlerTest, MutatingRouteCarriesPatchValidatingRoutesNever) {
  auto mutated = post_fixture("/mutate/tierguard", "admission/pod-create.json");
  auto doc = json(mutated);
  EXPECT_STREQ(doc["response"]["patchType"].GetString(), "JSONPatch");
  auto validated = serve(http::verb::post, "/validate/pods",
                         with_namespace("admission/pod-create.json", "patch-anyway"));
  EXPECT_FALSE(json(validated)["response"].HasMember("patch"));
}

TEST_F(RequestHandlerTest, LogsOneInfoLinePerDecisionWithTheDocumentedFields) {
  serve(http::verb::post, "/validate/rbac",
        with_namespace("admission/rolebinding-create.json", "forbidden"));
  ASSERT_EQ(log_lines.size(), 1u);
  rapidjson::Document line;
  line.Parse(log_lines[0].c_str());
  ASSERT_FALSE(line.HasParseError());
  EXPECT_STREQ(line["level"].GetString(), "info");
  EXPECT_STREQ(line["uid"].GetString(), "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70");
  EXPECT_STREQ(line["kind"].GetString(), "RoleBinding");
  EXPECT_STREQ(line["namespace"].GetString(), "forbidden");
  EXPECT_STREQ(line["name"].GetString(), "payments-api-secrets-reader");
  EXPECT_STREQ(line["operation"].GetString(), "CREATE");
  EXPECT_STREQ(line["sa"].GetString(), "");
  EXPECT_STREQ(line["tier"].GetString(), "standard");
  EXPECT_FALSE(line["allowed"].GetBool());
  EXPECT_STREQ(line["route"].GetString(), "rbac");
  EXPECT_EQ(line["latency_us"].GetInt(), 7);
}

TEST_F(RequestHandlerTest, CountsDecisionsByResultAndTierAndObservesLatency) {
  post_fixture("/validate/pods", "admission/pod-create.json");
  serve(http::verb::post, "/validate/pods", with_namespace("admission/pod-create.json", "forbidden"));
  const std::string text = registry.expose();
  EXPECT_NE(text.find(R"(tierguard_webhook_decisions_total{route="pods",result="allowed",tier="standard"} 1)"),
            std::string::npos) << text;
  EXPECT_NE(text.find(R"(tierguard_webhook_decisions_total{route="pods",result="denied",tier="standard"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(tierguard_webhook_review_duration_seconds_bucket{route="pods",le="5e-05"} 2)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(tierguard_webhook_requests_total{path="/validate/pods",code="200"} 2)"),
            std::string::npos);
}

struct Rejection {
  const char* name;
  http::verb method;
  const char* target;
  std::string body;
  const char* content_type;
  http::status status;
  const char* step;
};

class RequestHandlerRejects : public RequestHandlerTest,
                              public ::testing::WithParamInterface<Rejection> {};

TEST_P(RequestHandlerRejects, WithAJsonErrorNamingTheStep) {
  const Rejection& r = GetParam();
  auto response = serve(r.method, r.target, r.body, r.content_type);
  EXPECT_EQ(response.result(), r.status) << response.body();
  EXPECT_EQ(response[http::field::content_type], "application/json");
  auto doc = json(response);
  EXPECT_STREQ(doc["step"].GetString(), r.step);
  EXPECT_EQ(doc["code"].GetInt(), static_cast<int>(r.status));
  EXPECT_TRUE(reviewer.seen().empty());
}

const std::string kPod = read_test_data("admission/pod-create.json");

INSTANTIATE_TEST_SUITE_P(
    BadRequests, RequestHandlerRejects,
    ::testing::Values(
        Rejection{"EmptyBody", http::verb::post, "/validate/pods", "", "application/json",
                  http::status::bad_request, "empty-body"},
        Rejection{"WrongContentType", http::verb::post, "/validate/pods", kPod, "text/plain",
                  http::status::unsupported_media_type, "content-type"},
        Rejection{"NoContentType", http::verb::post, "/validate/pods", kPod, "",
                  http::status::unsupported_media_type, "content-type"},
        Rejection{"TruncatedJson", http::verb::post, "/validate/pods", kPod.substr(0, 3000),
                  "application/json", http::status::bad_request, "json-syntax"},
        Rejection{"V1beta1", http::verb::post, "/validate/pods",
                  R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"})",
                  "application/json", http::status::bad_request, "envelope"},
        Rejection{"MissingUid", http::verb::post, "/validate/pods",
                  R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{}})",
                  "application/json", http::status::bad_request, "request-field"},
        Rejection{"GetOnAdmissionRoute", http::verb::get, "/validate/pods", "", "",
                  http::status::method_not_allowed, "method"},
        Rejection{"PostOnHealthz", http::verb::post, "/healthz", "", "",
                  http::status::method_not_allowed, "method"},
        Rejection{"UnknownPath", http::verb::post, "/validate/secrets", kPod, "application/json",
                  http::status::not_found, "route"}),
    [](const ::testing::TestParamInfo<Rejection>& param_info) { return std::string(param_info.param.name); });

TEST_F(RequestHandlerTest, AcceptsJsonContentTypeWithParametersAnyCase) {
  EXPECT_TRUE(RequestHandler::is_json_content_type("application/json"));
  EXPECT_TRUE(RequestHandler::is_json_content_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(RequestHandler::is_json_content_type(" application/json ;charset=UTF-8"));
  EXPECT_FALSE(RequestHandler::is_json_content_type("application/json-patch+json"));
  EXPECT_FALSE(RequestHandler::is_json_content_type("application/yaml"));
  EXPECT_FALSE(RequestHandler::is_json_content_type(""));
}

TEST_F(RequestHandlerTest, UnknownPathsShareOneMetricLabel) {
  serve(http::verb::get, "/a", "");
  serve(http::verb::get, "/b", "");
  EXPECT_NE(registry.expose().find(R"(tierguard_webhook_requests_total{path="other",code="404"} 2)"),
            std::string::npos);
}

TEST_F(RequestHandlerTest, HealthzAlwaysOkReadyzFollowsReviewer) {
  EXPECT_EQ(serve(http::verb::get, "/healthz", "", "").result(), http::status::ok);
  EXPECT_EQ(serve(http::verb::get, "/readyz", "", "").result(), http::status::ok);
  reviewer.set_ready(false);
  auto not_ready = serve(http::verb::get, "/readyz", "", "");
  EXPECT_EQ(not_ready.result(), http::status::service_unavailable);
  EXPECT_EQ(serve(http::verb::get, "/healthz", "", "").result(), http::status::ok);
  auto head = serve(http::verb::head, "/readyz", "", "");
  EXPECT_EQ(head.result(), http::status::service_unavailable);
  EXPECT_TRUE(head.body().empty());
}

TEST_F(RequestHandlerTest, ReadinessCheckThatThrowsMeansNotReady) {
  reviewer.set_ready_throws(true);
  EXPECT_EQ(serve(http::verb::get, "/readyz", "", "").result(), http::status::service_unavailable);
  EXPECT_NE(registry.expose().find(R"(tierguard_webhook_errors_total{step="readiness"} 1)"),
            std::string::npos);
}

TEST_F(RequestHandlerTest, MetricsEndpointServesPrometheusText) {
  post_fixture("/validate/pods", "admission/pod-create.json");
  auto response = serve(http::verb::get, "/metrics", "", "");
  EXPECT_EQ(response.result(), http::status::ok);
  EXPECT_EQ(response[http::field::content_type], telemetry::kPrometheusContentType);
  EXPECT_NE(response.body().find("# TYPE tierguard_webhook_review_duration_seconds histogram"),
            std::string::npos);
  EXPECT_NE(response.body().find(R"(tierguard_webhook_requests_total{path="/metrics",code="200"} 1)"),
            std::string::npos);
}

TEST_F(RequestHandlerTest, TransportRejectionIsCountedUnderItsPath) {
  HttpResponse response;
  handler.reject(http::status::payload_too_large, "body-limit", "body exceeds 7340032 bytes",
                 "/validate/pods", response);
  EXPECT_EQ(response.result(), http::status::payload_too_large);
  EXPECT_EQ(json(response)["step"], "body-limit");
  EXPECT_NE(registry.expose().find(R"(tierguard_webhook_requests_total{path="/validate/pods",code="413"} 1)"),
            std::string::npos);
}

}  // namespace
}  // namespace tierguard::webhook
