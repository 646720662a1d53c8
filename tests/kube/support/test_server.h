#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kube/config.h"

namespace tierguard::kube::testing {

struct RecordedRequest {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const;
};

// What the test server answers. Rendered byte by byte by the server, so tests control
// framing: chunk boundaries, truncation, garbage, silence.
struct Reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;
  std::vector<std::string> chunks;  // chunked: each is one HTTP chunk, written separately
  bool end_stream = true;           // chunked: send the final zero-size chunk
  bool close_after = false;         // close the connection after this reply (abruptly)
  std::optional<std::string> raw;   // write exactly these bytes, then close
  bool drop = false;                // close without answering
  bool hang = false;                // never answer; wait for the client to go away

  static Reply json(unsigned status, std::string body);
  static Reply status_error(unsigned status, const std::string& reason, const std::string& message);
  // A chunked watch response: `chunks` verbatim; `end` decides clean end vs. left open.
  static Reply stream(std::vector<std::string> chunks, bool end = true);
};

using Handler = std::function<Reply(const RecordedRequest&)>;

// A small HTTP/1.1 (optionally TLS) server on 127.0.0.1:0 running on the test's
// io_context. Keep-alive: one connection may carry many requests.
class TestServer {
 public:
  TestServer(boost::asio::io_context& ioc, Handler handler,
             std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~TestServer();

  unsigned short port() const { return port_; }
  // A Config pointing at this server (scheme by TLS or not); TLS settings left empty.
  Config config() const;

  const std::vector<RecordedRequest>& requests() const { return requests_; }
  int connections() const { return connections_; }
  int open_connections() const { return open_connections_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve(Stream& stream);

  boost::asio::io_context& ioc_;
  Handler handler_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::vector<RecordedRequest> requests_;
  int connections_ = 0;
  int open_connections_ = 0;
  std::shared_ptr<bool> alive_;
};

// A server that expects an exact sequence of requests (method + target) and replays the
// scripted reply for each. Anything unexpected is recorded in failures() and answered 418.
class ScriptedPeer {
 public:
  explicit ScriptedPeer(boost::asio::io_context& ioc,
                        std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

  ScriptedPeer& expect(std::string method, std::string target, Reply reply,
                       std::function<void(const RecordedRequest&)> check = {});

  Config config() const { return server_.config(); }
  const TestServer& server() const { return server_; }
  const std::vector<std::string>& failures() const { return failures_; }
  std::size_t remaining() const { return script_.size(); }

 private:
  struct Exchange {
    std::string method;
    std::string target;
    Reply reply;
    std::function<void(const RecordedRequest&)> check;
  };
  Reply handle(const RecordedRequest& request);

  std::deque<Exchange> script_;
  std::vector<std::string> failures_;
  TestServer server_;
};

// A TLS server context for `cert`/`key`; with `client_ca` it requires client certificates.
std::shared_ptr<boost::asio::ssl::context> server_tls_context(const std::string& cert_pem,
                                                              const std::string& key_pem,
                                                              const std::string& client_ca_pem);

}  // namespace tierguard::kube::testing
