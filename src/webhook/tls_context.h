#pragma once

// The serving TLS configuration: TLS 1.2 minimum (1.3 preferred by OpenSSL's negotiation),
// TLS 1.2 restricted to ECDHE key exchange with AEAD ciphers, no compression, no
// renegotiation. Client certificates are not requested (see docs/webhook.md).

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tierguard::webhook {

// Which step of building a TLS context failed.
enum class TlsStep { kReadCertificate, kReadKey, kCertificate, kPrivateKey, kKeyMismatch, kSetup };
std::string_view tls_step_name(TlsStep step);

class TlsError : public std::runtime_error {
 public:
  TlsError(TlsStep step, const std::string& what)
      : std::runtime_error(std::string(tls_step_name(step)) + ": " + what), step_(step) {}
  TlsStep step() const { return step_; }

 private:
  TlsStep step_;
};

// The TLS 1.2 cipher list: ECDHE with AES-GCM or ChaCha20-Poly1305 only.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Builds a server context from a PEM certificate chain (leaf first) and a PEM private key.
// Throws TlsError naming the step that failed.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(std::string_view cert_chain_pem,
                                                                   std::string_view key_pem);

// The notAfter of the first certificate in a PEM chain. Throws TlsError(kCertificate).
std::chrono::system_clock::time_point certificate_not_after(std::string_view cert_chain_pem);

// The whole content of a file; throws TlsError(step) when it cannot be read.
std::string read_pem_file(const std::string& path, TlsStep step);

}  // namespace tierguard::webhook
