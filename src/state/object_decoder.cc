#include "state/object_decoder.h"

#include <algorithm>
#include <array>

#include "state/decode_error.h"
#include "state/kube_decoders.h"
#include "state/tier_decoder.h"

namespace tierguard::state {
namespace {

using Kind = ObjectKind;

struct KindEntry {
  std::string_view kind;
  std::string_view api_version;
  Kind id;
};

constexpr std::array kKinds{
    KindEntry{"PrivilegeTier", "tierguard.io/v1alpha1", Kind::kTier},
    KindEntry{"Namespace", "v1", Kind::kNamespace},
    KindEntry{"ServiceAccount", "v1", Kind::kServiceAccount},
    KindEntry{"Role", "rbac.authorization.k8s.io/v1", Kind::kRole},
    KindEntry{"ClusterRole", "rbac.authorization.k8s.io/v1", Kind::kClusterRole},
    KindEntry{"RoleBinding", "rbac.authorization.k8s.io/v1", Kind::kRoleBinding},
    KindEntry{"ClusterRoleBinding", "rbac.authorization.k8s.io/v1", Kind::kClusterRoleBinding},
    KindEntry{"Pod", "v1", Kind::kPod},
    KindEntry{"Deployment", "apps/v1", Kind::kDeployment},
    KindEntry{"StatefulSet", "apps/v1", Kind::kStatefulSet},
    KindEntry{"DaemonSet", "apps/v1", Kind::kDaemonSet},
    KindEntry{"ReplicaSet", "apps/v1", Kind::kReplicaSet},
    KindEntry{"Job", "batch/v1", Kind::kJob},
    KindEntry{"CronJob", "batch/v1", Kind::kCronJob},
};

// Kinds that carry no privileges tierguard governs; read and reported as skipped.
constexpr std::array<std::string_view, 24> kSkippedKinds{
    "ConfigMap", "Secret", "Service", "Endpoints", "EndpointSlice", "Ingress", "IngressClass",
    "NetworkPolicy", "PersistentVolumeClaim", "PersistentVolume", "StorageClass",
    "HorizontalPodAutoscaler", "PodDisruptionBudget", "LimitRange", "ResourceQuota",
    "PriorityClass", "CustomResourceDefinition", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "Lease", "Event", "Elevation", "ElevationApproval",
    "PolicyReport",
};

const KindEntry* find_kind(std::string_view kind) {
  for (const auto& e : kKinds)
    if (e.kind == kind) return &e;
  return nullptr;
}

void require_name(const ObjectHeader& h, bool namespaced, bool generated_ok) {
  if (h.name.empty() && !(generated_ok && !h.generate_name.empty()))
    throw DecodeError("metadata.name", "required field is missing or empty");
  if (!namespaced && !h.namespace_name.empty())
    throw DecodeError("metadata.namespace", h.kind + " is cluster-scoped; remove the namespace");
}

void decode_body(Kind kind, const JsonReader& object, DecodedObject& out) {
  const ObjectHeader& h = out.header;
  using policy::BindingKind;
  using policy::RoleKind;
  using policy::WorkloadKind;
  switch (kind) {
    case Kind::kTier: out.value = decode_tier(object, h); break;
    case Kind::kNamespace:
      require_name(h, false, false);
      out.value = decode_namespace(object, h);
      break;
    case Kind::kServiceAccount:
      require_name(h, true, false);
      out.value = decode_service_account(object, h);
      break;
    case Kind::kRole:
      require_name(h, true, false);
      out.value = decode_role(object, h, RoleKind::kRole);
      break;
    case Kind::kClusterRole:
      require_name(h, false, false);
      out.value = decode_role(object, h, RoleKind::kClusterRole);
      break;
    case Kind::kRoleBinding:
      require_name(h, true, false);
      out.value = decode_binding(object, h, BindingKind::kRoleBinding);
      break;
    case Kind::kClusterRoleBinding:
      require_name(h, false, false);
      out.value = decode_binding(object, h, BindingKind::kClusterRoleBinding);
      break;
    case Kind::kPod: out.value = decode_workload(object, h, WorkloadKind::kPod); break;
    case Kind::kDeployment: out.value = decode_workload(object, h, WorkloadKind::kDeployment); break;
    case Kind::kStatefulSet: out.value = decode_workload(object, h, WorkloadKind::kStatefulSet); break;
    case Kind::kDaemonSet: out.value = decode_workload(object, h, WorkloadKind::kDaemonSet); break;
    case Kind::kReplicaSet: out.value = decode_workload(object, h, WorkloadKind::kReplicaSet); break;
    case Kind::kJob: out.value = decode_workload(object, h, WorkloadKind::kJob); break;
    case Kind::kCronJob: out.value = decode_workload(object, h, WorkloadKind::kCronJob); break;
  }
  if (std::holds_alternative<policy::Workload>(out.value)) require_name(h, true, true);
}

}  // namespace

DecodedObject decode_object(const rapidjson::Value& value) {
  const JsonReader object(value, "");
  DecodedObject out{decode_header(object), SkippedObject{}};
  const ObjectHeader& h = out.header;
  if (h.kind.empty()) throw DecodeError("kind", "required field is missing or empty");
  if (h.api_version.empty()) throw DecodeError("apiVersion", "required field is missing or empty");
  const KindEntry* entry = find_kind(h.kind);
  if (entry == nullptr) {
    if (std::find(kSkippedKinds.begin(), kSkippedKinds.end(), h.kind) != kSkippedKinds.end()) return out;
    throw DecodeError("kind", "unknown kind \"" + h.kind + "\" (apiVersion " + h.api_version +
                                  "); tierguard reads PrivilegeTiers, Namespaces, ServiceAccounts, "
                                  "RBAC objects, Pods and workloads");
  }
  if (h.api_version != entry->api_version) {
    throw DecodeError("apiVersion", "kind " + h.kind + " is read as " + std::string(entry->api_version) +
                                        ", not \"" + h.api_version + "\"");
  }
  decode_body(entry->id, object, out);
  return out;
}

DecodedObject decode_object_as(ObjectKind kind, const rapidjson::Value& value) {
  const JsonReader object(value, "");
  DecodedObject out{decode_header(object), SkippedObject{}};
  out.header.kind = std::string(kind_name(kind));
  out.header.api_version = std::string(kind_api_version(kind));
  decode_body(kind, object, out);
  return out;
}

std::string_view kind_name(ObjectKind kind) { return kKinds[static_cast<size_t>(kind)].kind; }
std::string_view kind_api_version(ObjectKind kind) {
  return kKinds[static_cast<size_t>(kind)].api_version;
}


}  // namespace tierguard::state
