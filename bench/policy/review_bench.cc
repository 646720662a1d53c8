// Times the policy part of an admission review, in process: decoding the object out of an
// AdmissionReview and deciding it against a state loaded from manifests. No sockets, no TLS,
// no AdmissionReview envelope (bench/webhook measures those).
//
//   build/release/bench/policy/tierguard_policy_review_bench [iterations] [review.json] [state files...]
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "state/manifest_state.h"
#include "state/object_review.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "webhook/admission_decoder.h"
#include "webhook/allow_all_reviewer.h"
#include "webhook/policy_reviewer.h"
#include "webhook/request_handler.h"
#include "webhook/webhook_metrics.h"

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

double micros_per(Clock::duration d, int n) {
  return std::chrono::duration<double, std::micro>(d).count() / n;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tierguard;
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
  const std::string source = TIERGUARD_SOURCE_DIR;
  const std::string review_path = argc > 2 ? argv[2] : source + "/tests/data/admission/pod-create.json";
  std::vector<std::string> state_paths;
  for (int i = 3; i < argc; ++i) state_paths.emplace_back(argv[i]);
  if (state_paths.empty()) state_paths = {source + "/examples/tiers.yaml", source + "/bench/webhook/state.yaml"};
  if (iterations <= 0) {
    std::fprintf(stderr, "iterations must be positive\n");
    return 2;
  }

  const auto snapshot = state::load_snapshot(state_paths);
  const std::string text = read_file(review_path);
  rapidjson::Document review;
  review.Parse(text.c_str(), text.size());
  if (review.HasParseError() || !review.HasMember("request")) {
    std::fprintf(stderr, "%s: not an AdmissionReview\n", review_path.c_str());
    return 2;
  }
  const auto& request = review["request"];
  const rapidjson::Value& object = request["object"];
  const std::string ns = request["namespace"].GetString();

  const policy::PolicyOptions options;
  policy::ReviewContext context;
  context.requester.username = "system:serviceaccount:kube-system:replicaset-controller";

  // Warm up, and show the decision being timed.
  auto decoded = state::decode_object(object);
  if (auto* w = std::get_if<policy::Workload>(&decoded.value)) w->namespace_name = ns;
  const auto decision = state::review_object(*snapshot, decoded, context, options);
  std::printf("decision: %s, tier %s, service account %s\n", decision->allowed ? "allowed" : "denied",
              decision->tier.c_str(), decision->service_account.c_str());

  auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) {
    auto d = state::decode_object(object);
    if (d.header.name.empty()) std::abort();
  }
  const auto decode_time = Clock::now() - start;

  start = Clock::now();
  size_t allowed = 0;
  for (int i = 0; i < iterations; ++i) {
    allowed += state::review_object(*snapshot, decoded, context, options)->allowed ? 1 : 0;
  }
  const auto review_time = Clock::now() - start;
  if (allowed != (decision->allowed ? static_cast<size_t>(iterations) : 0)) std::abort();

  // The whole request handler (route, AdmissionReview decode, review, encode, metrics, log
  // line formatted into a discarding sink) with the allow-all and the policy reviewer.
  const auto handle = [&](webhook::Reviewer& reviewer) {
    telemetry::Registry registry;
    webhook::WebhookMetrics metrics(registry);
    telemetry::Logger logger(telemetry::LogLevel::kInfo, [](std::string_view) {});
    webhook::RequestHandler handler(reviewer, registry, metrics, logger);
    webhook::AdmissionReviewDecoder decoder;
    webhook::HttpRequest http_request{boost::beast::http::verb::post, "/validate/pods", 11};
    http_request.set(boost::beast::http::field::content_type, "application/json");
    webhook::HttpResponse response;
    const auto t0 = Clock::now();
    for (int i = 0; i < iterations; ++i) {
      http_request.body().assign(text);
      response.body().clear();
      handler.handle(http_request, response, decoder);
    }
    return Clock::now() - t0;
  };
  auto allow_all = webhook::make_allow_all_reviewer();
  const auto allow_all_time = handle(*allow_all);
  auto live = std::make_shared<state::LiveState>(state::load_snapshot(state_paths));
  live->set_ready(true);
  webhook::PolicyReviewer policy_reviewer(live, options);
  const auto policy_time = handle(policy_reviewer);

  std::printf("decode object:  %.2f us\n", micros_per(decode_time, iterations));
  std::printf("review:         %.2f us\n", micros_per(review_time, iterations));
  std::printf("total policy:   %.2f us per admission review (%d iterations)\n",
              micros_per(decode_time + review_time, iterations), iterations);
  std::printf("request handler, allow-all reviewer: %.2f us\n", micros_per(allow_all_time, iterations));
  std::printf("request handler, policy reviewer:    %.2f us\n", micros_per(policy_time, iterations));
  return 0;
}
