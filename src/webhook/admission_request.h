#pragma once

// The decoded view of an AdmissionReview v1 request (admission.k8s.io/v1).
//
// Every string_view and Value pointer points into the JSON document the decoder parsed in
// place from the HTTP body: nothing is copied, and nothing outlives the request being served.
// Reviewers must not keep any of it after review() returns.

#include <rapidjson/document.h>

#include <string_view>
#include <vector>

namespace tierguard::webhook {

struct GroupVersionKind {
  std::string_view group;  // "" for the core group
  std::string_view version;
  std::string_view kind;
};

struct GroupVersionResource {
  std::string_view group;
  std::string_view version;
  std::string_view resource;
};

struct UserInfo {
  std::string_view username;  // e.g. "system:serviceaccount:ns:name" or "alice@example.com"
  std::string_view uid;
  std::vector<std::string_view> groups;
  const rapidjson::Value* extra = nullptr;  // object of string arrays, or nullptr when absent
};

enum class Operation { kCreate, kUpdate, kDelete, kConnect };
std::string_view operation_name(Operation operation);  // "CREATE", …

struct AdmissionRequest {
  std::string_view uid;  // echoed in the response; never empty once decoded
  GroupVersionKind kind;
  GroupVersionResource resource;
  std::string_view sub_resource;  // "" unless e.g. "exec", "status"
  std::string_view name;          // may be "" on CREATE with generateName
  std::string_view namespace_name;
  Operation operation = Operation::kCreate;
  UserInfo user_info;
  const rapidjson::Value* object = nullptr;      // nullptr on DELETE (and when null)
  const rapidjson::Value* old_object = nullptr;  // nullptr on CREATE/CONNECT (and when null)
  bool dry_run = false;
};

}  // namespace tierguard::webhook
