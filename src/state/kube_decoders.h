#pragma once

#include "policy/objects.h"
#include "policy/rbac.h"
#include "state/object_header.h"

namespace tierguard::state {

// Decoders for the Kubernetes kinds tierguard reads. Each reads only the fields decisions need,
// ignores the rest (the apiserver has validated them), and throws DecodeError naming the field
// when a field it reads has the wrong shape.
policy::Namespace decode_namespace(const JsonReader& object, const ObjectHeader& header);
policy::ServiceAccount decode_service_account(const JsonReader& object, const ObjectHeader& header);
policy::Role decode_role(const JsonReader& object, const ObjectHeader& header, policy::RoleKind kind);
policy::Binding decode_binding(const JsonReader& object, const ObjectHeader& header,
                               policy::BindingKind kind);
policy::Workload decode_workload(const JsonReader& object, const ObjectHeader& header,
                                 policy::WorkloadKind kind);

// A list of rbac/v1 PolicyRules at `key` of `parent` (shared with the tier decoder).
std::vector<policy::PolicyRule> decode_rules(const JsonReader& parent, std::string_view key);

}  // namespace tierguard::state
