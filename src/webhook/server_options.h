#pragma once

// Limits and timeouts of the HTTPS server. Every default has a reason in docs/webhook.md.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tierguard::webhook {

struct ServerOptions {
  std::string address = "0.0.0.0";
  std::uint16_t port = 8443;  // 0 picks an ephemeral port (tests)
  unsigned threads = 0;       // 0 = one per core

  // A TLS handshake must complete within this (also bounds a silent TCP client).
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  // From the first byte of a request to its last: slow senders (slowloris) are cut here.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(10)};
  // Writing one response.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  // A keep-alive connection with no request in progress. Longer than the apiserver's own
  // idle timeout (Go's 90 s), so the client, not us, closes idle connections: a POST racing
  // our close would fail the admission call.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  // Sending TLS close_notify when closing.
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(2)};

  // etcd stores objects up to 1.5 MiB; a review can carry object and oldObject, plus the
  // envelope: 7 MiB, as controller-runtime chose. Bodies beyond are answered 413.
  std::size_t body_limit = 7 * 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  // Connections beyond this are closed at accept (protects file descriptors and memory).
  std::size_t max_connections = 4096;
};

}  // namespace tierguard::webhook
