#include "webhook/session.h"

#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace tierguard::webhook {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;

namespace {
// One TLS record carries at most 16 KiB of plaintext: read a whole record at a time.
constexpr std::size_t kReadChunk = 16 * 1024;

constexpr std::string_view kPlainHttpReply =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Connection: close\r\n"
    "Content-Length: 48\r\n"
    "\r\n"
    "Client sent an HTTP request to an HTTPS server.\n";

// Errors that just mean "the peer went away": not worth more than a debug line.
bool is_disconnect(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated ||
         ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::operation_aborted ||
         ec == http::error::partial_message;
}
}  // namespace

Session::Session(SessionSocket socket, std::shared_ptr<net::ssl::context> tls_context,
                 ServerWorker& worker, const SessionContext& context)
    : tls_context_(std::move(tls_context)),
      stream_(std::move(socket), *tls_context_),
      worker_(worker),
      context_(context),
      buffer_(context.options.header_limit + context.options.body_limit + kReadChunk) {
  context_.open_connections.fetch_add(1, std::memory_order_relaxed);
  context_.metrics.open_connections().add(1);
}

Session::~Session() {
  end_request();
  worker_.sessions.erase(this);
  if (worker_.draining && worker_.sessions.empty()) worker_.drain_deadline.cancel();
  context_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  context_.metrics.open_connections().sub(1);
}

void Session::start() {
  worker_.sessions.insert(this);
  if (worker_.draining) {
    close();
    return;
  }
  state_ = State::kHandshake;
  tcp().expires_after(context_.options.handshake_timeout);
  beast::async_detect_ssl(tcp(), buffer_,
                          beast::bind_front_handler(&Session::on_detect, shared_from_this()));
}

void Session::on_detect(beast::error_code ec, bool is_tls) {
  if (ec) {
    if (ec == beast::error::timeout) context_.metrics.count_error("handshake-timeout");
    return close();
  }
  if (!is_tls) return reply_plain_http_and_close();
  stream_.async_handshake(net::ssl::stream_base::server, buffer_.data(),
                          beast::bind_front_handler(&Session::on_handshake, shared_from_this()));
}

void Session::reply_plain_http_and_close() {
  context_.metrics.count_error("plain-http");
  state_ = State::kClosing;
  tcp().expires_after(context_.options.write_timeout);
  net::async_write(tcp().socket(), net::buffer(kPlainHttpReply.data(), kPlainHttpReply.size()),
                   [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
}

void Session::on_handshake(beast::error_code ec, std::size_t bytes_used) {
  if (ec) {
    context_.metrics.count_error(ec == beast::error::timeout ? "handshake-timeout"
                                                             : "tls-handshake");
    context_.logger.debug("TLS handshake failed", {{"error", ec.message()}});
    return close();
  }
  buffer_.consume(bytes_used);
  wait_for_request();
}

void Session::wait_for_request() {
  if (worker_.draining) return shutdown();
  if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
  state_ = State::kIdle;
  tcp().expires_after(context_.options.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) {
    // Idle connection ended: the client closed it, idle timeout, or drain. Nothing in flight.
    if (!is_disconnect(ec) && ec != beast::error::timeout) {
      context_.logger.debug("read failed on idle connection", {{"error", ec.message()}});
    }
    return close();
  }
  buffer_.commit(bytes);
  read_request();
}

void Session::read_request() {
  state_ = State::kReading;
  request_in_flight_ = true;
  context_.metrics.in_flight().add(1);
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options.header_limit));
  parser_->body_limit(context_.options.body_limit);
  spare_body_.clear();
  parser_->get().body() = std::move(spare_body_);
  tcp().expires_after(context_.options.request_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, std::size_t) {
                     self->on_read(ec);
                   });
}

void Session::reset_response() {
  std::string body = std::move(response_.body());
  response_ = HttpResponse{};
  body.clear();
  response_.body() = std::move(body);
}

void Session::on_read(beast::error_code ec) {
  reset_response();
  if (ec == http::error::body_limit) {
    const std::string_view target =
        parser_->is_header_done() ? std::string_view(parser_->get().target()) : "";
    context_.handler.reject(http::status::payload_too_large, "body-limit",
                            "request body exceeds " +
                                std::to_string(context_.options.body_limit) + " bytes",
                            target, response_);
    return write_response(false);
  }
  if (ec == http::error::header_limit) {
    context_.handler.reject(http::status::request_header_fields_too_large, "header-limit",
                            "request headers exceed " +
                                std::to_string(context_.options.header_limit) + " bytes",
                            "", response_);
    return write_response(false);
  }
  if (ec == beast::error::timeout) {
    context_.metrics.count_error("read-timeout");
    return close();
  }
  if (is_disconnect(ec)) {
    context_.metrics.count_error("client-disconnect");
    return close();
  }
  if (ec) {
    if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
      context_.handler.reject(http::status::bad_request, "http-syntax",
                              "malformed HTTP request: " + ec.message(), "", response_);
      return write_response(false);
    }
    context_.metrics.count_error("read");
    context_.logger.debug("request read failed", {{"error", ec.message()}});
    return close();
  }

  state_ = State::kHandling;
  HttpRequest& request = parser_->get();
  context_.handler.handle(request, response_, worker_.decoder);
  const bool keep_alive = request.keep_alive();
  spare_body_ = std::move(request.body());
  write_response(keep_alive);
}

void Session::write_response(bool keep_alive) {
  keep_alive = keep_alive && !worker_.draining;
  state_ = State::kWriting;
  response_.keep_alive(keep_alive);
  tcp().expires_after(context_.options.write_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                      self->on_write(ec, keep_alive);
                    });
}

void Session::on_write(beast::error_code ec, bool keep_alive) {
  end_request();
  if (ec) {
    if (!is_disconnect(ec)) context_.metrics.count_error("write");
    return close();
  }
  if (!keep_alive) return shutdown();
  wait_for_request();
}

void Session::end_request() {
  if (request_in_flight_) {
    request_in_flight_ = false;
    context_.metrics.in_flight().sub(1);
  }
}

void Session::shutdown() {
  state_ = State::kClosing;
  tcp().expires_after(context_.options.shutdown_timeout);
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close(); });
}

void Session::close() {
  state_ = State::kClosing;
  end_request();
  beast::error_code ignored;
  tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  tcp().close();
}

void Session::begin_drain() {
  if (state_ == State::kIdle || state_ == State::kHandshake) {
    // Nothing in flight: cancelling the pending read/handshake completes it and closes.
    tcp().cancel();
  }
}

void Session::force_close() { tcp().close(); }

}  // namespace tierguard::webhook
