#include "kube/retry.h"

#include <charconv>

namespace tierguard::kube {

namespace http = boost::beast::http;

bool is_idempotent(http::verb method) {
  return method == http::verb::get || method == http::verb::head || method == http::verb::put ||
         method == http::verb::delete_;
}

bool should_retry_status(unsigned status, http::verb method, bool has_retry_after) {
  if (status == 429) return true;
  if (status >= 500 && status <= 599) return is_idempotent(method) || has_retry_after;
  return false;
}

bool should_retry_error(const Error& error, http::verb method) {
  switch (error.kind()) {
    case ErrorKind::kTransport:
    case ErrorKind::kTimeout:
      return !error.request_sent() || is_idempotent(method);
    default:
      return false;
  }
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 9) return std::nullopt;
  long seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return std::nullopt;
  return std::chrono::seconds(seconds);
}

}  // namespace tierguard::kube
