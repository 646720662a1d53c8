#include "kube/http_transport.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include "kube/error.h"
#include "kube/tls.h"

namespace tierguard::kube {
namespace {

namespace http = boost::beast::http;
constexpr std::size_t kReadChunk = 64u << 10;

// The per-step timeout, shortened to what is left before the request's deadline.
std::chrono::milliseconds bounded(std::chrono::milliseconds step, Deadline deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds::zero()) {
    throw Error(ErrorKind::kTimeout, "request deadline exceeded");
  }
  return std::min(step, left);
}

std::string host_header(const Config& config) {
  const bool ipv6 = config.host.find(':') != std::string::npos;
  std::string host = ipv6 ? "[" + config.host + "]" : config.host;
  const bool default_port =
      (config.is_tls() && config.port == "443") || (!config.is_tls() && config.port == "80");
  if (!default_port) host += ":" + config.port;
  return host;
}

void prepare_parser(ResponseParser& parser, const TransportOptions& options) {
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
}

}  // namespace

ResponseStream::ResponseStream(std::unique_ptr<Connection> connection,
                               std::unique_ptr<ResponseParser> parser, std::string retry_after)
    : connection_(std::move(connection)),
      parser_(std::move(parser)),
      retry_after_(std::move(retry_after)),
      buffer_(std::make_unique<char[]>(kReadChunk)) {}

ResponseStream::~ResponseStream() {
  close();
}

unsigned ResponseStream::status() const {
  return parser_->get().result_int();
}

boost::asio::awaitable<std::string_view> ResponseStream::read_some(
    std::chrono::milliseconds idle_timeout) {
  if (!connection_) throw Error(ErrorKind::kCancelled, "stream closed");
  while (!parser_->is_done()) {
    parser_->get().body().data = buffer_.get();
    parser_->get().body().size = kReadChunk;
    co_await connection_->read_some(*parser_, idle_timeout);
    const std::size_t n = kReadChunk - parser_->get().body().size;
    if (n > 0) co_return std::string_view(buffer_.get(), n);
  }
  co_return std::string_view{};
}

boost::asio::awaitable<std::string> ResponseStream::read_all(
    std::size_t limit, std::chrono::milliseconds idle_timeout) {
  std::string body;
  for (;;) {
    const std::string_view piece = co_await read_some(idle_timeout);
    if (piece.empty()) break;
    if (body.size() + piece.size() > limit) {
      throw Error(ErrorKind::kTooLarge,
                  "response body exceeds " + std::to_string(limit) + " bytes");
    }
    body.append(piece);
  }
  co_return body;
}

void ResponseStream::close() {
  if (connection_) connection_->close();
}

HttpTransport::HttpTransport(boost::asio::any_io_executor executor, const Config& config,
                             TransportOptions options)
    : executor_(executor),
      host_header_(host_header(config)),
      base_path_(config.base_path),
      options_(options),
      pool_(executor, options.max_connections, options.idle_expiry) {
  endpoint_.host = config.host;
  endpoint_.port = config.port;
  endpoint_.tls = config.is_tls();
  endpoint_.tls_config = config.tls;
  if (endpoint_.tls) endpoint_.tls_context = make_tls_context(config.tls);
}

WireRequest HttpTransport::to_wire(const HttpRequest& request) const {
  WireRequest wire(request.method, base_path_ + request.target, 11);
  wire.set(http::field::host, host_header_);
  for (const auto& [name, value] : request.headers) wire.set(name, value);
  if (!request.content_type.empty()) wire.set(http::field::content_type, request.content_type);
  wire.body() = request.body;
  wire.prepare_payload();
  return wire;
}

boost::asio::awaitable<HttpResponse> HttpTransport::send(const HttpRequest& request,
                                                         Deadline deadline) {
  auto slot = co_await pool_.acquire(deadline);
  std::unique_ptr<Connection> connection = pool_.take_idle();
  if (!connection) {
    TransportOptions step = options_;
    step.connect_timeout = bounded(options_.connect_timeout, deadline);
    step.handshake_timeout = bounded(options_.handshake_timeout, deadline);
    connection = co_await connect(endpoint_, step);
  }
  WireRequest wire = to_wire(request);
  try {
    co_await connection->write(wire, bounded(options_.write_timeout, deadline));
  } catch (...) {
    connection->close();
    throw;
  }
  ResponseParser parser;
  prepare_parser(parser, options_);
  parser.body_limit(options_.max_body_bytes);
  HttpResponse response;
  try {
    co_await connection->read_header(parser, bounded(options_.read_timeout, deadline));
    const auto buffer = std::make_unique<char[]>(kReadChunk);
    while (!parser.is_done()) {
      parser.get().body().data = buffer.get();
      parser.get().body().size = kReadChunk;
      co_await connection->read_some(parser, bounded(options_.read_timeout, deadline));
      response.body.append(buffer.get(), kReadChunk - parser.get().body().size);
    }
  } catch (Error& e) {
    connection->close();
    e.with_request_sent(true);
    throw;
  } catch (...) {
    connection->close();
    throw;
  }
  response.status = parser.get().result_int();
  response.content_type = std::string(parser.get()[http::field::content_type]);
  response.retry_after = std::string(parser.get()[http::field::retry_after]);
  if (parser.keep_alive()) {
    pool_.put_idle(std::move(connection));
  } else {
    connection->close();
  }
  co_return response;
}

boost::asio::awaitable<std::unique_ptr<ResponseStream>> HttpTransport::open_stream(
    const HttpRequest& request, Deadline deadline) {
  TransportOptions step = options_;
  step.connect_timeout = bounded(options_.connect_timeout, deadline);
  step.handshake_timeout = bounded(options_.handshake_timeout, deadline);
  std::unique_ptr<Connection> connection = co_await connect(endpoint_, step);
  WireRequest wire = to_wire(request);
  auto parser = std::make_unique<ResponseParser>();
  prepare_parser(*parser, options_);
  parser->body_limit(boost::none);  // endless by design; the event decoder bounds each event
  try {
    co_await connection->write(wire, bounded(options_.write_timeout, deadline));
  } catch (...) {
    connection->close();
    throw;
  }
  try {
    co_await connection->read_header(*parser, bounded(options_.read_timeout, deadline));
  } catch (Error& e) {
    connection->close();
    e.with_request_sent(true);
    throw;
  }
  std::string retry_after(parser->get()[http::field::retry_after]);
  co_return std::make_unique<ResponseStream>(std::move(connection), std::move(parser),
                                             std::move(retry_after));
}

}  // namespace tierguard::kube
