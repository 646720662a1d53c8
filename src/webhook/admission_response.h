#pragma once

// A reviewer's answer to one AdmissionRequest, before it is encoded as AdmissionReview v1.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tierguard::webhook {

struct AdmissionResponse {
  bool allowed = false;
  // metav1.Status on denial. 0 means "derive": 403 Forbidden for a denial.
  std::int32_t status_code = 0;
  std::string status_reason;  // "" means derived from status_code (Forbidden, InternalError…)
  std::string message;        // shown to the kubectl user on denial
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, std::string>> audit_annotations;
  // An RFC 6902 JSON Patch document (plain JSON, not base64). Only the mutating route may
  // carry one; "" means no patch.
  std::string json_patch;
  // For logs and metrics only (not sent to the apiserver).
  std::string tier;             // "" when no tier applies
  std::string service_account;  // "namespace/name", "" when none

  static AdmissionResponse allow() {
    AdmissionResponse response;
    response.allowed = true;
    return response;
  }
  static AdmissionResponse deny(std::string message, std::int32_t code = 403) {
    AdmissionResponse response;
    response.status_code = code;
    response.message = std::move(message);
    return response;
  }
};

}  // namespace tierguard::webhook
