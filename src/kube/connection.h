#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "kube/config.h"
#include "kube/http_types.h"

namespace tierguard::kube {

using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;
using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;

// One HTTP/1.1 connection (plain TCP or TLS). Each operation takes its own timeout; a
// timed-out or failed connection is closed and must be discarded. Errors are Error with
// kind kTimeout, kTls, kProtocol, kTooLarge, kCancelled or kTransport.
class Connection {
 public:
  virtual ~Connection() = default;

  virtual boost::asio::awaitable<void> write(WireRequest& request,
                                             std::chrono::milliseconds timeout) = 0;
  virtual boost::asio::awaitable<void> read_header(ResponseParser& parser,
                                                   std::chrono::milliseconds timeout) = 0;
  // Reads some body bytes into the parser's buffer_body; returns when any arrived.
  virtual boost::asio::awaitable<void> read_some(ResponseParser& parser,
                                                 std::chrono::milliseconds timeout) = 0;
  // Abortive close; safe at any time, including with an operation pending.
  virtual void close() = 0;
  // For an idle keep-alive connection: still open and nothing unexpected to read.
  virtual bool reusable() = 0;

  std::chrono::steady_clock::time_point idle_since{};
};

// Where connections go: from Config, plus the TLS context built once per client.
struct Endpoint {
  std::string host;  // without IPv6 brackets
  std::string port;
  bool tls = true;
  TlsConfig tls_config;
  std::shared_ptr<boost::asio::ssl::context> tls_context;  // null for plain HTTP
};

// Resolves, connects and (for TLS) handshakes, each step bounded by `options`.
boost::asio::awaitable<std::unique_ptr<Connection>> connect(const Endpoint& endpoint,
                                                            const TransportOptions& options);

}  // namespace tierguard::kube
