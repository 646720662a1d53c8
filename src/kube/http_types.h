#pragma once

#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tierguard::kube {

using Deadline = std::chrono::steady_clock::time_point;

// One HTTP exchange as the API client sees it; the transport adds Host and framing.
struct HttpRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // origin-form: path (with the server's base path) + query
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // Authorization, Accept, ...
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;  // raw Retry-After header, "" when absent
};

// Socket-level limits. Every wait on the network is bounded by one of these.
struct TransportOptions {
  std::chrono::milliseconds connect_timeout{10'000};    // TCP connect (and DNS)
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS handshake
  std::chrono::milliseconds write_timeout{30'000};      // sending one request
  std::chrono::milliseconds read_timeout{30'000};       // silence between response bytes
  std::size_t max_header_bytes = 64u << 10;             // response header block
  std::size_t max_body_bytes = 256u << 20;              // one buffered response (a LIST page)
  std::size_t max_connections = 8;                      // concurrent non-watch requests per client
  std::chrono::milliseconds idle_expiry{30'000};        // keep-alive reuse window (< server's)
};

}  // namespace tierguard::kube
