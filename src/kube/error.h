#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tierguard::kube {

// What went wrong, independent of which step it happened in. API kinds mirror the
// Kubernetes `Status` reasons that callers branch on.
enum class ErrorKind {
  kConfig,           // kubeconfig / in-cluster configuration unusable
  kTransport,        // DNS, TCP, connection reset/closed
  kTimeout,          // a connect/handshake/write/read deadline passed
  kTls,              // handshake or certificate verification failed
  kProtocol,         // malformed HTTP from the peer
  kTooLarge,         // response body, header or watch event above its limit
  kDecode,           // JSON that is not what the API promises
  kBadRequest,       // 400
  kUnauthorized,     // 401
  kForbidden,        // 403
  kNotFound,         // 404
  kConflict,         // 409 (optimistic concurrency)
  kAlreadyExists,    // 409 with reason AlreadyExists
  kGone,             // 410: resourceVersion or continue token expired
  kInvalid,          // 422
  kTooManyRequests,  // 429
  kServer,           // 5xx
  kApi,              // any other non-2xx status
  kCancelled,        // the caller stopped the operation
};

std::string_view to_string(ErrorKind kind);

// The one error type of src/kube. what() reads as a chain of steps ending in the cause,
// e.g. "watch roles.rbac.authorization.k8s.io: decode event: missing \"type\"".
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message);

  ErrorKind kind() const { return kind_; }
  // HTTP status of the API response, 0 when there was none.
  int http_status() const { return http_status_; }
  // Status.reason and Status.message from the API body, when present.
  const std::string& reason() const { return reason_; }
  const std::string& api_message() const { return api_message_; }
  // Retry-After of a 429/5xx response.
  std::optional<std::chrono::seconds> retry_after() const { return retry_after_; }
  // Transport errors: whether request bytes may have reached the server.
  bool request_sent() const { return request_sent_; }

  Error& with_http(int status, std::string reason, std::string api_message);
  Error& with_retry_after(std::optional<std::chrono::seconds> value);
  Error& with_request_sent(bool sent);

  // A copy whose message is prefixed with "step: ", keeping every field.
  Error context(std::string_view step) const;

  bool is_not_found() const { return kind_ == ErrorKind::kNotFound; }
  bool is_conflict() const { return kind_ == ErrorKind::kConflict; }
  bool is_gone() const { return kind_ == ErrorKind::kGone; }

 private:
  Error(const Error& base, const std::string& message);

  ErrorKind kind_;
  int http_status_ = 0;
  std::string reason_;
  std::string api_message_;
  std::optional<std::chrono::seconds> retry_after_;
  bool request_sent_ = false;
};

// Classifies an Asio/Beast error code: cancelled, timeout, else `fallback`.
ErrorKind kind_of(const boost::system::error_code& ec, ErrorKind fallback);

// Inside a catch block: rethrows the current exception as an Error prefixed with `step`.
// Non-Error exceptions become kind `fallback` carrying their what().
[[noreturn]] void rethrow_with_context(std::string_view step,
                                       ErrorKind fallback = ErrorKind::kTransport);

}  // namespace tierguard::kube
