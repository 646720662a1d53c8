#pragma once

#include <rapidjson/document.h>

#include <variant>

#include "policy/objects.h"
#include "policy/rbac.h"
#include "policy/tier.h"
#include "state/object_header.h"

namespace tierguard::state {

// A Kubernetes kind tierguard knows but has no use for (Service, ConfigMap, …).
struct SkippedObject {};

using ObjectValue = std::variant<SkippedObject, policy::PrivilegeTier, policy::Namespace,
                                 policy::ServiceAccount, policy::Role, policy::Binding,
                                 policy::Workload>;

struct DecodedObject {
  ObjectHeader header;
  ObjectValue value;
};

// The kinds tierguard reads, in the order of their table in object_decoder.cc.
enum class ObjectKind {
  kTier, kNamespace, kServiceAccount, kRole, kClusterRole, kRoleBinding, kClusterRoleBinding,
  kPod, kDeployment, kStatefulSet, kDaemonSet, kReplicaSet, kJob, kCronJob,
};

// "PrivilegeTier", "Pod", … and the apiVersion tierguard reads the kind as.
std::string_view kind_name(ObjectKind kind);
std::string_view kind_api_version(ObjectKind kind);

// Decodes one object by its apiVersion and kind. A kind tierguard does not know, or an
// apiVersion it does not serve for that kind, is a DecodeError naming the field.
DecodedObject decode_object(const rapidjson::Value& object);

// Decodes an object known to be of `kind` (a LIST response's items carry no kind or
// apiVersion): only the shape of the fields tierguard reads is checked.
DecodedObject decode_object_as(ObjectKind kind, const rapidjson::Value& object);

}  // namespace tierguard::state
