#include "kube/tls.h"

#include <gtest/gtest.h>

#include "async_test.h"
#include "kube/base64.h"
#include "kube/client.h"
#include "kube/json.h"
#include "kube/kubeconfig.h"
#include "temp_dir.h"
#include "test_pki.h"
#include "test_server.h"

namespace tierguard::kube {
namespace {

using testing::Reply;

const testing::TestPki& pki() {
  static const testing::TestPki instance = testing::make_test_pki();
  return instance;
}

// A TLS server on 127.0.0.1 that requires a client certificate from the test CA.
struct TlsFixture {
  explicit TlsFixture(const testing::KeyPair& server = pki().server)
      : server_(
            ioc, [](const testing::RecordedRequest&) { return Reply::json(200, R"({"ok":true})"); },
            testing::server_tls_context(server.cert_pem, server.key_pem, pki().ca.cert_pem)) {}

  Config config() const {
    Config c = server_.config();
    c.tls.ca_pem = pki().ca.cert_pem;
    c.tls.client_cert_pem = pki().client.cert_pem;
    c.tls.client_key_pem = pki().client.key_pem;
    return c;
  }

  rapidjson::Document get(const Config& config) {
    ClientOptions options;
    options.logger = null_logger();
    options.retry.max_attempts = 1;
    Client client(ioc.get_executor(), config, options);
    return testing::run(ioc, client.get(resources::namespaces(), "", "default"));
  }

  Error get_error(const Config& config) {
    try {
      get(config);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "expected an Error";
    return Error(ErrorKind::kApi, "");
  }

  boost::asio::io_context ioc;
  testing::TestServer server_;
};

TEST(Tls, MutualTlsWithIpSan) {
  TlsFixture f;
  const auto doc = f.get(f.config());
  EXPECT_TRUE(doc["ok"].GetBool());
  EXPECT_EQ(f.server_.requests().size(), 1u);
}

TEST(Tls, KeepAliveReusesTheTlsConnection) {
  TlsFixture f;
  ClientOptions options;
  options.logger = null_logger();
  Client client(f.ioc.get_executor(), f.config(), options);
  for (int i = 0; i < 3; ++i) {
    testing::run(f.ioc, client.get(resources::namespaces(), "", "default"));
  }
  EXPECT_EQ(f.server_.requests().size(), 3u);
  EXPECT_EQ(f.server_.connections(), 1);
}

TEST(Tls, UnknownCaIsRejected) {
  TlsFixture f;
  Config config = f.config();
  config.tls.ca_pem = testing::make_certificate("other-ca", {}, true, nullptr).cert_pem;
  const Error e = f.get_error(config);
  EXPECT_EQ(e.kind(), ErrorKind::kTls) << e.what();
  EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
  EXPECT_TRUE(f.server_.requests().empty());
}

TEST(Tls, CertificateWithoutTheIpSanIsRejectedUnlessServerNameMatches) {
  const auto dns_only =
      testing::make_certificate("api", {"DNS:kubernetes.default"}, false, &pki().ca);
  TlsFixture f(dns_only);
  Config config = f.config();
  const Error e = f.get_error(config);
  EXPECT_EQ(e.kind(), ErrorKind::kTls);
  EXPECT_NE(std::string(e.what()).find("IP address mismatch"), std::string::npos) << e.what();
  config.tls.server_name = "kubernetes.default";  // kubeconfig tls-server-name
  EXPECT_TRUE(f.get(config)["ok"].GetBool());
  config.tls.server_name = "other.example";
  const Error other = f.get_error(config);
  EXPECT_EQ(other.kind(), ErrorKind::kTls);
  EXPECT_NE(std::string(other.what()).find("hostname mismatch"), std::string::npos) << other.what();
}

TEST(Tls, MissingClientCertificateFails) {
  TlsFixture f;
  Config config = f.config();
  config.tls.client_cert_pem.clear();
  config.tls.client_key_pem.clear();
  const Error e = f.get_error(config);
  EXPECT_TRUE(e.kind() == ErrorKind::kTls || e.kind() == ErrorKind::kTransport) << e.what();
  EXPECT_TRUE(f.server_.requests().empty());
}

TEST(Tls, InsecureSkipVerifyAcceptsAnyServer) {
  TlsFixture f;
  Config config = f.config();
  config.tls.ca_pem.clear();
  config.tls.insecure_skip_verify = true;
  EXPECT_TRUE(f.get(config)["ok"].GetBool());
}

TEST(Tls, BadMaterialIsAConfigErrorNamingIt) {
  TlsConfig tls;
  tls.ca_pem = "not a pem";
  try {
    make_tls_context(tls);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("certificate-authority"), std::string::npos);
  }
  tls = TlsConfig{};
  tls.client_cert_pem = pki().client.cert_pem;
  tls.client_key_pem = pki().server.key_pem;  // another certificate's key
  try {
    make_tls_context(tls);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tls: client-key"), std::string::npos) << e.what();
  }
  tls.client_key_pem = "garbage";
  EXPECT_THROW(make_tls_context(tls), Error);
}

TEST(Tls, KubeconfigWithInlineCredentialsReachesTheServer) {
  TlsFixture f;
  testing::TempDir dir;
  const auto path =
      dir.write("config",
                "current-context: test\n"
                "clusters: [{name: c, cluster: {server: \"https://127.0.0.1:" +
                    std::to_string(f.server_.port()) +
                    "\", certificate-authority-data: " + base64_encode(pki().ca.cert_pem) +
                    "}}]\n"
                    "users: [{name: u, user: {client-certificate-data: " +
                    base64_encode(pki().client.cert_pem) +
                    ", client-key-data: " + base64_encode(pki().client.key_pem) +
                    "}}]\n"
                    "contexts: [{name: test, context: {cluster: c, user: u}}]\n");
  EXPECT_TRUE(f.get(load_kubeconfig(path))["ok"].GetBool());
}

}  // namespace
}  // namespace tierguard::kube
