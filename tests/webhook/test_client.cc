#include "test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tierguard::webhook::testing {

bool HttpReply::has_header(std::string_view line) const {
  // Case-insensitive search for "Name: value" in the head.
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  return lower(head).find(lower(std::string(line))) != std::string::npos;
}

std::string make_request(std::string_view method, std::string_view target, std::string_view body,
                         std::string_view content_type, std::string_view extra_headers) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!content_type.empty()) request.append("Content-Type: ").append(content_type).append("\r\n");
  request.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  request.append(extra_headers);
  request.append("\r\n");
  request.append(body);
  return request;
}

TcpClient::TcpClient(std::uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) close();
}

TcpClient::~TcpClient() { close(); }

void TcpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TcpClient::send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string TcpClient::read_until_closed() {
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

bool TcpClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd pfd{fd_, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return true;
  }
  return false;
}

TlsClient::TlsClient(std::uint16_t port, const std::string& ca_pem, TlsClientOptions options)
    : tcp_(port) {
  if (!tcp_.connected()) {
    error_ = "connect failed";
    return;
  }
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (options.cipher_list != nullptr) SSL_CTX_set_cipher_list(ctx_, options.cipher_list);
  SSL_CTX_set_min_proto_version(ctx_, options.min_version);
  SSL_CTX_set_max_proto_version(ctx_, options.max_version);
  if (options.verify) {
    BIO* bio = BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size()));
    X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx_), ca);
    X509_free(ca);
    BIO_free(bio);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  }
  ssl_ = SSL_new(ctx_);
  if (options.verify) X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
  SSL_set_fd(ssl_, tcp_.fd());
  ERR_clear_error();
  if (SSL_connect(ssl_) == 1) {
    handshake_ok_ = true;
  } else {
    char buf[256];
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    error_ = buf;
  }
}

TlsClient::~TlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

int TlsClient::negotiated_version() const { return ssl_ ? SSL_version(ssl_) : 0; }

long TlsClient::peer_serial() const {
  if (!ok()) return -1;
  X509* cert = SSL_get1_peer_certificate(ssl_);
  if (cert == nullptr) return -1;
  const long serial = ASN1_INTEGER_get(X509_get0_serialNumber(cert));
  X509_free(cert);
  return serial;
}

bool TlsClient::send(std::string_view data) {
  if (!ok()) return false;
  while (!data.empty()) {
    const int n = SSL_write(ssl_, data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)));
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool TlsClient::send_byte_by_byte(std::string_view data) {
  for (char c : data) {
    if (!send(std::string_view(&c, 1))) return false;
  }
  return true;
}

std::optional<HttpReply> TlsClient::read_reply() {
  if (!ok()) return std::nullopt;
  std::string& in = pending_;
  char buf[16384];
  auto fill = [&]() {
    const int n = SSL_read(ssl_, buf, sizeof buf);
    if (n <= 0) return false;
    in.append(buf, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t head_end;
  while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  HttpReply reply;
  reply.head = in.substr(0, head_end + 2);
  reply.status = std::atoi(reply.head.c_str() + 9);
  std::size_t length = 0;
  std::string lower = reply.head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto at = lower.find("content-length:"); at != std::string::npos) {
    length = static_cast<std::size_t>(std::strtoull(lower.c_str() + at + 15, nullptr, 10));
  }
  while (in.size() < head_end + 4 + length) {
    if (!fill()) return std::nullopt;
  }
  reply.body = in.substr(head_end + 4, length);
  in.erase(0, head_end + 4 + length);
  return reply;
}

bool TlsClient::wait_closed(std::chrono::milliseconds timeout) {
  if (ssl_ == nullptr) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    if (SSL_pending(ssl_) == 0) {
      pollfd pfd{tcp_.fd(), POLLIN, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (::poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 1))) <= 0) continue;
    }
    const int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) continue;
    const int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ) continue;
    return true;  // close_notify, EOF or reset
  }
  return false;
}

std::optional<HttpReply> TlsClient::exchange(std::string_view request) {
  if (!send(request)) return std::nullopt;
  return read_reply();
}

}  // namespace tierguard::webhook::testing
