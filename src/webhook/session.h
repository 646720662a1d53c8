#pragma once

// One client connection: detect TLS → handshake → (wait for a request → read it → handle →
// write the response)* → TLS shutdown → close. Runs entirely on its worker's thread.
//
// Each step is bounded: handshake_timeout for the handshake, idle_timeout while waiting for a
// request, request_timeout from a request's first byte to its last, write_timeout per
// response. A fresh parser per request enforces header_limit and body_limit (413 beyond).

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <atomic>
#include <memory>
#include <optional>

#include "telemetry/log.h"
#include "webhook/http_types.h"
#include "webhook/request_handler.h"
#include "webhook/server_options.h"
#include "webhook/server_worker.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::webhook {

// What a session needs from the server, shared by all sessions.
struct SessionContext {
  const ServerOptions& options;
  RequestHandler& handler;
  WebhookMetrics& metrics;
  telemetry::Logger& logger;
  std::atomic<std::size_t>& open_connections;
};

// Sessions use their io_context's concrete executor type rather than the type-erased
// any_io_executor: every async operation copies the executor several times.
using SessionExecutor = boost::asio::io_context::executor_type;
using SessionSocket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, SessionExecutor>;
using SessionTcpStream = boost::beast::basic_stream<boost::asio::ip::tcp, SessionExecutor>;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(SessionSocket socket,
          std::shared_ptr<boost::asio::ssl::context> tls_context, ServerWorker& worker,
          const SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Registers with the worker and starts reading. Call on the worker's thread.
  void start();
  // Drain: close now if idle; otherwise finish the request in progress, then close.
  void begin_drain();
  // Deadline passed: close the socket whatever it is doing.
  void force_close();

 private:
  enum class State { kHandshake, kIdle, kReading, kHandling, kWriting, kClosing };

  void on_detect(boost::beast::error_code ec, bool is_tls);
  void reply_plain_http_and_close();
  void on_handshake(boost::beast::error_code ec, std::size_t bytes_used);
  void wait_for_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_request();
  void on_read(boost::beast::error_code ec);
  void write_response(bool keep_alive);
  void on_write(boost::beast::error_code ec, bool keep_alive);
  void shutdown();
  void close();
  void end_request();
  void reset_response();  // keeps the body's capacity

  SessionTcpStream& tcp() { return boost::beast::get_lowest_layer(stream_); }

  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // outlives stream_
  boost::beast::ssl_stream<SessionTcpStream> stream_;
  ServerWorker& worker_;
  const SessionContext& context_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  HttpResponse response_;
  std::string spare_body_;  // request body capacity, reused across requests
  std::string plain_reply_;
  State state_ = State::kHandshake;
  bool request_in_flight_ = false;
};

}  // namespace tierguard::webhook
