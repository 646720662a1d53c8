#include "state/object_decoder.h"

#include <gtest/gtest.h>

#include "state/yaml_json.h"
#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::decode_error_of;

DecodedObject decode_yaml(const std::string& yaml) {
  auto docs = yaml_to_json(yaml);
  EXPECT_EQ(docs.size(), 1u);
  return decode_object(docs.at(0));
}

DecodeError decode_yaml_error(const std::string& yaml) {
  return decode_error_of([&] { decode_yaml(yaml); });
}

const char* kPodSpec = "spec: {serviceAccountName: sa}\n";
const char* kTemplate = "spec: {template: {spec: {serviceAccountName: sa}}}\n";

TEST(DecodeObject, EveryKindTierguardReads) {
  struct Case {
    std::string yaml;
    size_t variant;  // index in ObjectValue
  };
  const std::string tier =
      "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: t}\n"
      "spec: {rank: 1, placement: {namespaceSelector: {}}}\n";
  const Case cases[] = {
      {tier, 1},
      {"apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n", 2},
      {"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: ns}\n", 3},
      {"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: ns}\n", 4},
      {"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n", 4},
      {"apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: ns}\n"
       "roleRef: {kind: Role, name: r}\n",
       5},
      {"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\n"
       "roleRef: {kind: ClusterRole, name: r}\n",
       5},
      {std::string("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n") + kPodSpec, 6},
      {std::string("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w, namespace: ns}\n") + kTemplate, 6},
      {std::string("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w, namespace: ns}\n") + kTemplate, 6},
      {std::string("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w, namespace: ns}\n") + kTemplate, 6},
      {std::string("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w, namespace: ns}\n") + kTemplate, 6},
      {std::string("apiVersion: batch/v1\nkind: Job\nmetadata: {name: w, namespace: ns}\n") + kTemplate, 6},
      {"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w, namespace: ns}\n"
       "spec: {jobTemplate: {spec: {template: {spec: {serviceAccountName: sa}}}}}\n",
       6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    const auto decoded = decode_yaml(c.yaml);
    EXPECT_EQ(decoded.value.index(), c.variant);
  }
}

TEST(DecodeObject, WorkloadKindsAreKept) {
  const auto job = decode_yaml(std::string("apiVersion: batch/v1\nkind: Job\nmetadata: {name: w, namespace: ns}\n") + kTemplate);
  EXPECT_EQ(std::get<policy::Workload>(job.value).kind, policy::WorkloadKind::kJob);
  const auto ds = decode_yaml(std::string("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: w, namespace: ns}\n") + kTemplate);
  EXPECT_EQ(std::get<policy::Workload>(ds.value).kind, policy::WorkloadKind::kDaemonSet);
}

TEST(DecodeObject, SkippedKinds) {
  for (const char* kind : {"ConfigMap", "Secret", "Service", "CustomResourceDefinition", "Elevation", "PolicyReport"}) {
    const auto decoded = decode_yaml(std::string("apiVersion: whatever/v9\nkind: ") + kind + "\nmetadata: {name: x}\n");
    EXPECT_TRUE(std::holds_alternative<SkippedObject>(decoded.value)) << kind;
    EXPECT_EQ(decoded.header.kind, kind);
  }
}

TEST(DecodeObject, UnknownKind) {
  const auto e = decode_yaml_error("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n");
  EXPECT_EQ(e.field(), "kind");
  EXPECT_EQ(e.problem().rfind("unknown kind \"Widget\" (apiVersion example.com/v1)", 0), 0u) << e.problem();
}

TEST(DecodeObject, WrongApiVersion) {
  const auto e = decode_yaml_error(std::string("apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: w}\n") + kTemplate);
  EXPECT_EQ(e.field(), "apiVersion");
  EXPECT_EQ(e.problem(), "kind Deployment is read as apps/v1, not \"extensions/v1beta1\"");
  EXPECT_EQ(decode_yaml_error("apiVersion: tierguard.io/v1\nkind: PrivilegeTier\nmetadata: {name: t}\n").field(),
            "apiVersion");
}

TEST(DecodeObject, MissingKindOrApiVersion) {
  EXPECT_EQ(decode_yaml_error("apiVersion: v1\nmetadata: {name: x}\n").field(), "kind");
  EXPECT_EQ(decode_yaml_error("kind: Namespace\nmetadata: {name: x}\n").field(), "apiVersion");
  EXPECT_EQ(decode_yaml_error("kind: 5\napiVersion: v1\n").field(), "kind");
}

TEST(DecodeObject, MissingName) {
  for (const char* yaml : {"apiVersion: v1\nkind: Namespace\n", "apiVersion: v1\nkind: ServiceAccount\nmetadata: {namespace: ns}\n",
                           "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: ''}\n",
                           "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {generateName: r-}\n"}) {
    const auto e = decode_yaml_error(yaml);
    EXPECT_EQ(e.field(), "metadata.name") << yaml;
    EXPECT_EQ(e.problem(), "required field is missing or empty") << yaml;
  }
  const auto pod = decode_yaml_error(std::string("apiVersion: v1\nkind: Pod\nmetadata: {namespace: ns}\n") + kPodSpec);
  EXPECT_EQ(pod.field(), "metadata.name");
}

TEST(DecodeObject, GenerateNameIsEnoughForWorkloads) {
  const auto decoded = decode_yaml(std::string("apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: ns}\n") + kPodSpec);
  const auto& pod = std::get<policy::Workload>(decoded.value);
  EXPECT_EQ(pod.name, "web-*");
  EXPECT_EQ(decoded.header.display_name(), "web-*");
}

TEST(DecodeObject, ClusterScopedKindsRejectANamespace) {
  const std::string cases[] = {
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: x, namespace: other}\n",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x, namespace: other}\n",
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x, namespace: other}\n"
      "roleRef: {kind: ClusterRole, name: r}\n",
      "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: x, namespace: other}\n"
      "spec: {rank: 1, placement: {namespaceSelector: {}}}\n",
  };
  for (const auto& yaml : cases) {
    const auto e = decode_yaml_error(yaml);
    EXPECT_EQ(e.field(), "metadata.namespace") << yaml;
    EXPECT_TRUE(testing::contains(e.problem(), "is cluster-scoped; remove the namespace")) << e.problem();
  }
}

