#include "webhook/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace tierguard::webhook {

namespace net = boost::asio;
namespace beast = boost::beast;

Server::Server(ServerOptions options, RequestHandler& handler, TlsContextSource tls_contexts,
               WebhookMetrics& metrics, telemetry::Logger& logger)
    : options_(std::move(options)),
      handler_(handler),
      tls_contexts_(std::move(tls_contexts)),
      metrics_(metrics),
      logger_(logger),
      session_context_{options_, handler_, metrics_, logger_, open_connections_} {
  unsigned threads = options_.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) workers_.push_back(std::make_unique<ServerWorker>());
}

Server::~Server() {
  if (!threads_.empty()) {
    drain(std::chrono::milliseconds(0));
    wait();
  }
}

void Server::start() {
  ServerWorker& acceptor_worker = *workers_.front();
  beast::error_code ec;
  const auto address = net::ip::make_address(options_.address, ec);
  if (ec) throw ServerStartError("parse listen address " + options_.address + ": " + ec.message());
  const net::ip::tcp::endpoint endpoint(address, options_.port);
  acceptor_ = std::make_unique<net::ip::tcp::acceptor>(acceptor_worker.io_context);
  acceptor_->open(endpoint.protocol(), ec);
  if (ec) throw ServerStartError("open listening socket: " + ec.message());
  acceptor_->set_option(net::socket_base::reuse_address(true), ec);
  acceptor_->bind(endpoint, ec);
  if (ec) {
    throw ServerStartError("bind " + options_.address + ":" + std::to_string(options_.port) +
                           ": " + ec.message());
  }
  acceptor_->listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw ServerStartError("listen: " + ec.message());
  bound_port_ = acceptor_->local_endpoint().port();
  accept_retry_ = std::make_unique<net::steady_timer>(acceptor_worker.io_context);

  net::post(acceptor_worker.io_context, [this] { accept_next(); });
  for (auto& worker : workers_) {
    threads_.emplace_back([this, &io = worker->io_context] { run_worker(io); });
  }
  logger_.info("webhook server listening",
               {{"address", options_.address},
                {"port", static_cast<unsigned>(bound_port_)},
                {"threads", static_cast<unsigned>(workers_.size())}});
}

void Server::run_worker(net::io_context& io) {
  // A handler that throws (say, std::bad_alloc on a huge request) must not take the process
  // down: the connection it belonged to is dropped with the handler, the others go on.
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception& e) {
      metrics_.count_error("handler-exception");
      logger_.error("unexpected exception in server thread", {{"error", e.what()}});
    } catch (...) {
      metrics_.count_error("handler-exception");
      logger_.error("unexpected non-standard exception in server thread");
    }
  }
}

void Server::accept_next() {
  accepting_for_ = workers_[next_worker_].get();
  next_worker_ = (next_worker_ + 1) % workers_.size();
  acceptor_->async_accept(accepting_for_->io_context,
                          beast::bind_front_handler(&Server::on_accept, this));
}

void Server::on_accept(beast::error_code ec, SessionSocket socket) {
  if (!acceptor_->is_open() || ec == net::error::operation_aborted) return;  // draining
  if (ec) {
    // Out of descriptors or memory: back off briefly instead of spinning on accept.
    metrics_.count_error("accept");
    logger_.error("accept failed", {{"error", ec.message()}});
    accept_retry_->expires_after(std::chrono::milliseconds(100));
    accept_retry_->async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_->is_open()) accept_next();
    });
    return;
  }
  if (open_connections_.load(std::memory_order_relaxed) >= options_.max_connections) {
    metrics_.count_error("connection-limit");
    beast::error_code ignored;
    socket.close(ignored);
  } else {
    // The socket already belongs to its worker's io_context; the session starts there.
    socket.set_option(net::ip::tcp::no_delay(true), ec);
    ServerWorker* worker = accepting_for_;
    auto session = std::make_shared<Session>(std::move(socket), tls_contexts_(), *worker,
                                             session_context_);
    net::dispatch(worker->io_context, [session] { session->start(); });
  }
  accept_next();
}

void Server::drain(std::chrono::milliseconds deadline) {
  if (drain_started_.exchange(true)) return;
  logger_.info("draining webhook server",
               {{"deadline_ms", static_cast<std::int64_t>(deadline.count())}});
  net::post(workers_.front()->io_context, [this] {
    beast::error_code ignored;
    acceptor_->close(ignored);
    accept_retry_->cancel();
  });
  for (auto& worker : workers_) {
    net::post(worker->io_context,
              [this, w = worker.get(), deadline] { drain_worker(*w, deadline); });
  }
}

void Server::drain_worker(ServerWorker& worker, std::chrono::milliseconds deadline) {
  worker.draining = true;
  // Without the guard, run() returns as soon as the last session's last operation is done.
  worker.work_guard.reset();
  // Copy: sessions may unregister while we walk them.
  const std::vector<Session*> sessions(worker.sessions.begin(), worker.sessions.end());
  for (Session* session : sessions) session->begin_drain();
  if (worker.sessions.empty()) return;
  // Cancelled by the last session to close (Session::~Session) if it comes first.
  worker.drain_deadline.expires_after(deadline);
  worker.drain_deadline.async_wait([this, &worker](beast::error_code ec) {
    if (ec) return;
    const std::vector<Session*> left(worker.sessions.begin(), worker.sessions.end());
    if (!left.empty()) {
      logger_.warn("drain deadline passed; closing connections",
                   {{"connections", static_cast<std::uint64_t>(left.size())}});
    }
    for (Session* session : left) session->force_close();
  });
}

void Server::wait() {
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

}  // namespace tierguard::webhook
