#include "state/manifest_state.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::contains;
using testing::error_of;
using testing::TempDir;

std::vector<ManifestDocument> docs(const std::string& file, const std::string& yaml) {
  return parse_manifest_text(file, yaml);
}

std::vector<ManifestDocument> concat(std::vector<ManifestDocument> a, std::vector<ManifestDocument> b) {
  for (auto& d : b) a.push_back(std::move(d));
  return a;
}

const std::string kTiers =
    "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: base}\n"
    "spec: {rank: 1, default: true, placement: {namespaceSelector: {}}}\n";

TEST(DecodeManifests, DefaultNamespaceIsAppliedToNamespacedObjectsOnly) {
  const auto set = decode_manifests(docs("a.yaml",
                                         "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
                                         "roleRef: {kind: Role, name: r}\n---\n"
                                         "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n---\n"
                                         "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n---\n"
                                         "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: explicit}\nspec: {}\n"),
                                    "team");
  ASSERT_EQ(set.objects.size(), 7u);
  EXPECT_EQ(std::get<policy::ServiceAccount>(set.objects[0].object.value).namespace_name, "team");
  EXPECT_EQ(std::get<policy::Role>(set.objects[1].object.value).namespace_name, "team");
  EXPECT_EQ(std::get<policy::Binding>(set.objects[2].object.value).namespace_name, "team");
  EXPECT_EQ(std::get<policy::Workload>(set.objects[3].object.value).namespace_name, "team");
  EXPECT_EQ(set.objects[3].object.header.namespace_name, "team");
  EXPECT_EQ(std::get<policy::Role>(set.objects[4].object.value).namespace_name, "");
  EXPECT_EQ(set.objects[4].object.header.namespace_name, "");
  EXPECT_EQ(set.objects[5].object.header.namespace_name, "");
  EXPECT_EQ(std::get<policy::Workload>(set.objects[6].object.value).namespace_name, "explicit");
  EXPECT_EQ(set.objects[6].location, "a.yaml#6");
}

TEST(DecodeManifests, DefaultNamespaceIsDefault) {
  const auto set = decode_manifests(docs("a.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n"));
  EXPECT_EQ(std::get<policy::ServiceAccount>(set.objects.at(0).object.value).namespace_name, "default");
}

TEST(DecodeManifests, SkippedKindsAreCountedNotKept) {
  const auto set = decode_manifests(docs("a.yaml",
                                         "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                                         "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\n"
                                         "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n"));
  EXPECT_EQ(set.skipped, 2u);
  ASSERT_EQ(set.objects.size(), 1u);
  EXPECT_EQ(set.objects[0].location, "a.yaml#2");
}

TEST(DecodeManifests, DecodeErrorsNameTheDocumentAndField) {
  const auto message = error_of<ManifestError>([] {
    decode_manifests(docs("t.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n---\n"
                                    "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: t}\n"
                                    "spec: {placement: {namespaceSelector: {}}}\n"));
  });
  EXPECT_EQ(message, "t.yaml#1: spec.rank: required field is missing");
  const auto item = error_of<ManifestError>([] {
    decode_manifests(docs("l.yaml", "kind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: ok}}\n"
                                    "- {apiVersion: v1, kind: Frobnicator}\n"));
  });
  EXPECT_EQ(item.rfind("l.yaml#0 items[1]: kind: unknown kind \"Frobnicator\"", 0), 0u) << item;
}

TEST(DecodeManifests, DuplicatesAreRejectedWithBothLocations) {
  const auto message = error_of<ManifestError>([] {
    decode_manifests(concat(docs("a.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n"),
                            docs("b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n"
                                           "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n")));
  });
  EXPECT_EQ(message, "b.yaml#1: duplicate ServiceAccount shop/api (first defined at a.yaml#0)");
}

TEST(DecodeManifests, DuplicateAfterDefaultingTheNamespace) {
  const auto message = error_of<ManifestError>([] {
    decode_manifests(docs("a.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: default}\n---\n"
                                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n"));
  });
  EXPECT_EQ(message, "a.yaml#1: duplicate ServiceAccount default/api (first defined at a.yaml#0)");
}

TEST(DecodeManifests, DuplicateClusterScopedObjectsAndTiers) {
  EXPECT_EQ(error_of<ManifestError>([] {
              decode_manifests(docs("a.yaml", kTiers + "---\n" + kTiers));
            }),
            "a.yaml#1: duplicate PrivilegeTier base (first defined at a.yaml#0)");
  EXPECT_TRUE(contains(error_of<ManifestError>([] {
                         decode_manifests(docs("a.yaml",
                                               "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n---\n"
                                               "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n"));
                       }),
                       "duplicate ClusterRole c"));
}

TEST(DecodeManifests, SameNameIsFineAcrossKindsAndNamespaces) {
  const auto set = decode_manifests(docs("a.yaml",
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x, namespace: a}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: x, namespace: b}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x}\n---\n"
                                         "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x, namespace: a}\n---\n"
                                         "apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-, namespace: a}\nspec: {}\n---\n"
                                         "apiVersion: v1\nkind: Pod\nmetadata: {generateName: x-, namespace: a}\nspec: {}\n"));
  EXPECT_EQ(set.objects.size(), 6u);
}

