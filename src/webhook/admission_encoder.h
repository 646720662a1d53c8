#pragma once

// Encodes the JSON bodies the webhook sends: the AdmissionReview v1 response, and the small
// error object of an HTTP-level rejection (400/404/405/413/415).

#include <string>
#include <string_view>

#include "webhook/admission_response.h"

namespace tierguard::webhook {

// Appends {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{…}} to `out`.
// A denial carries status {code, reason, message}; warnings, auditAnnotations and
// patch/patchType (base64 JSON Patch) appear only when non-empty.
void encode_admission_review(std::string& out, std::string_view uid,
                             const AdmissionResponse& response);

// Appends {"error":message,"step":step,"code":code} to `out`.
void encode_error_body(std::string& out, int code, std::string_view step,
                       std::string_view message);

// The metav1.StatusReason for an HTTP status code a reviewer chose ("Forbidden", …).
std::string_view status_reason_for(int code);

}  // namespace tierguard::webhook
