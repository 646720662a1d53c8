// libFuzzer target: arbitrary bytes as the body of an AdmissionReview POST. The decoder and the
// whole request handler must never crash, hang or emit invalid JSON; a decoded request must
// satisfy the decoder's contract (non-empty uid within its limit, uid echoed in the answer).

#include <rapidjson/document.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "webhook/admission_decoder.h"
#include "webhook/admission_encoder.h"
#include "webhook/allow_all_reviewer.h"
#include "webhook/request_handler.h"

namespace {
using namespace tierguard;

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_valid_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.c_str(), text.size());
  return !doc.HasParseError();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static webhook::AdmissionReviewDecoder decoder;
  static auto reviewer = webhook::make_allow_all_reviewer();
  static telemetry::Registry registry;
  static webhook::WebhookMetrics metrics(registry);
  static telemetry::Logger logger(telemetry::LogLevel::kDebug, [](std::string_view line) {
    require(is_valid_json(std::string(line)));
  });
  static webhook::RequestHandler handler(*reviewer, registry, metrics, logger);

  const std::string input(reinterpret_cast<const char*>(data), size);

  std::string body = input;
  webhook::AdmissionRequest request;
  if (!decoder.decode(body, request)) {
    require(!request.uid.empty() && request.uid.size() <= webhook::kMaxUidLength);
    std::string out;
    auto response = webhook::AdmissionResponse::deny(std::string(request.name));
    response.warnings.emplace_back(request.namespace_name);
    webhook::encode_admission_review(out, request.uid, response);
    require(is_valid_json(out));
  }

  webhook::HttpRequest http_request{boost::beast::http::verb::post, "/validate/pods", 11};
  http_request.set(boost::beast::http::field::content_type, "application/json");
  http_request.body() = input;
  webhook::HttpResponse http_response;
  handler.handle(http_request, http_response, decoder);
  const unsigned status = http_response.result_int();
  require(status == 200 || status == 400);
  require(is_valid_json(http_response.body()));
  return 0;
}
