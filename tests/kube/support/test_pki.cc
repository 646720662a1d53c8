#include "test_pki.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>

namespace tierguard::kube::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <class T>
using Ptr = std::unique_ptr<T, Free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test pki: ") + what);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
  return std::string(data, static_cast<std::size_t>(n));
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  check(ext != nullptr, "extension");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add extension");
}

}  // namespace

KeyPair make_certificate(const std::string& common_name, const std::vector<std::string>& sans,
                         bool is_ca, const KeyPair* issuer) {
  Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "keygen");
  Ptr<X509> cert(X509_new());
  X509_set_version(cert.get(), 2);
  static long serial = 1000;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), ++serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);

  Ptr<X509> issuer_cert;
  Ptr<EVP_PKEY> issuer_key;
  if (issuer != nullptr) {
    Ptr<BIO> cbio(
        BIO_new_mem_buf(issuer->cert_pem.data(), static_cast<int>(issuer->cert_pem.size())));
    issuer_cert.reset(PEM_read_bio_X509(cbio.get(), nullptr, nullptr, nullptr));
    Ptr<BIO> kbio(
        BIO_new_mem_buf(issuer->key_pem.data(), static_cast<int>(issuer->key_pem.size())));
    issuer_key.reset(PEM_read_bio_PrivateKey(kbio.get(), nullptr, nullptr, nullptr));
    check(issuer_cert && issuer_key, "issuer");
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
  } else {
    X509_set_issuer_name(cert.get(), name);
  }
  X509* signer = issuer_cert ? issuer_cert.get() : cert.get();
  add_ext(cert.get(), signer, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext(cert.get(), signer, NID_key_usage,
          is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (!is_ca) add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
  if (!sans.empty()) {
    std::string list;
    for (const auto& san : sans) list += (list.empty() ? "" : ",") + san;
    add_ext(cert.get(), signer, NID_subject_alt_name, list);
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key.get() : key.get(), EVP_sha256()) > 0, "sign");

  KeyPair out;
  Ptr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(cert_bio.get(), cert.get());
  out.cert_pem = bio_string(cert_bio.get());
  Ptr<BIO> key_bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  out.key_pem = bio_string(key_bio.get());
  return out;
}

TestPki make_test_pki(const std::vector<std::string>& server_sans) {
  TestPki pki;
  pki.ca = make_certificate("tierguard-test-ca", {}, true, nullptr);
  pki.server = make_certificate("kube-apiserver", server_sans, false, &pki.ca);
  pki.client = make_certificate("tierguard-test-client", {}, false, &pki.ca);
  return pki;
}

}  // namespace tierguard::kube::testing
