#pragma once

// The HTTPS server: one listening socket, N worker threads each running its own io_context.
//
// Threading: the acceptor lives on worker 0 and hands each accepted socket to the next worker
// round-robin; a connection then stays on that worker's thread for life. One io_context per
// thread (concurrency hint 1) means no strands and no cross-thread locking on the hot path,
// and kube-apiserver's long-lived keep-alive connections spread evenly. (SO_REUSEPORT
// acceptors per thread would balance by the kernel's hash instead, and closing one during
// drain resets the connections queued on it.)
//
// Drain: drain() stops accepting, closes idle keep-alive connections, lets requests in flight
// finish and answers them with `Connection: close`; at the deadline whatever remains is
// closed. Workers then run out of work and wait() returns. io_context::stop() is never used.

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "telemetry/log.h"
#include "webhook/request_handler.h"
#include "webhook/server_options.h"
#include "webhook/server_worker.h"
#include "webhook/session.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::webhook {

// Raised when the server cannot start; names the step (resolve, open, bind, listen).
class ServerStartError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the TLS context for a new connection (CertificateReloader::current, or a fixed one).
using TlsContextSource = std::function<std::shared_ptr<boost::asio::ssl::context>()>;

class Server {
 public:
  Server(ServerOptions options, RequestHandler& handler, TlsContextSource tls_contexts,
         WebhookMetrics& metrics, telemetry::Logger& logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the worker threads. Throws ServerStartError.
  void start();
  // The bound port (the ephemeral one when options.port was 0). Valid after start().
  std::uint16_t port() const { return bound_port_; }
  // Begins a graceful drain (thread-safe, idempotent; also safe from a signal handler's
  // io_context callback). Requests still running at `deadline` from now are cut.
  void drain(std::chrono::milliseconds deadline);
  // Blocks until every worker thread has finished (after drain()).
  void wait();

  std::size_t open_connections() const { return open_connections_.load(); }

 private:
  void run_worker(boost::asio::io_context& io);
  void accept_next();
  void on_accept(boost::beast::error_code ec, SessionSocket socket);
  void drain_worker(ServerWorker& worker, std::chrono::milliseconds deadline);

  ServerOptions options_;
  RequestHandler& handler_;
  TlsContextSource tls_contexts_;
  WebhookMetrics& metrics_;
  telemetry::Logger& logger_;
  std::atomic<std::size_t> open_connections_{0};
  SessionContext session_context_;

  std::vector<std::unique_ptr<ServerWorker>> workers_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;  // on workers_[0]
  ServerWorker* accepting_for_ = nullptr;  // the worker the pending accept hands a socket to
  std::unique_ptr<boost::asio::steady_timer> accept_retry_;
  std::size_t next_worker_ = 0;
  std::uint16_t bound_port_ = 0;
  std::atomic<bool> drain_started_{false};
  std::vector<std::thread> threads_;
};

}  // namespace tierguard::webhook
