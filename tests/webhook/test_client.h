#pragma once

// Blocking test clients with bounded waits: raw TCP, and TLS over it (raw OpenSSL, so tests
// can offer old protocol versions or misbehave on purpose). Every read and write is bounded by
// the socket timeout: a test can fail but never hang.

#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tierguard::webhook::testing {

inline constexpr std::chrono::milliseconds kIoTimeout{5000};

struct HttpReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  bool has_header(std::string_view name_colon_value) const;
};

// An HTTP/1.1 request with Content-Length framing.
std::string make_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type = "application/json",
                         std::string_view extra_headers = "");

class TcpClient {
 public:
  // Connects to 127.0.0.1:port; connected() tells whether it worked.
  explicit TcpClient(std::uint16_t port, std::chrono::milliseconds timeout = kIoTimeout);
  ~TcpClient();
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool send(std::string_view data);
  // Everything until the peer closes (or the timeout): for plain-HTTP replies.
  std::string read_until_closed();
  // Whether the peer closes the connection within `timeout` (data read meanwhile is dropped).
  bool wait_closed(std::chrono::milliseconds timeout);
  void close();

 private:
  int fd_ = -1;
};

struct TlsClientOptions {
  int min_version = TLS1_2_VERSION;
  int max_version = 0;  // 0 = highest
  bool verify = true;
  const char* cipher_list = nullptr;  // e.g. "DEFAULT:@SECLEVEL=0" to offer TLS 1.0
};

class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& ca_pem, TlsClientOptions options = {});
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // Whether the TLS handshake succeeded; error() says why not.
  bool ok() const { return ssl_ != nullptr && handshake_ok_; }
  const std::string& error() const { return error_; }
  int negotiated_version() const;
  long peer_serial() const;

  bool send(std::string_view data);
  // Sends one byte per write (each its own TLS record).
  bool send_byte_by_byte(std::string_view data);
  std::optional<HttpReply> read_reply();
  bool wait_closed(std::chrono::milliseconds timeout);
  // One request and its reply, for the common case.
  std::optional<HttpReply> exchange(std::string_view request);

 private:
  TcpClient tcp_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool handshake_ok_ = false;
  std::string error_;
  std::string pending_;  // bytes read past the previous reply
};

}  // namespace tierguard::webhook::testing
