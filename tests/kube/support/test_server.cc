#include "test_server.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cctype>
#include <cstdio>

namespace tierguard::kube::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string render_head(const Reply& reply) {
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     std::string(http::obsolete_reason(static_cast<http::status>(reply.status))) +
                     "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : reply.headers) {
    head += name + ": " + value + "\r\n";
    has_type = has_type || lower(name) == "content-type";
  }
  if (!has_type) head += "Content-Type: application/json\r\n";
  if (reply.chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  } else {
    head += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
  }
  if (reply.close_after) head += "Connection: close\r\n";
  head += "\r\n";
  return head;
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

template <class Stream>
asio::awaitable<bool> write_all(Stream& stream, const std::string& bytes) {
  error_code ec;
  co_await asio::async_write(stream, asio::buffer(bytes),
                             asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> wait_for_close(Stream& stream) {
  char byte;
  error_code ec;
  for (;;) {
    co_await stream.async_read_some(asio::buffer(&byte, 1),
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
}

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  auto it = headers.find(lower(name));
  return it == headers.end() ? std::string() : it->second;
}

Reply Reply::json(unsigned status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply Reply::status_error(unsigned status, const std::string& reason, const std::string& message) {
  return json(status, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":")" +
                          message + R"(","reason":")" + reason + R"(","code":)" +
                          std::to_string(status) + "}");
}

Reply Reply::stream(std::vector<std::string> chunks, bool end) {
  Reply reply;
  reply.chunked = true;
  reply.chunks = std::move(chunks);
  reply.end_stream = end;
  return reply;
}

TestServer::TestServer(asio::io_context& ioc, Handler handler,
                       std::shared_ptr<asio::ssl::context> tls)
    : ioc_(ioc),
      handler_(std::move(handler)),
      tls_(std::move(tls)),
      acceptor_(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      alive_(std::make_shared<bool>(true)) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

TestServer::~TestServer() {
  *alive_ = false;
  error_code ignored;
  acceptor_.close(ignored);
}

Config TestServer::config() const {
  Config config;
  config.scheme = tls_ ? "https" : "http";
  config.host = "127.0.0.1";
  config.port = std::to_string(port_);
  config.origin = "test server";
  return config;
}

asio::awaitable<void> TestServer::accept_loop() {
  std::weak_ptr<bool> alive = alive_;
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    const auto flag = alive.lock();
    if (!flag || !*flag || ec) co_return;
    ++connections_;
    asio::co_spawn(ioc_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> TestServer::session(tcp::socket socket) {
  std::shared_ptr<bool> alive = alive_;
  ++open_connections_;
  if (tls_) {
    asio::ssl::stream<tcp::socket> stream(std::move(socket), *tls_);
    error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && *alive) co_await serve(stream);
  } else {
    co_await serve(socket);
  }
  if (*alive) --open_connections_;
}

template <class Stream>
asio::awaitable<void> TestServer::serve(Stream& stream) {
  std::shared_ptr<bool> alive = alive_;
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    error_code ec;
    co_await http::async_read(stream, buffer, request,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !*alive) co_return;
    RecordedRequest recorded;
    recorded.method = std::string(request.method_string());
    recorded.target = std::string(request.target());
    recorded.body = request.body();
    for (const auto& field : request) {
      recorded.headers[lower(std::string(field.name_string()))] = std::string(field.value());
    }
    requests_.push_back(recorded);
    const Reply reply = handler_(recorded);
    if (reply.drop) co_return;
    if (reply.hang) {
      co_await wait_for_close(stream);
      co_return;
    }
    if (reply.raw) {
      co_await write_all(stream, *reply.raw);
      co_return;
    }
    // (Locals, not temporaries, in co_await expressions: GCC 12 coroutine codegen.)
    std::string bytes = render_head(reply);
    if (!reply.chunked) {
      bytes += reply.body;
      if (!co_await write_all(stream, bytes)) co_return;
    } else {
      if (!co_await write_all(stream, bytes)) co_return;
      for (const auto& piece : reply.chunks) {
        bytes = chunk(piece);
        if (!co_await write_all(stream, bytes)) co_return;
      }
      if (!reply.end_stream) {
        if (!reply.close_after) co_await wait_for_close(stream);
        co_return;
      }
      bytes = "0\r\n\r\n";
      if (!co_await write_all(stream, bytes)) co_return;
    }
    if (reply.close_after || !*alive) co_return;
  }
}

ScriptedPeer::ScriptedPeer(asio::io_context& ioc, std::shared_ptr<asio::ssl::context> tls)
    : server_(
          ioc, [this](const RecordedRequest& r) { return handle(r); }, std::move(tls)) {}

ScriptedPeer& ScriptedPeer::expect(std::string method, std::string target, Reply reply,
                                   std::function<void(const RecordedRequest&)> check) {
  script_.push_back({std::move(method), std::move(target), std::move(reply), std::move(check)});
  return *this;
}

Reply ScriptedPeer::handle(const RecordedRequest& request) {
  if (script_.empty()) {
    failures_.push_back("unexpected request after the script ended: " + request.method + " " +
                        request.target);
    Reply reply = Reply::json(418, "{}");
    reply.close_after = true;
    return reply;
  }
  Exchange exchange = std::move(script_.front());
  script_.pop_front();
  if (exchange.method != request.method || exchange.target != request.target) {
    failures_.push_back("expected " + exchange.method + " " + exchange.target + ", got " +
                        request.method + " " + request.target);
  }
  if (exchange.check) exchange.check(request);
  return exchange.reply;
}

std::shared_ptr<asio::ssl::context> server_tls_context(const std::string& cert_pem,
                                                       const std::string& key_pem,
                                                       const std::string& client_ca_pem) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(cert_pem));
  ctx->use_private_key(asio::buffer(key_pem), asio::ssl::context::pem);
  if (!client_ca_pem.empty()) {
    ctx->add_certificate_authority(asio::buffer(client_ca_pem));
    ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

}  // namespace tierguard::kube::testing