TEST(BuildSnapshot, SecondDefaultTierNamesTheFileAndField) {
  const std::string second =
      "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: zz-also-default}\n"
      "spec: {rank: 5, default: true, placement: {namespaceSelector: {}}}\n";
  const auto set = decode_manifests(concat(docs("tiers.yaml", kTiers), docs("more.yaml", "apiVersion: v1\nkind: Namespace\n"
                                                                                          "metadata: {name: ns}\n---\n" + second)));
  const auto message = error_of<ManifestError>([&] { build_snapshot(set); });
  EXPECT_EQ(message.rfind("more.yaml#1: spec.default: PrivilegeTier \"zz-also-default\" is a second default tier", 0), 0u)
      << message;
  EXPECT_TRUE(contains(message, "\"base\" is already the default")) << message;
}

TEST(BuildSnapshot, HoldsEveryObject) {
  const auto set = decode_manifests(docs("all.yaml",
                                         kTiers + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                                                  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n---\n"
                                                  "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: c}\n---\n"
                                                  "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
                                                  "metadata: {name: b, namespace: shop}\nroleRef: {kind: ClusterRole, name: c}\n"
                                                  "subjects: [{kind: ServiceAccount, name: api}]\n---\n"
                                                  "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
                                                  "spec: {serviceAccountName: api}\n"));
  const auto snapshot = build_snapshot(set);
  const auto counts = snapshot->counts();
  EXPECT_EQ(counts.tiers, 1u);
  EXPECT_EQ(counts.namespaces, 1u);
  EXPECT_EQ(counts.service_accounts, 1u);
  EXPECT_EQ(counts.roles, 1u);
  EXPECT_EQ(counts.bindings, 1u);
  EXPECT_EQ(counts.workloads, 1u);
  int bindings = 0;
  snapshot->for_each_binding_of("shop", "api", [&](const policy::Binding& b) {
    ++bindings;
    EXPECT_EQ(b.name, "b");
  });
  EXPECT_EQ(bindings, 1);
  EXPECT_EQ(snapshot->units_using("shop", "api"), (std::vector<policy::WorkloadKey>{{"Pod", "p"}}));
}

TEST(LoadSnapshot, ReadsDecodesAndBuilds) {
  TempDir dir;
  dir.write("10-tiers.yaml", kTiers);
  dir.write("20-ns/shop.json", R"({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})");
  dir.write("ignored.txt", "not: [yaml");
  const auto snapshot = load_snapshot({dir.str()});
  EXPECT_NE(snapshot->find_tier("base"), nullptr);
  EXPECT_NE(snapshot->find_namespace("shop"), nullptr);
}

TEST(LoadSnapshot, ErrorsNameTheFile) {
  TempDir dir;
  const auto bad = dir.write("bad.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: [x]}\n");
  EXPECT_EQ(error_of<ManifestError>([&] { load_snapshot({dir.str()}); }),
            bad.string() + "#0: metadata.name: expected a string, got array");
}

TEST(ApplyAndRemoveObject, RoundTrip) {
  const auto set = decode_manifests(docs("a.yaml",
                                         kTiers + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n"
                                                  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: shop}\n---\n"
                                                  "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: shop}\n---\n"
                                                  "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\n"
                                                  "metadata: {name: b, namespace: shop}\nroleRef: {kind: Role, name: r}\n"
                                                  "subjects: [{kind: ServiceAccount, name: api}]\n---\n"
                                                  "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\n"
                                                  "spec: {template: {spec: {serviceAccountName: api}}}\n---\n"
                                                  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\n"));
  Snapshot snapshot;
  for (const auto& o : set.objects) apply_object(snapshot, o.object);
  const auto full = snapshot.counts();
  EXPECT_EQ(full.tiers + full.namespaces + full.service_accounts + full.roles + full.bindings + full.workloads, 6u);
  for (const auto& o : set.objects) remove_object(snapshot, o.object);
  const auto empty = snapshot.counts();
  EXPECT_EQ(empty.tiers + empty.namespaces + empty.service_accounts + empty.roles + empty.bindings + empty.workloads, 0u);
  bool visited = false;
  snapshot.for_each_binding_of("shop", "api", [&](const policy::Binding&) { visited = true; });
  snapshot.for_each_binding_to(policy::RoleKind::kRole, "shop", "r", [&](const policy::Binding&) { visited = true; });
  EXPECT_FALSE(visited);
  EXPECT_TRUE(snapshot.units_using("shop", "api").empty());
  // Skipped objects are ignored both ways.
  DecodedObject skipped;
  EXPECT_NO_THROW(apply_object(snapshot, skipped));
  EXPECT_NO_THROW(remove_object(snapshot, skipped));
}

TEST(ObjectLabel, Forms) {
  const auto set = decode_manifests(docs("a.yaml",
                                         "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: prod}\nspec: {}\n---\n"
                                         "apiVersion: v1\nkind: Pod\nmetadata: {generateName: job-, namespace: prod}\nspec: {}\n---\n"
                                         "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: admin}\n---\n"
                                         "apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\n"
                                         "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api}\n"));
  ASSERT_EQ(set.objects.size(), 5u);
  EXPECT_EQ(object_label(set.objects[0].object), "Pod prod/web");
  EXPECT_EQ(object_label(set.objects[1].object), "Pod prod/job-*");
  EXPECT_EQ(object_label(set.objects[2].object), "ClusterRole admin");
  EXPECT_EQ(object_label(set.objects[3].object), "Namespace prod");
  EXPECT_EQ(object_label(set.objects[4].object), "ServiceAccount default/api");
}

}  // namespace
}  // namespace tierguard::state
