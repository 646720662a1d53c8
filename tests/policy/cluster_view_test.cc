#include "policy/cluster_view.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

TEST(PolicyOptions, DefaultsExemptTheControlPlaneNamespacesAndTheApiserver) {
  const PolicyOptions options;
  for (const char* ns : {"kube-system", "kube-public", "kube-node-lease"}) EXPECT_TRUE(options.is_exempt_namespace(ns)) << ns;
  for (const char* ns : {"default", "", "kube-systemx", "kube"}) EXPECT_FALSE(options.is_exempt_namespace(ns)) << ns;
  EXPECT_TRUE(options.is_exempt_user("system:apiserver"));
  EXPECT_FALSE(options.is_exempt_user("system:apiserver:x"));
  EXPECT_FALSE(options.is_exempt_user(""));
  EXPECT_FALSE(options.is_exempt_user("admin"));
}

TEST(PolicyOptions, CustomListsReplaceTheDefaults) {
  PolicyOptions options;
  options.exempt_namespaces = {"platform"};
  options.exempt_users = {};
  EXPECT_TRUE(options.is_exempt_namespace("platform"));
  EXPECT_FALSE(options.is_exempt_namespace("kube-system"));
  EXPECT_FALSE(options.is_exempt_user("system:apiserver"));
}

TEST(IsBootstrapBinding, OnlyTheRbacDefaultsLabel) {
  Binding b = make_cluster_role_binding("system:basic-user", cluster_role_ref("system:basic-user"), {});
  EXPECT_FALSE(is_bootstrap_binding(b));
  b.labels = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  EXPECT_TRUE(is_bootstrap_binding(b));
  b.labels = {{"kubernetes.io/bootstrapping", "other"}};
  EXPECT_FALSE(is_bootstrap_binding(b));
  b.labels = {};
  b.annotations = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};  // annotations do not count
  EXPECT_FALSE(is_bootstrap_binding(b));
}

}  // namespace
}  // namespace tierguard::policy
