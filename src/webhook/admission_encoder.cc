#include "webhook/admission_encoder.h"

#include <openssl/evp.h>
#include <rapidjson/writer.h>

#include "telemetry/json_output.h"

namespace tierguard::webhook {

namespace {
using Writer = rapidjson::Writer<telemetry::StringAppendStream>;

// Every string goes out as valid UTF-8, whatever bytes a client or the policy produced.
void write_string(Writer& writer, std::string_view s) {
  thread_local std::string scratch;
  s = telemetry::to_valid_utf8(s, scratch);
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

// Standard base64 with padding and no line breaks, as Kubernetes expects for `patch`.
void write_base64_string(Writer& writer, std::string_view data) {
  thread_local std::string encoded;
  encoded.resize(4 * ((data.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  write_string(writer, std::string_view(encoded.data(), static_cast<std::size_t>(n)));
}
}  // namespace

std::string_view status_reason_for(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 409: return "Conflict";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "";
  }
}

void encode_admission_review(std::string& out, std::string_view uid,
                             const AdmissionResponse& response) {
  telemetry::StringAppendStream stream(out);
  Writer writer(stream);
  writer.StartObject();
  writer.Key("apiVersion");
  writer.String("admission.k8s.io/v1");
  writer.Key("kind");
  writer.String("AdmissionReview");
  writer.Key("response");
  writer.StartObject();
  writer.Key("uid");
  write_string(writer, uid);
  writer.Key("allowed");
  writer.Bool(response.allowed);
  if (!response.allowed) {
    const int code = response.status_code != 0 ? response.status_code : 403;
    writer.Key("status");
    writer.StartObject();
    writer.Key("code");
    writer.Int(code);
    const std::string_view reason =
        response.status_reason.empty() ? status_reason_for(code) : response.status_reason;
    if (!reason.empty()) {
      writer.Key("reason");
      write_string(writer, reason);
    }
    if (!response.message.empty()) {
      writer.Key("message");
      write_string(writer, response.message);
    }
    writer.EndObject();
  }
  if (!response.warnings.empty()) {
    writer.Key("warnings");
    writer.StartArray();
    for (const auto& warning : response.warnings) write_string(writer, warning);
    writer.EndArray();
  }
  if (!response.audit_annotations.empty()) {
    writer.Key("auditAnnotations");
    writer.StartObject();
    for (const auto& [key, value] : response.audit_annotations) {
      write_string(writer, key);
      write_string(writer, value);
    }
    writer.EndObject();
  }
  if (!response.json_patch.empty()) {
    writer.Key("patchType");
    writer.String("JSONPatch");
    writer.Key("patch");
    write_base64_string(writer, response.json_patch);
  }
  writer.EndObject();
  writer.EndObject();
}

void encode_error_body(std::string& out, int code, std::string_view step,
                       std::string_view message) {
  telemetry::StringAppendStream stream(out);
  Writer writer(stream);
  writer.StartObject();
  writer.Key("error");
  write_string(writer, message);
  writer.Key("step");
  write_string(writer, step);
  writer.Key("code");
  writer.Int(code);
  writer.EndObject();
}

}  // namespace tierguard::webhook