TEST(DecodeObject, NotAnObject) {
  const auto doc = testing::parse_json("[1, 2]");
  EXPECT_EQ(std::string(decode_error_of([&] { decode_object(doc); }).what()), "expected an object, got array");
}

TEST(DecodeHeader, MetadataFields) {
  const auto decoded = decode_yaml(
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n  labels: {app: web, \"on\": \"yes\"}\n"
      "  annotations: {tierguard.io/note: hi, other: dropped}\n  ownerReferences:\n  - {kind: ReplicaSet, name: rs, controller: true}\n"
      "  - {kind: Node, name: n1}\n" + std::string(kPodSpec));
  const auto& h = decoded.header;
  EXPECT_EQ(h.api_version, "v1");
  EXPECT_EQ(h.kind, "Pod");
  EXPECT_EQ(h.name, "p");
  EXPECT_EQ(h.namespace_name, "ns");
  EXPECT_EQ(h.labels, (policy::Labels{{"app", "web"}, {"on", "yes"}}));
  EXPECT_EQ(h.annotations, (policy::Labels{{"tierguard.io/note", "hi"}}));
  ASSERT_EQ(h.owners.size(), 2u);
  EXPECT_EQ(h.owners[0].kind, "ReplicaSet");
  EXPECT_TRUE(h.owners[0].controller);
  EXPECT_FALSE(h.owners[1].controller);
  const auto& pod = std::get<policy::Workload>(decoded.value);
  const policy::OwnerReference* controller = pod.controller();
  ASSERT_NE(controller, nullptr);
  EXPECT_EQ(controller->name, "rs");
}

TEST(DecodeHeader, WrongTypesNameTheField) {
  // An unquoted YAML 1.1 boolean as a label value is a classic mistake: it is not a string.
  const auto label = decode_yaml_error("apiVersion: v1\nkind: Namespace\nmetadata: {name: ns, labels: {enabled: yes}}\n");
  EXPECT_EQ(label.field(), "metadata.labels[enabled]");
  EXPECT_EQ(label.problem(), "expected a string, got boolean");
  EXPECT_EQ(decode_yaml_error("apiVersion: v1\nkind: Namespace\nmetadata: {name: 5}\n").field(), "metadata.name");
  EXPECT_EQ(decode_yaml_error("apiVersion: v1\nkind: Namespace\nmetadata: [a]\n").field(), "metadata");
  EXPECT_EQ(decode_yaml_error("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences: [{name: x}]\n" +
                              std::string(kPodSpec))
                .field(),
            "metadata.ownerReferences[0].kind");
  EXPECT_EQ(decode_yaml_error("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  ownerReferences: [{kind: X, name: x, "
                              "controller: \"true\"}]\n" +
                              std::string(kPodSpec))
                .field(),
            "metadata.ownerReferences[0].controller");
}

TEST(DecodeHeader, Yaml11BooleansAreNotNames) {
  // As with kubectl (go-yaml v2), an unquoted n, y, no, on… is a boolean, not a name.
  const auto e = decode_yaml_error("apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n");
  EXPECT_EQ(e.field(), "metadata.name");
  EXPECT_EQ(e.problem(), "expected a string, got boolean");
  EXPECT_EQ(decode_yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: \"n\"}\n").header.name, "n");
}

TEST(DisplayName, NameGenerateNameOrUnnamed) {
  ObjectHeader h;
  EXPECT_EQ(h.display_name(), "<unnamed>");
  h.generate_name = "g-";
  EXPECT_EQ(h.display_name(), "g-*");
  h.name = "n";
  EXPECT_EQ(h.display_name(), "n");
}

}  // namespace
}  // namespace tierguard::state
