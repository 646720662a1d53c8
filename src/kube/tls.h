#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "kube/config.h"

namespace tierguard::kube {

// The client TLS context for one Config: TLS >= 1.2, the configured CAs (else the system
// store), the client certificate/key for mutual TLS, peer verification unless
// insecure_skip_verify. Throws Error(kConfig) naming the PEM that does not load.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsConfig& tls);

// Per connection: SNI (DNS names only) and the identity the certificate must carry: the
// tls-server-name, else `host` — a DNS SAN for names, an IP SAN for IP literals.
void configure_tls_peer(SSL* ssl, const TlsConfig& tls, const std::string& host);

// After a failed handshake: OpenSSL's verification verdict ("Hostname mismatch", ...), or "".
std::string tls_verify_failure(SSL* ssl);

}  // namespace tierguard::kube
