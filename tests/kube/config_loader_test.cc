#include "kube/config_loader.h"

#include <gtest/gtest.h>

#include <map>

#include "kube/error.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

const char* kKubeconfig = R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://10.0.0.9:6443"}}]
contexts: [{name: c, context: {cluster: k}}, {name: d, context: {cluster: k, namespace: d}}]
)";

struct Env {
  testing::TempDir dir;
  std::map<std::string, std::string> vars;
  InClusterEnvironment get() {
    InClusterEnvironment e;
    e.getenv = [this](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
    e.service_account_dir = dir.path() / "sa";
    return e;
  }
  void in_cluster() {
    vars["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
    vars["KUBERNETES_SERVICE_PORT"] = "443";
    dir.write("sa/ca.crt", "ca");
    dir.write("sa/token", "t");
  }
};

TEST(LoadConfig, PrecedenceFollowsClientGo) {
  Env env;
  env.in_cluster();
  const auto flag = env.dir.write("flag.yaml", kKubeconfig);
  EXPECT_EQ(load_config(flag, "d", env.get()).ns, "d");  // explicit flag first
  env.vars["KUBECONFIG"] = flag.string() + ":/other";
  EXPECT_EQ(load_config({}, "", env.get()).host, "10.0.0.9");  // then $KUBECONFIG
  env.vars.erase("KUBECONFIG");
  EXPECT_EQ(load_config({}, "", env.get()).origin, "in-cluster");  // then the pod
  EXPECT_THROW(load_config({}, "d", env.get()), Error);            // --context needs a file
}

TEST(LoadConfig, FallsBackToHomeAndExplainsWhenNothingIsThere) {
  Env env;
  env.vars["HOME"] = env.dir.path().string();
  try {
    load_config({}, "", env.get());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("no Kubernetes configuration"), std::string::npos);
  }
  env.dir.write(".kube/config", kKubeconfig);
  EXPECT_EQ(load_config({}, "", env.get()).port, "6443");
}

}  // namespace
}  // namespace tierguard::kube
