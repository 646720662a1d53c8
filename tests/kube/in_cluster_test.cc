#include "kube/in_cluster.h"

#include <gtest/gtest.h>

#include <map>

#include "kube/error.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

struct Fixture {
  testing::TempDir dir;
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"},
                                         {"KUBERNETES_SERVICE_PORT", "443"}};
  InClusterEnvironment environment() {
    InClusterEnvironment e;
    e.getenv = [this](std::string_view name) -> std::optional<std::string> {
      auto it = env.find(std::string(name));
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    e.service_account_dir = dir.path();
    return e;
  }
};

TEST(InCluster, ReadsEnvAndMountedFiles) {
  Fixture f;
  f.dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\n");
  f.dir.write("token", "tok-1\n");
  f.dir.write("namespace", "tierguard-system");
  ASSERT_TRUE(running_in_cluster(f.environment()));
  const Config c = in_cluster_config(f.environment());
  EXPECT_EQ(c.scheme, "https");
  EXPECT_EQ(c.host, "10.96.0.1");
  EXPECT_EQ(c.port, "443");
  EXPECT_EQ(c.tls.ca_pem, "-----BEGIN CERTIFICATE-----\n");
  EXPECT_EQ(c.credentials.token_file, f.dir.path() / "token");
  EXPECT_EQ(c.ns, "tierguard-system");
  EXPECT_EQ(c.origin, "in-cluster");
}

TEST(InCluster, Ipv6ServiceHost) {
  Fixture f;
  f.env["KUBERNETES_SERVICE_HOST"] = "fd00::1";
  f.dir.write("ca.crt", "x");
  f.dir.write("token", "t");
  const Config c = in_cluster_config(f.environment());
  EXPECT_EQ(c.host, "fd00::1");
  EXPECT_EQ(c.ns, "default");  // no namespace file
}

TEST(InCluster, NamesWhatIsMissing) {
  Fixture f;
  f.env.erase("KUBERNETES_SERVICE_PORT");
  EXPECT_FALSE(running_in_cluster(f.environment()));
  try {
    in_cluster_config(f.environment());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("KUBERNETES_SERVICE_PORT"), std::string::npos);
  }
  Fixture g;
  g.dir.write("ca.crt", "x");
  try {
    in_cluster_config(g.environment());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("in-cluster config: token: "), std::string::npos)
        << e.what();
  }
  Fixture h;
  h.dir.write("ca.crt", "x");
  h.dir.write("token", "\n");
  EXPECT_THROW(in_cluster_config(h.environment()), Error);
}

}  // namespace
}  // namespace tierguard::kube
