#include "kube/kubeconfig.h"

#include <gtest/gtest.h>

#include <random>

#include "kube/base64.h"
#include "kube/error.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

const std::string kCa = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
const std::string kCert = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
const std::string kKey = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

std::string good_config() {
  return R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: )" +
         base64_encode(kCa) + R"(
- name: prod-cluster
  cluster:
    server: https://prod.example.com
    tls-server-name: kubernetes.default
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-admin
    namespace: tierguard-system
- name: prod
  context:
    cluster: prod-cluster
    user: prod-bot
users:
- name: dev-admin
  user:
    client-certificate-data: )" +
         base64_encode(kCert) + R"(
    client-key-data: )" +
         base64_encode(kKey) + R"(
- name: prod-bot
  user:
    token: s3cr3t
)";
}

Error parse_error(const std::string& yaml, std::string_view context = {},
                  const std::filesystem::path& dir = "/nonexistent") {
  try {
    parse_kubeconfig(yaml, dir, context, "kubeconfig test.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected an error";
  return Error(ErrorKind::kConfig, "");
}

void expect_error(const std::string& yaml, const std::string& fragment,
                  std::string_view context = {}) {
  const Error e = parse_error(yaml, context);
  EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  EXPECT_TRUE(std::string(e.what()).starts_with("kubeconfig test.yaml")) << e.what();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return text.replace(pos, from.size(), to);
}

TEST(Kubeconfig, CurrentContextWithInlineData) {
  const Config c = parse_kubeconfig(good_config(), "/x", "", "kubeconfig test.yaml");
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, "6443");
  EXPECT_EQ(c.tls.ca_pem, kCa);
  EXPECT_EQ(c.tls.client_cert_pem, kCert);
  EXPECT_EQ(c.tls.client_key_pem, kKey);
  EXPECT_EQ(c.ns, "tierguard-system");
  EXPECT_EQ(c.origin, "kubeconfig test.yaml (context dev)");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Kubeconfig, ExplicitContextWithToken) {
  const Config c = parse_kubeconfig(good_config(), "/x", "prod", "kubeconfig test.yaml");
  EXPECT_EQ(c.host, "prod.example.com");
  EXPECT_EQ(c.port, "443");
  EXPECT_EQ(c.tls.server_name, "kubernetes.default");
  EXPECT_TRUE(c.tls.ca_pem.empty());  // system trust store
  EXPECT_EQ(c.credentials.bearer_token, "s3cr3t");
  EXPECT_EQ(c.ns, "default");
}

TEST(Kubeconfig, FilesResolveRelativeToTheKubeconfig) {
  testing::TempDir dir;
  dir.write("pki/ca.crt", kCa);
  dir.write("pki/client.crt", kCert);
  dir.write("pki/client.key", kKey);
  dir.write("token", "file-token\n");
  const auto path = dir.write("config", R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://10.0.0.1:6443", certificate-authority: pki/ca.crt}}]
users: [{name: u, user: {client-certificate: pki/client.crt, client-key: pki/client.key, tokenFile: token}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
)");
  const Config c = load_kubeconfig(path);
  EXPECT_EQ(c.tls.ca_pem, kCa);
  EXPECT_EQ(c.tls.client_cert_pem, kCert);
  EXPECT_EQ(c.tls.client_key_pem, kKey);
  EXPECT_EQ(c.credentials.token_file, dir.path() / "token");
}

TEST(Kubeconfig, InsecureSkipVerifyWarns) {
  const std::string yaml = R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://h", insecure-skip-tls-verify: true}}]
contexts: [{name: c, context: {cluster: k}}]
)";
  const Config c = parse_kubeconfig(yaml, "/x", "", "kubeconfig test.yaml");
  EXPECT_TRUE(c.tls.insecure_skip_verify);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("insecure-skip-tls-verify"), std::string::npos);
  expect_error(
      replace(yaml, "insecure-skip-tls-verify: true",
              "insecure-skip-tls-verify: true, certificate-authority-data: " + base64_encode(kCa)),
      "cannot be combined");
}

TEST(Kubeconfig, SelectionErrorsNameWhatIsMissing) {
  expect_error(good_config(), "contexts: context \"staging\" not found", "staging");
  expect_error(replace(good_config(), "current-context: dev\n", ""), "current-context: not set");
  expect_error(replace(good_config(), "cluster: dev-cluster", "cluster: nope"),
               "clusters: cluster \"nope\" not found");
  expect_error(replace(good_config(), "user: dev-admin", "user: ghost"),
               "users: user \"ghost\" not found");
  expect_error(replace(good_config(), "    server: https://127.0.0.1:6443\n", ""),
               "clusters[\"dev-cluster\"].cluster.server: missing");
}

TEST(Kubeconfig, WrongTypesNameTheField) {
  expect_error("current-context: c\nclusters: oops\ncontexts: [{name: c, context: {cluster: k}}]",
               "clusters: expected a sequence");
  expect_error(replace(good_config(), "server: https://127.0.0.1:6443", "server: [1, 2]"),
               "clusters[\"dev-cluster\"].cluster.server: expected a string");
  expect_error(replace(good_config(), "    server: https://prod.example.com",
                       "    server: https://prod.example.com\n    insecure-skip-tls-verify: maybe"),
               "insecure-skip-tls-verify: expected a boolean", "prod");
  expect_error(replace(good_config(),
                       "  context:\n    cluster: dev-cluster\n    user: dev-admin\n"
                       "    namespace: tierguard-system",
                       "  context: 7"),
               "contexts[\"dev\"].context: expected a mapping");
  expect_error("[1, 2, 3]", "expected a kubeconfig mapping");
  expect_error("", "expected a kubeconfig mapping");
  expect_error("clusters:\n- 5\n", "current-context");
}

TEST(Kubeconfig, BadBase64AndMissingFilesNameTheField) {
  expect_error(replace(good_config(), "certificate-authority-data: " + base64_encode(kCa),
                       "certificate-authority-data: '%%'"),
               "clusters[\"dev-cluster\"].cluster.certificate-authority-data: invalid base64");
  expect_error(replace(good_config(), "client-key-data: ", "client-key-data: A"),
               "users[\"dev-admin\"].user.client-key-data: invalid base64");
  expect_error(replace(good_config(), "    certificate-authority-data: ",
                       "    certificate-authority: missing.crt\n    x: "),
               "clusters[\"dev-cluster\"].cluster.certificate-authority: /nonexistent/missing.crt");
  expect_error(replace(good_config(), "    token: s3cr3t", "    tokenFile: /no/such/token"),
               "users[\"prod-bot\"].user.tokenFile: /no/such/token", "prod");
}

TEST(Kubeconfig, UnsupportedAuthIsExplicit) {
  const std::string exec_only =
      replace(good_config(), "    token: s3cr3t", "    exec: {command: aws, apiVersion: x}");
  expect_error(exec_only, "users[\"prod-bot\"].user.exec: credential plugins are not supported",
               "prod");
  const std::string exec_and_token =
      replace(good_config(), "    token: s3cr3t", "    token: t\n    exec: {command: aws}");
  const Config c = parse_kubeconfig(exec_and_token, "/x", "prod", "kubeconfig test.yaml");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("exec: ignored"), std::string::npos);
  expect_error(replace(good_config(), "    token: s3cr3t", "    token: t\n    as: admin"),
               "impersonation is not supported", "prod");
  expect_error(replace(good_config(), "    tls-server-name: kubernetes.default",
                       "    proxy-url: http://proxy:3128"),
               "proxies are not supported", "prod");
  expect_error(replace(good_config(), "    client-key-data: ", "    x: "),
               "client-certificate given without client-key");
}

