#include "kube/connection.h"

#include <poll.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "kube/error.h"
#include "kube/tls.h"

namespace tierguard::kube {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error io_error(std::string_view step, const error_code& ec) {
  ErrorKind kind = kind_of(ec, ErrorKind::kTransport);
  std::string detail = ec.message();
  if (ec == http::error::body_limit || ec == http::error::header_limit ||
      ec == http::error::buffer_overflow) {
    kind = ErrorKind::kTooLarge;
  } else if (ec == http::error::end_of_stream) {
    detail = "connection closed by the server";
  } else if (ec == http::error::partial_message) {
    detail = "connection closed mid-response (truncated)";
  } else if (ec == asio::ssl::error::stream_truncated) {
    detail = "TLS stream truncated (connection closed without close_notify)";
  } else if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
    kind = ErrorKind::kProtocol;
  } else if (ec.category() == asio::error::get_ssl_category()) {
    kind = ErrorKind::kTls;
  }
  return Error(kind, std::string(step) + ": " + detail);
}

template <class Stream>
class StreamConnection final : public Connection {
 public:
  template <class... Args>
  explicit StreamConnection(Args&&... args) : stream_(std::forward<Args>(args)...) {}

  Stream& stream() { return stream_; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<void> write(WireRequest& request, std::chrono::milliseconds timeout) override {
    lowest().expires_after(timeout);
    error_code ec;
    co_await http::async_write(stream_, request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw io_error("send request", ec);
  }

  asio::awaitable<void> read_header(ResponseParser& parser,
                                    std::chrono::milliseconds timeout) override {
    lowest().expires_after(timeout);
    error_code ec;
    co_await http::async_read_header(stream_, buffer_, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw io_error("read response header", ec);
  }

  asio::awaitable<void> read_some(ResponseParser& parser,
                                  std::chrono::milliseconds timeout) override {
    lowest().expires_after(timeout);
    error_code ec;
    co_await http::async_read_some(stream_, buffer_, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) throw io_error("read response body", ec);
  }

  void close() override {
    error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  bool reusable() override {
    if (!lowest().socket().is_open() || buffer_.size() != 0) return false;
    // An idle HTTP/1.1 connection has nothing to read; readable means EOF, reset or junk.
    pollfd pfd{lowest().socket().native_handle(), POLLIN, 0};
    return ::poll(&pfd, 1, 0) == 0;
  }

 private:
  Stream stream_;
  beast::flat_buffer buffer_;
};

using PlainConnection = StreamConnection<beast::tcp_stream>;
using TlsConnection = StreamConnection<asio::ssl::stream<beast::tcp_stream>>;

asio::awaitable<std::vector<tcp::endpoint>> resolve(const Endpoint& endpoint,
                                                    std::chrono::milliseconds timeout) {
  using namespace asio::experimental::awaitable_operators;
  auto ex = co_await asio::this_coro::executor;
  const std::string where = endpoint.host + ":" + endpoint.port;
  error_code ec;
  const auto address = asio::ip::make_address(endpoint.host, ec);
  unsigned long port = 0;
  try {
    port = std::stoul(endpoint.port);
  } catch (const std::exception&) {
    throw Error(ErrorKind::kConfig, "connect " + where + ": bad port");
  }
  if (!ec) co_return std::vector<tcp::endpoint>{{address, static_cast<unsigned short>(port)}};
  tcp::resolver resolver(ex);
  asio::steady_timer timer(ex, timeout);
  ec = {};
  auto result = co_await (resolver.async_resolve(endpoint.host, endpoint.port,
                                                 asio::redirect_error(asio::use_awaitable, ec)) ||
                          timer.async_wait(asio::use_awaitable));
  if (result.index() == 1) throw Error(ErrorKind::kTimeout, "resolve " + where + ": timed out");
  if (ec) throw io_error("resolve " + where, ec);
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : std::get<0>(result)) endpoints.push_back(entry.endpoint());
  if (endpoints.empty()) throw Error(ErrorKind::kTransport, "resolve " + where + ": no address");
  co_return endpoints;
}

}  // namespace

asio::awaitable<std::unique_ptr<Connection>> connect(const Endpoint& endpoint,
                                                     const TransportOptions& options) {
  const std::string where = endpoint.host + ":" + endpoint.port;
  const auto endpoints = co_await resolve(endpoint, options.connect_timeout);
  beast::tcp_stream tcp(co_await asio::this_coro::executor);
  tcp.expires_after(options.connect_timeout);
  error_code ec;
  co_await tcp.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) throw io_error("connect " + where, ec);
  tcp.socket().set_option(tcp::no_delay(true), ec);
  if (!endpoint.tls) co_return std::make_unique<PlainConnection>(std::move(tcp));

  auto conn = std::make_unique<TlsConnection>(std::move(tcp), *endpoint.tls_context);
  configure_tls_peer(conn->stream().native_handle(), endpoint.tls_config, endpoint.host);
  conn->lowest().expires_after(options.handshake_timeout);
  co_await conn->stream().async_handshake(asio::ssl::stream_base::client,
                                          asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    const std::string verdict = tls_verify_failure(conn->stream().native_handle());
    Error error = io_error("TLS handshake with " + where, ec);
    if (error.kind() == ErrorKind::kTransport) error = Error(ErrorKind::kTls, error.what());
    if (!verdict.empty())
      throw Error(error.kind(), std::string(error.what()) + " (" + verdict + ")");
    throw error;
  }
  co_return conn;
}

}  // namespace tierguard::kube
