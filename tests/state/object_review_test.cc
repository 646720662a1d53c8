#include "state/object_review.h"

#include <gtest/gtest.h>

#include "state/manifest_state.h"
#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::contains;

// A snapshot with one tier ("restricted": configmaps only, placed in env=prod) and the objects
// the decoded manifests below refer to.
class ObjectReview : public ::testing::Test {
 protected:
  ObjectReview() {
    const auto set = decode_manifests(parse_manifest_text("state.yaml", R"(
apiVersion: tierguard.io/v1alpha1
kind: PrivilegeTier
metadata: {name: restricted}
spec:
  rank: 1
  default: true
  placement: {namespaceSelector: {matchLabels: {env: prod}}}
  standing:
    rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm, namespace: shop}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: cm, namespace: shop}
roleRef: {kind: Role, name: cm}
subjects: [{kind: ServiceAccount, name: api}]
)"));
    snapshot_ = build_snapshot(set);
  }

  DecodedObject decoded(const std::string& yaml) const {
    auto set = decode_manifests(parse_manifest_text("x.yaml", yaml));
    EXPECT_EQ(set.objects.size(), 1u);
    return std::move(set.objects.at(0).object);
  }

  std::optional<policy::Decision> review(const std::string& yaml, policy::Operation op = policy::Operation::kCreate) const {
    policy::ReviewContext context;
    context.operation = op;
    context.requester.username = "alice";
    return review_object(*snapshot_, decoded(yaml), context, policy::PolicyOptions{});
  }

  std::unique_ptr<Snapshot> snapshot_;
};

TEST_F(ObjectReview, IsReviewableByKind) {
  EXPECT_TRUE(is_reviewable(decoded("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {}\n")));
  EXPECT_TRUE(is_reviewable(decoded("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n")));
  EXPECT_TRUE(is_reviewable(decoded("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
                                    "roleRef: {kind: Role, name: r}\n")));
  EXPECT_FALSE(is_reviewable(decoded("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n")));
  EXPECT_FALSE(is_reviewable(decoded("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n")));
  EXPECT_FALSE(is_reviewable(DecodedObject{}));
}

TEST_F(ObjectReview, WorkloadsGoToTheWorkloadReview) {
  const auto ok = review("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\n"
                         "spec: {template: {spec: {serviceAccountName: api, automountServiceAccountToken: false}}}\n");
  ASSERT_TRUE(ok.has_value());
  EXPECT_TRUE(ok->allowed) << ok->message();
  EXPECT_EQ(ok->service_account, "shop/api");
  EXPECT_EQ(ok->tier, "restricted");
  const auto denied = review("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: lab}\nspec: {serviceAccountName: api}\n");
  ASSERT_TRUE(denied.has_value());
  EXPECT_FALSE(denied->allowed);
  EXPECT_TRUE(contains(denied->message(), "placement")) << denied->message();
}

TEST_F(ObjectReview, BindingsGoToTheBindingReview) {
  const auto d = review("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: more, namespace: shop}\n"
                        "roleRef: {kind: ClusterRole, name: missing}\nsubjects: [{kind: ServiceAccount, name: api}]\n");
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->allowed);
  ASSERT_EQ(d->warnings.size(), 1u);
  EXPECT_TRUE(contains(d->warnings[0], "does not exist yet")) << d->warnings[0];
}

TEST_F(ObjectReview, RolesGoToTheRoleReview) {
  const std::string wider = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: cm, namespace: shop}\n"
                            "rules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get]}]\n";
  const auto d = review(wider);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->allowed);
  EXPECT_TRUE(contains(d->message(), "RoleBinding shop/cm")) << d->message();
  const auto deleted = review(wider, policy::Operation::kDelete);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_TRUE(deleted->allowed);
}

TEST_F(ObjectReview, OtherKindsAreNotReviewed) {
  EXPECT_FALSE(review("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n").has_value());
  EXPECT_FALSE(review("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s}\n").has_value());
  EXPECT_FALSE(review("apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: t}\n"
                      "spec: {rank: 2, placement: {namespaceSelector: {}}}\n")
                   .has_value());
  EXPECT_FALSE(review_object(*snapshot_, DecodedObject{}, {}, {}).has_value());
}

}  // namespace
}  // namespace tierguard::state
