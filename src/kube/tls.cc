#include "kube/tls.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/system_error.hpp>

#include "kube/error.h"

namespace tierguard::kube {
namespace {

[[noreturn]] void fail(std::string_view what, const boost::system::error_code& ec) {
  throw Error(ErrorKind::kConfig, "tls: " + std::string(what) + ": " + ec.message());
}

bool is_ip_literal(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsConfig& tls) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  boost::system::error_code ec;
  if (tls.insecure_skip_verify) {
    ctx->set_verify_mode(ssl::verify_none);
  } else {
    ctx->set_verify_mode(ssl::verify_peer);
    if (!tls.ca_pem.empty()) {
      ctx->add_certificate_authority(boost::asio::buffer(tls.ca_pem), ec);
      if (ec) fail("certificate-authority", ec);
    } else {
      ctx->set_default_verify_paths(ec);
      if (ec) fail("system trust store", ec);
    }
  }
  if (!tls.client_cert_pem.empty()) {
    ctx->use_certificate_chain(boost::asio::buffer(tls.client_cert_pem), ec);
    if (ec) fail("client-certificate", ec);
    ctx->use_private_key(boost::asio::buffer(tls.client_key_pem), ssl::context::pem, ec);
    if (ec) fail("client-key", ec);
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
      throw Error(ErrorKind::kConfig, "tls: client-key does not match client-certificate");
    }
  }
  return ctx;
}

void configure_tls_peer(SSL* ssl, const TlsConfig& tls, const std::string& host) {
  const std::string& name = tls.server_name.empty() ? host : tls.server_name;
  const bool ip = is_ip_literal(name);
  if (!ip) {  // SSL_set_tlsext_host_name without its C cast
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(name.c_str()));
  }
  if (tls.insecure_skip_verify) return;
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                    : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  if (ok != 1) {
    throw Error(ErrorKind::kConfig, "tls: cannot verify against server name \"" + name + "\"");
  }
  if (!ip) X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
}

std::string tls_verify_failure(SSL* ssl) {
  const long result = SSL_get_verify_result(ssl);
  if (result == X509_V_OK) return {};
  return X509_verify_cert_error_string(result);
}

}  // namespace tierguard::kube
