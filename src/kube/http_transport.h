#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "kube/config.h"
#include "kube/connection.h"
#include "kube/connection_pool.h"
#include "kube/http_types.h"

namespace tierguard::kube {

// A response whose body is consumed incrementally (watch streams). Owns its connection,
// which is never returned to the pool.
class ResponseStream {
 public:
  ResponseStream(std::unique_ptr<Connection> connection, std::unique_ptr<ResponseParser> parser,
                 std::string retry_after);
  ~ResponseStream();

  unsigned status() const;
  const std::string& retry_after() const { return retry_after_; }
  // The next piece of body (valid until the next call); empty at the end of the body.
  // `idle_timeout` bounds the silence before it; Error on drop, truncation, timeout.
  boost::asio::awaitable<std::string_view> read_some(std::chrono::milliseconds idle_timeout);
  // Reads the rest of a (small, error) body up to `limit` bytes.
  boost::asio::awaitable<std::string> read_all(std::size_t limit,
                                               std::chrono::milliseconds idle_timeout);
  void close();

 private:
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<ResponseParser> parser_;
  std::string retry_after_;
  std::unique_ptr<char[]> buffer_;
};

// HTTP/1.1 client for one API server: pooled keep-alive connections for ordinary requests,
// dedicated connections for streams. Not thread-safe: use from one executor (strand).
class HttpTransport {
 public:
  // Throws Error(kConfig) when the TLS material does not load.
  HttpTransport(boost::asio::any_io_executor executor, const Config& config,
                TransportOptions options);

  // One buffered exchange, bounded by the per-step timeouts and by `deadline`.
  boost::asio::awaitable<HttpResponse> send(const HttpRequest& request, Deadline deadline);
  // Sends the request on a fresh connection and returns once the header arrived.
  boost::asio::awaitable<std::unique_ptr<ResponseStream>> open_stream(const HttpRequest& request,
                                                                      Deadline deadline);

  const TransportOptions& options() const { return options_; }
  const ConnectionPool& pool() const { return pool_; }
  const boost::asio::any_io_executor& executor() const { return executor_; }

 private:
  WireRequest to_wire(const HttpRequest& request) const;

  boost::asio::any_io_executor executor_;
  Endpoint endpoint_;
  std::string host_header_;
  std::string base_path_;
  TransportOptions options_;
  ConnectionPool pool_;
};

}  // namespace tierguard::kube
