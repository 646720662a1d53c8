#pragma once

// Decodes an AdmissionReview v1 body into an AdmissionRequest.
//
// The body is parsed once, in place (RapidJSON in-situ: string values are unescaped inside the
// body's own bytes), with a nesting-depth limit that stops the parser's recursion, so hostile
// input can neither overflow the stack nor make later tree walks deep. Strings are not
// UTF-8-validated here: writers sanitise what they emit (telemetry::to_valid_utf8). Memory for the parse tree comes
// from pools the decoder keeps between calls: a decoder serves many reviews without growing.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "webhook/admission_request.h"

namespace tierguard::webhook {

// The step of decoding that rejected the body.
enum class DecodeStep {
  kEmptyBody,      // no bytes at all
  kJsonSyntax,     // not JSON (truncated, trailing bytes, NUL byte…)
  kNestingDepth,   // nested deeper than kMaxJsonNestingDepth
  kEnvelope,       // not an object, or apiVersion/kind not admission.k8s.io/v1 AdmissionReview
  kRequestField,   // request or one of its fields missing, of the wrong type or out of range
};
std::string_view decode_step_name(DecodeStep step);  // "empty-body", "json-syntax", …

struct DecodeError {
  DecodeStep step;
  std::string message;  // names the field or the byte offset that failed
};

inline constexpr std::size_t kMaxJsonNestingDepth = 256;
inline constexpr std::size_t kMaxUidLength = 256;
inline constexpr std::size_t kMaxNameLength = 253;  // DNS subdomain, the longest k8s name

class AdmissionReviewDecoder {
 public:
  AdmissionReviewDecoder();
  ~AdmissionReviewDecoder();
  AdmissionReviewDecoder(const AdmissionReviewDecoder&) = delete;
  AdmissionReviewDecoder& operator=(const AdmissionReviewDecoder&) = delete;

  // Decodes `body` (overwriting its bytes) into `request`. On success the request's views and
  // pointers stay valid until the next decode() and while `body` is neither changed nor freed.
  // On failure `request` is unspecified.
  std::optional<DecodeError> decode(std::string& body, AdmissionRequest& request);

  // The uid of the last body decoded, when the envelope got that far ("" otherwise); lets the
  // caller echo it in logs even for a rejected review.
  std::string_view last_uid() const { return last_uid_; }

 private:
  struct Pools;
  std::unique_ptr<Pools> pools_;
  std::string_view last_uid_;
};

}  // namespace tierguard::webhook
