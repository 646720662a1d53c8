#include "webhook/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

namespace tierguard::webhook {

std::string_view tls_step_name(TlsStep step) {
  switch (step) {
    case TlsStep::kReadCertificate: return "read certificate file";
    case TlsStep::kReadKey: return "read key file";
    case TlsStep::kCertificate: return "load certificate";
    case TlsStep::kPrivateKey: return "load private key";
    case TlsStep::kKeyMismatch: return "match key to certificate";
    case TlsStep::kSetup: return "configure TLS";
  }
  return "tls";
}

namespace {
std::string openssl_error_text() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
}  // namespace

std::string read_pem_file(const std::string& path, TlsStep step) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TlsError(step, path + ": " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  if (!in.good() && !in.eof()) throw TlsError(step, path + ": read failed");
  return content.str();
}

std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(std::string_view cert_chain_pem,
                                                                   std::string_view key_pem) {
  namespace ssl = boost::asio::ssl;
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    throw TlsError(TlsStep::kSetup, openssl_error_text());
  }
  // Session resumption through tickets keeps reconnects cheap; one context per cert pair.
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_SERVER);

  boost::system::error_code ec;
  context->use_certificate_chain(boost::asio::buffer(cert_chain_pem.data(), cert_chain_pem.size()),
                                 ec);
  if (ec) throw TlsError(TlsStep::kCertificate, ec.message() + " (" + openssl_error_text() + ")");
  context->use_private_key(boost::asio::buffer(key_pem.data(), key_pem.size()),
                           ssl::context::pem, ec);
  if (ec) {
    // OpenSSL checks the key against the certificate while loading it.
    const bool mismatch = ec.category() == boost::asio::error::get_ssl_category() &&
                          ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                              X509_R_KEY_VALUES_MISMATCH;
    throw TlsError(mismatch ? TlsStep::kKeyMismatch : TlsStep::kPrivateKey,
                   ec.message() + " (" + openssl_error_text() + ")");
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    throw TlsError(TlsStep::kKeyMismatch, openssl_error_text());
  }
  return context;
}

std::chrono::system_clock::time_point certificate_not_after(std::string_view cert_chain_pem) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(cert_chain_pem.data(), static_cast<int>(cert_chain_pem.size())));
  if (!bio) throw TlsError(TlsStep::kCertificate, "out of memory");
  std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw TlsError(TlsStep::kCertificate, "no PEM certificate: " + openssl_error_text());
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert.get()), &tm) != 1) {
    throw TlsError(TlsStep::kCertificate, "unreadable notAfter");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace tierguard::webhook
