#include "webhook/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "test_pki.h"

namespace tierguard::webhook {
namespace {

using testing::TestPki;

TEST(MakeServerTlsContext, AcceptsAMatchingPairWithTls12Minimum) {
  TestPki pki;
  auto pair = pki.issue_server_cert(5);
  auto context = make_server_tls_context(pair.cert_pem, pair.key_pem);
  ASSERT_NE(context, nullptr);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context->native_handle()), TLS1_2_VERSION);
  EXPECT_TRUE(SSL_CTX_get_options(context->native_handle()) & SSL_OP_NO_RENEGOTIATION);
}

TEST(MakeServerTlsContext, NamesTheFailingStep) {
  TestPki pki;
  auto a = pki.issue_server_cert(1);
  auto b = pki.issue_server_cert(2);
  auto step_of = [](const std::string& cert, const std::string& key) {
    try {
      make_server_tls_context(cert, key);
    } catch (const TlsError& e) {
      EXPECT_NE(std::string(e.what()).find(tls_step_name(e.step())), std::string::npos);
      return e.step();
    }
    ADD_FAILURE() << "no error";
    return TlsStep::kSetup;
  };
  EXPECT_EQ(step_of("not a certificate", a.key_pem), TlsStep::kCertificate);
  EXPECT_EQ(step_of(a.cert_pem, "not a key"), TlsStep::kPrivateKey);
  EXPECT_EQ(step_of(a.cert_pem, b.key_pem), TlsStep::kKeyMismatch);
  EXPECT_EQ(step_of("", ""), TlsStep::kCertificate);
}

TEST(CertificateNotAfter, ReadsTheLeafExpiry) {
  TestPki pki;
  auto pair = pki.issue_server_cert(3);
  const auto not_after = certificate_not_after(pair.cert_pem);
  const auto now = std::chrono::system_clock::now();
  EXPECT_GT(not_after, now + std::chrono::hours(23));
  EXPECT_LT(not_after, now + std::chrono::hours(25));
  EXPECT_THROW(certificate_not_after("garbage"), TlsError);
}

TEST(ReadPemFile, NamesTheFileThatCannotBeRead) {
  try {
    read_pem_file("/nonexistent/tls.crt", TlsStep::kReadCertificate);
    FAIL();
  } catch (const TlsError& e) {
    EXPECT_EQ(e.step(), TlsStep::kReadCertificate);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tls.crt"), std::string::npos);
  }
}

}  // namespace
}  // namespace tierguard::webhook
