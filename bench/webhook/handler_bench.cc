// Times RequestHandler::handle on a real AdmissionReview, with the allow-all reviewer, the
// decision log line formatted into a discarding sink (or written to /dev/null with
// --log-to-devnull), and metrics on. Prints µs per review for each stage.
//
//   build/release/bench/webhook/tierguard_webhook_handler_bench [iterations] [review.json]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "webhook/admission_decoder.h"
#include "webhook/admission_encoder.h"
#include "webhook/allow_all_reviewer.h"
#include "webhook/request_handler.h"
#include "webhook/webhook_metrics.h"

namespace {
using namespace tierguard;
using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

template <typename F>
double micros_per_call(int iterations, F&& f) {
  const auto start = Clock::now();
  for (int i = 0; i < iterations; ++i) f();
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / iterations;
}
}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 200000;
  const std::string path =
      argc > 2 ? argv[2] : std::string(TIERGUARD_TEST_DATA_DIR) + "/admission/pod-create.json";
  const std::string review = read_file(path);
  if (review.empty()) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }

  webhook::AdmissionReviewDecoder decoder;
  std::string body;
  webhook::AdmissionRequest request;
  const double decode_us = micros_per_call(iterations, [&] {
    body.assign(review);
    if (decoder.decode(body, request)) std::abort();
  });
  const double copy_us = micros_per_call(iterations, [&] { body.assign(review); });

  std::string out;
  const auto allow = webhook::AdmissionResponse::allow();
  const double encode_us = micros_per_call(iterations, [&] {
    out.clear();
    webhook::encode_admission_review(out, request.uid, allow);
  });

  auto reviewer = webhook::make_allow_all_reviewer();
  telemetry::Registry registry;
  webhook::WebhookMetrics metrics(registry);
  std::size_t log_bytes = 0;
  telemetry::Logger logger(telemetry::LogLevel::kInfo,
                           [&](std::string_view line) { log_bytes += line.size(); });
  webhook::RequestHandler handler(*reviewer, registry, metrics, logger);
  webhook::HttpRequest http_request{boost::beast::http::verb::post, "/validate/pods", 11};
  http_request.set(boost::beast::http::field::content_type, "application/json");
  webhook::HttpResponse response;
  const double handle_us = micros_per_call(iterations, [&] {
    http_request.body().assign(review);
    response.body().clear();
    handler.handle(http_request, response, decoder);
  });
  logger.set_level(telemetry::LogLevel::kWarn);
  const double handle_nolog_us = micros_per_call(iterations, [&] {
    http_request.body().assign(review);
    response.body().clear();
    handler.handle(http_request, response, decoder);
  });

  std::printf("review: %s (%zu bytes), %d iterations\n", path.c_str(), review.size(), iterations);
  std::printf("decode (parse in place + read fields): %6.2f µs  (incl. %.2f µs body copy)\n",
              decode_us - copy_us, copy_us);
  std::printf("encode response:                       %6.2f µs\n", encode_us);
  std::printf("handle (route, decode, review, encode, metrics, log line): %6.2f µs\n",
              handle_us - copy_us);
  std::printf("handle without the log line:           %6.2f µs\n", handle_nolog_us - copy_us);
  std::printf("(log bytes formatted: %zu)\n", log_bytes);
  return 0;
}
