#include "state/kube_decoders.h"

#include <gtest/gtest.h>

#include "state/object_decoder.h"
#include "state/yaml_json.h"
#include "test_util.h"

namespace tierguard::state {
namespace {

using testing::decode_error_of;

template <typename T>
T decode_as(const std::string& yaml) {
  auto docs = yaml_to_json(yaml);
  EXPECT_EQ(docs.size(), 1u);
  auto decoded = decode_object(docs.at(0));
  EXPECT_TRUE(std::holds_alternative<T>(decoded.value)) << yaml;
  return std::get<T>(std::move(decoded.value));
}

DecodeError error_for(const std::string& yaml) {
  return decode_error_of([&] { decode_object(yaml_to_json(yaml).at(0)); });
}

const std::string kRbac = "apiVersion: rbac.authorization.k8s.io/v1\n";

TEST(DecodeNamespace, NameAndLabels) {
  const auto ns = decode_as<policy::Namespace>("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {env: prod}}\n");
  EXPECT_EQ(ns.name, "shop");
  EXPECT_EQ(ns.labels, (policy::Labels{{"env", "prod"}}));
}

TEST(DecodeServiceAccount, Fields) {
  const auto sa = decode_as<policy::ServiceAccount>(
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n  namespace: shop\n  labels: {app: api}\n"
      "  annotations: {tierguard.io/tier: standard}\nautomountServiceAccountToken: false\n");
  EXPECT_EQ(sa.namespace_name, "shop");
  EXPECT_EQ(sa.name, "api");
  EXPECT_EQ(sa.labels.at("app"), "api");
  EXPECT_EQ(sa.annotations.at("tierguard.io/tier"), "standard");
  EXPECT_EQ(sa.automount_token, false);
  const auto unset = decode_as<policy::ServiceAccount>("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a, namespace: ns}\n");
  EXPECT_FALSE(unset.automount_token.has_value());
  EXPECT_EQ(error_for("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\nautomountServiceAccountToken: \"no\"\n").field(),
            "automountServiceAccountToken");
}

TEST(DecodeRole, RulesAndScope) {
  const auto role = decode_as<policy::Role>(kRbac +
                                            "kind: Role\nmetadata: {name: r, namespace: shop, labels: {a: b}}\nrules:\n"
                                            "- apiGroups: ['']\n  resources: [pods, pods/log]\n  verbs: [get]\n"
                                            "  resourceNames: [web]\n- nonResourceURLs: ['/metrics']\n  verbs: [get]\n");
  EXPECT_EQ(role.kind, policy::RoleKind::kRole);
  EXPECT_EQ(role.namespace_name, "shop");
  EXPECT_EQ(role.labels.at("a"), "b");
  ASSERT_EQ(role.rules.size(), 2u);
  EXPECT_EQ(role.rules[0].api_groups, std::vector<std::string>{""});
  EXPECT_EQ(role.rules[0].resources, (std::vector<std::string>{"pods", "pods/log"}));
  EXPECT_EQ(role.rules[0].resource_names, std::vector<std::string>{"web"});
  EXPECT_EQ(role.rules[1].non_resource_urls, std::vector<std::string>{"/metrics"});

  const auto cluster = decode_as<policy::Role>(kRbac + "kind: ClusterRole\nmetadata: {name: c}\n");
  EXPECT_EQ(cluster.kind, policy::RoleKind::kClusterRole);
  EXPECT_EQ(cluster.namespace_name, "");
  EXPECT_TRUE(cluster.rules.empty());
}

TEST(DecodeRole, WrongTypesNameTheRuleField) {
  const auto verbs = error_for(kRbac + "kind: ClusterRole\nmetadata: {name: c}\nrules:\n- verbs: [get]\n- verbs: [get, 3]\n");
  EXPECT_EQ(verbs.field(), "rules[1].verbs[1]");
  EXPECT_EQ(error_for(kRbac + "kind: ClusterRole\nmetadata: {name: c}\nrules: [{verbs: get}]\n").field(), "rules[0].verbs");
  EXPECT_EQ(error_for(kRbac + "kind: ClusterRole\nmetadata: {name: c}\nrules: [get]\n").field(), "rules[0]");
  EXPECT_EQ(error_for(kRbac + "kind: ClusterRole\nmetadata: {name: c}\nrules: {verbs: [get]}\n").field(), "rules");
}

TEST(DecodeBinding, RoleRefAndSubjects) {
  const auto b = decode_as<policy::Binding>(
      kRbac +
      "kind: RoleBinding\nmetadata: {name: b, namespace: shop, labels: {x: z}, annotations: {tierguard.io/note: m, kubectl.kubernetes.io/last-applied-configuration: big}}\n"
      "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects:\n"
      "- {kind: ServiceAccount, name: api}\n- {kind: ServiceAccount, name: web, namespace: other}\n"
      "- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}\n- {kind: Group, name: devs}\n");
  EXPECT_EQ(b.kind, policy::BindingKind::kRoleBinding);
  EXPECT_EQ(b.namespace_name, "shop");
  EXPECT_EQ(b.role_ref, (policy::RoleRef{policy::RoleKind::kRole, "reader"}));
  EXPECT_EQ(b.labels.at("x"), "z");
  EXPECT_EQ(b.annotations.at("tierguard.io/note"), "m");
  EXPECT_EQ(b.annotations.size(), 1u) << "only tierguard.io/ annotations are kept";
  ASSERT_EQ(b.subjects.size(), 4u);
  EXPECT_EQ(b.subjects[0], (policy::Subject{policy::SubjectKind::kServiceAccount, "api", ""}));
  EXPECT_EQ(b.subjects[1], (policy::Subject{policy::SubjectKind::kServiceAccount, "web", "other"}));
  EXPECT_EQ(b.subjects[2], (policy::Subject{policy::SubjectKind::kUser, "alice", ""}));
  EXPECT_EQ(b.subjects[3], (policy::Subject{policy::SubjectKind::kGroup, "devs", ""}));

  const auto crb = decode_as<policy::Binding>(kRbac + "kind: ClusterRoleBinding\nmetadata: {name: c}\n"
                                                      "roleRef: {kind: ClusterRole, name: admin}\n");
  EXPECT_EQ(crb.kind, policy::BindingKind::kClusterRoleBinding);
  EXPECT_EQ(crb.namespace_name, "");
  EXPECT_EQ(crb.role_ref.kind, policy::RoleKind::kClusterRole);
  EXPECT_TRUE(crb.subjects.empty());
}

TEST(DecodeBinding, Errors) {
  const std::string head = kRbac + "kind: RoleBinding\nmetadata: {name: b, namespace: ns}\n";
  EXPECT_EQ(error_for(head).field(), "roleRef");
  const auto kind = error_for(head + "roleRef: {kind: Group, name: r}\n");
  EXPECT_EQ(kind.field(), "roleRef.kind");
  EXPECT_EQ(kind.problem(), "must be Role or ClusterRole, got \"Group\"");
  EXPECT_EQ(error_for(head + "roleRef: {kind: Role}\n").field(), "roleRef.name");
  const auto subject = error_for(head + "roleRef: {kind: Role, name: r}\nsubjects:\n- {kind: User, name: a}\n- {kind: Robot, name: b}\n");
  EXPECT_EQ(subject.field(), "subjects[1].kind");
  EXPECT_EQ(subject.problem(), "must be ServiceAccount, User or Group, got \"Robot\"");
  EXPECT_EQ(error_for(head + "roleRef: {kind: Role, name: r}\nsubjects: [{kind: User}]\n").field(), "subjects[0].name");
  EXPECT_EQ(error_for(head + "roleRef: {kind: Role, name: r}\nsubjects: [{kind: ServiceAccount, name: a, namespace: 1}]\n").field(),
            "subjects[0].namespace");
}

TEST(DecodeWorkload, PodSpec) {
  const auto pod = decode_as<policy::Workload>(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\n"
      "spec: {serviceAccountName: api, automountServiceAccountToken: true, containers: [{name: c, image: i}]}\n");
  EXPECT_EQ(pod.kind, policy::WorkloadKind::kPod);
  EXPECT_EQ(pod.namespace_name, "ns");
  EXPECT_EQ(pod.name, "p");
  EXPECT_EQ(pod.pod.service_account_name, "api");
  EXPECT_EQ(pod.pod.automount_token, true);

  const auto defaulted = decode_as<policy::Workload>("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n");
  EXPECT_EQ(defaulted.pod.service_account_name, "");
  EXPECT_EQ(defaulted.pod.effective_service_account(), "default");
  EXPECT_FALSE(defaulted.pod.automount_token.has_value());
}

TEST(DecodeWorkload, DeprecatedServiceAccountAlias) {
  const auto alias = decode_as<policy::Workload>("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {serviceAccount: old}\n");
  EXPECT_EQ(alias.pod.service_account_name, "old");
  const auto both = decode_as<policy::Workload>(
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {serviceAccount: old, serviceAccountName: new}\n");
  EXPECT_EQ(both.pod.service_account_name, "new");
}

TEST(DecodeWorkload, TemplatesOfEveryKind) {
  for (const char* kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}) {
    const auto w = decode_as<policy::Workload>(std::string("apiVersion: apps/v1\nkind: ") + kind +
                                               "\nmetadata: {name: w, namespace: ns}\n"
                                               "spec:\n  template:\n    spec: {serviceAccountName: api, automountServiceAccountToken: false}\n");
    EXPECT_EQ(w.pod.service_account_name, "api") << kind;
    EXPECT_EQ(w.pod.automount_token, false) << kind;
  }
  const auto job = decode_as<policy::Workload>("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\n"
                                               "spec: {template: {spec: {serviceAccountName: batch}}}\n");
  EXPECT_EQ(job.pod.service_account_name, "batch");
  const auto cron = decode_as<policy::Workload>("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\n"
                                                "spec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {serviceAccountName: nightly}}}}}\n");
  EXPECT_EQ(cron.kind, policy::WorkloadKind::kCronJob);
  EXPECT_EQ(cron.pod.service_account_name, "nightly");
}

TEST(DecodeWorkload, ErrorsNameTheField) {
  EXPECT_EQ(error_for("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n").field(), "spec");
  EXPECT_EQ(error_for("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 1}\n").field(),
            "spec.template");
  EXPECT_EQ(error_for("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: {}}}\n").field(),
            "spec.template.spec");
  EXPECT_EQ(error_for("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
                      "spec: {template: {spec: {serviceAccountName: [a]}}}\n")
                .field(),
            "spec.template.spec.serviceAccountName");
  EXPECT_EQ(error_for("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {}}}\n").field(),
            "spec.jobTemplate.spec.template");
  EXPECT_EQ(error_for("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {automountServiceAccountToken: 1}\n").field(),
            "spec.automountServiceAccountToken");
}

TEST(DecodeRules, SharedWithTheTierDecoder) {
  const auto doc = testing::parse_json(R"({"x": {"rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}]}})");
  const JsonReader root(doc, "");
  const auto rules = decode_rules(root.required_object("x"), "rules");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].verbs, std::vector<std::string>{"get"});
  EXPECT_TRUE(decode_rules(root.required_object("x"), "absent").empty());
}

}  // namespace
}  // namespace tierguard::state
