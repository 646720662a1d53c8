#include "kube/resource.h"

#include <gtest/gtest.h>

#include "kube/error.h"

namespace tierguard::kube {
namespace {

TEST(ResourcePath, CoreAndGroupKinds) {
  EXPECT_EQ(resource_path(resources::pods(), "prod"), "/api/v1/namespaces/prod/pods");
  EXPECT_EQ(resource_path(resources::pods(), ""), "/api/v1/pods");
  EXPECT_EQ(resource_path(resources::pods(), "prod", "web-0", "status"),
            "/api/v1/namespaces/prod/pods/web-0/status");
  EXPECT_EQ(resource_path(resources::roles(), "prod", "reader"),
            "/apis/rbac.authorization.k8s.io/v1/namespaces/prod/roles/reader");
  EXPECT_EQ(resource_path(resources::cluster_roles(), "ignored", "admin"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin");
  EXPECT_EQ(resource_path(resources::namespaces(), "", "kube-system"),
            "/api/v1/namespaces/kube-system");
  const ResourceType tiers{"example.io", "v1alpha1", "widgets", false};
  EXPECT_EQ(resource_path(tiers, "", "w"), "/apis/example.io/v1alpha1/widgets/w");
}

TEST(ResourcePath, RejectsNamesThatEscapeTheirSegment) {
  for (const char* name : {"a/b", "..", "."}) {
    EXPECT_THROW(resource_path(resources::pods(), "ns", name), Error) << name;
  }
  EXPECT_THROW(resource_path(resources::pods(), "a/b", "x"), Error);
  EXPECT_EQ(resource_path(resources::config_maps(), "ns", "a b%"),
            "/api/v1/namespaces/ns/configmaps/a%20b%25");
}

TEST(ResourceType, Describe) {
  EXPECT_EQ(resources::roles().describe(), "roles.rbac.authorization.k8s.io");
  EXPECT_EQ(resources::pods().describe(), "pods");
  EXPECT_EQ(resources::roles().api_version(), "rbac.authorization.k8s.io/v1");
  EXPECT_EQ(resources::pods().api_version(), "v1");
}

TEST(Query, EncodesSelectorsAndTokens) {
  Query q;
  q.add("labelSelector", "app in (web,api),tier!=db")
      .add("fieldSelector", "metadata.name=x")
      .add_if("resourceVersion", "")
      .add("continue", "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==/+");
  EXPECT_EQ(q.str(),
            "?labelSelector=app%20in%20%28web%2Capi%29%2Ctier%21%3Ddb"
            "&fieldSelector=metadata.name%3Dx"
            "&continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ%3D%3D%2F%2B");
  EXPECT_EQ(Query().str(), "");
  EXPECT_EQ(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
  EXPECT_EQ(percent_encode("\xff\n"), "%FF%0A");
}

}  // namespace
}  // namespace tierguard::kube
