#include "state/kube_decoders.h"

#include "state/decode_error.h"
#include "state/tier_decoder.h"

namespace tierguard::state {
namespace {

policy::PodSpecSummary decode_pod_spec(const JsonReader& spec) {
  policy::PodSpecSummary pod;
  pod.service_account_name = spec.string("serviceAccountName").value_or("");
  // The deprecated alias still works when serviceAccountName is unset.
  if (pod.service_account_name.empty()) pod.service_account_name = spec.string("serviceAccount").value_or("");
  pod.automount_token = spec.boolean("automountServiceAccountToken");
  return pod;
}

JsonReader template_spec(const JsonReader& spec) {
  return spec.required_object("template").required_object("spec");
}

}  // namespace

policy::Namespace decode_namespace(const JsonReader&, const ObjectHeader& header) {
  return policy::Namespace{header.name, header.labels};
}

policy::ServiceAccount decode_service_account(const JsonReader& object, const ObjectHeader& header) {
  policy::ServiceAccount sa;
  sa.namespace_name = header.namespace_name;
  sa.name = header.name;
  sa.labels = header.labels;
  sa.annotations = header.annotations;
  sa.automount_token = object.boolean("automountServiceAccountToken");
  return sa;
}

std::vector<policy::PolicyRule> decode_rules(const JsonReader& parent, std::string_view key) {
  std::vector<policy::PolicyRule> rules;
  for (const auto& r : parent.object_list(key)) {
    policy::PolicyRule rule;
    rule.verbs = r.string_list("verbs");
    rule.api_groups = r.string_list("apiGroups");
    rule.resources = r.string_list("resources");
    rule.resource_names = r.string_list("resourceNames");
    rule.non_resource_urls = r.string_list("nonResourceURLs");
    rules.push_back(std::move(rule));
  }
  return rules;
}

policy::Role decode_role(const JsonReader& object, const ObjectHeader& header, policy::RoleKind kind) {
  policy::Role role;
  role.kind = kind;
  role.namespace_name = kind == policy::RoleKind::kRole ? header.namespace_name : "";
  role.name = header.name;
  role.labels = header.labels;
  role.rules = decode_rules(object, "rules");
  if (kind == policy::RoleKind::kClusterRole) {
    if (auto aggregation = object.object("aggregationRule")) {
      for (const auto& selector : aggregation->object_list("clusterRoleSelectors")) {
        role.aggregation_selectors.push_back(decode_selector(selector));
      }
    }
  }
  return role;
}

policy::Binding decode_binding(const JsonReader& object, const ObjectHeader& header,
                               policy::BindingKind kind) {
  policy::Binding b;
  b.kind = kind;
  b.namespace_name = kind == policy::BindingKind::kRoleBinding ? header.namespace_name : "";
  b.name = header.name;
  b.labels = header.labels;
  b.annotations = header.annotations;
  const auto ref = object.required_object("roleRef");
  const auto ref_kind = ref.required_string("kind");
  if (ref_kind == "Role") {
    b.role_ref.kind = policy::RoleKind::kRole;
  } else if (ref_kind == "ClusterRole") {
    b.role_ref.kind = policy::RoleKind::kClusterRole;
  } else {
    throw DecodeError(ref.field_path("kind"), "must be Role or ClusterRole, got \"" + ref_kind + "\"");
  }
  b.role_ref.name = ref.required_string("name");
  for (const auto& s : object.object_list("subjects")) {
    policy::Subject subject;
    const auto subject_kind = s.required_string("kind");
    if (subject_kind == "ServiceAccount") {
      subject.kind = policy::SubjectKind::kServiceAccount;
    } else if (subject_kind == "User") {
      subject.kind = policy::SubjectKind::kUser;
    } else if (subject_kind == "Group") {
      subject.kind = policy::SubjectKind::kGroup;
    } else {
      throw DecodeError(s.field_path("kind"),
                        "must be ServiceAccount, User or Group, got \"" + subject_kind + "\"");
    }
    subject.name = s.required_string("name");
    subject.namespace_name = s.string("namespace").value_or("");
    b.subjects.push_back(std::move(subject));
  }
  return b;
}

policy::Workload decode_workload(const JsonReader& object, const ObjectHeader& header,
                                 policy::WorkloadKind kind) {
  policy::Workload w;
  w.kind = kind;
  w.namespace_name = header.namespace_name;
  w.name = header.display_name();
  w.owners = header.owners;
  const auto spec = object.required_object("spec");
  switch (kind) {
    case policy::WorkloadKind::kPod: w.pod = decode_pod_spec(spec); break;
    case policy::WorkloadKind::kCronJob:
      w.pod = decode_pod_spec(template_spec(spec.required_object("jobTemplate").required_object("spec")));
      break;
    default: w.pod = decode_pod_spec(template_spec(spec)); break;
  }
  return w;
}

}  // namespace tierguard::state
