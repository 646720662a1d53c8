#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <optional>
#include <string_view>

#include "kube/backoff.h"
#include "kube/error.h"

namespace tierguard::kube {

// How the client retries one call. Defaults: 5 attempts, 250ms doubling to at most 8s,
// ±20% jitter (worst case ~15s of waiting), Retry-After honoured up to 30s.
struct RetryPolicy {
  int max_attempts = 5;
  BackoffPolicy backoff{std::chrono::milliseconds(250), std::chrono::milliseconds(8'000), 2.0, 0.2};
  std::chrono::seconds max_retry_after{30};
};

// GET, HEAD, PUT, DELETE: repeating them cannot do more than the first attempt did (PUT
// carries resourceVersion; a repeated DELETE answers 404). POST and PATCH are not.
bool is_idempotent(boost::beast::http::verb method);

// Whether a response status warrants another attempt:
//   429 always (the apiserver's flow control rejected it before doing anything);
//   5xx for idempotent methods, and for the others only when the server sent Retry-After.
bool should_retry_status(unsigned status, boost::beast::http::verb method, bool has_retry_after);

// Whether a failed attempt (no response) warrants another: connection/timeout errors when
// the request never left (connect, TLS to a restarting server excluded) or is idempotent.
bool should_retry_error(const Error& error, boost::beast::http::verb method);

// Retry-After in seconds (the form the apiserver sends); nullopt when absent or malformed.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value);

}  // namespace tierguard::kube