TEST(Kubeconfig, MalformedTruncatedAndHostileInput) {
  const std::string config = good_config();
  // Every truncation either parses to something or fails with a typed error; never crashes.
  for (std::size_t n = 0; n < config.size(); n += 3) {
    try {
      parse_kubeconfig(config.substr(0, n), "/x", "", "kubeconfig test.yaml");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    }
  }
  expect_error("a: [1, 2\nb: {", "invalid YAML at line");
  expect_error(std::string(100000, '['), "invalid YAML");
  expect_error("key: \"unterminated", "invalid YAML");
  const std::string huge(kMaxKubeconfigBytes + 1, ' ');
  expect_error(huge, "larger than");
}

TEST(Kubeconfig, HugeFileIsRefusedBeforeReading) {
  testing::TempDir dir;
  const auto path = dir.write("config", std::string(kMaxKubeconfigBytes + 10, '#'));
  try {
    load_kubeconfig(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("exceeds the limit"), std::string::npos);
  }
  try {
    load_kubeconfig(dir.path() / "absent");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("kubeconfig: "), std::string::npos);
  }
}

}  // namespace
}  // namespace tierguard::kube

namespace tierguard::kube {
namespace {

// Deterministic fuzzing: mutated kubeconfigs parse or fail with a typed kConfig error.
TEST(Kubeconfig, MutatedConfigsNeverCrash) {
  const std::string seed = good_config();
  std::mt19937 rng(777);
  for (int round = 0; round < 1500; ++round) {
    std::string input = seed;
    const int mutations = 1 + static_cast<int>(rng() % 6);
    for (int m = 0; m < mutations; ++m) {
      const std::size_t at = rng() % input.size();
      switch (rng() % 4) {
        case 0: input[at] = " :-[]{}\n\"'&*!|>%@`#,?"[rng() % 22]; break;
        case 1: input.erase(at, 1 + rng() % 24); break;
        case 2: input.insert(at, input.substr(rng() % input.size(), rng() % 60)); break;
        default: input[at] = static_cast<char>(rng() % 256); break;
      }
      if (input.empty()) input = "x";
    }
    try {
      parse_kubeconfig(input, "/nonexistent", "", "kubeconfig fuzz");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    }
  }
}

}  // namespace
}  // namespace tierguard::kube
