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

// Decodes one object by its apiVersion and kind. A kind tierguard does not know, or an
// apiVersion it does not serve for that kind, is a DecodeError naming the field.
DecodedObject decode_object(const rapidjson::Value& object);

}  // namespace tierguard::state
