#include "state/object_review.h"

#include "policy/rbac_review.h"
#include "policy/workload_review.h"

namespace tierguard::state {

bool is_reviewable(const DecodedObject& object) {
  return std::holds_alternative<policy::Workload>(object.value) ||
         std::holds_alternative<policy::Role>(object.value) ||
         std::holds_alternative<policy::Binding>(object.value);
}

std::optional<policy::Decision> review_object(const policy::ClusterView& view,
                                              const DecodedObject& object,
                                              const policy::ReviewContext& context,
                                              const policy::PolicyOptions& options) {
  if (const auto* w = std::get_if<policy::Workload>(&object.value))
    return policy::review_workload(view, *w, context, options);
  if (const auto* r = std::get_if<policy::Role>(&object.value))
    return policy::review_role(view, *r, context, options);
  if (const auto* b = std::get_if<policy::Binding>(&object.value))
    return policy::review_binding(view, *b, context, options);
  return std::nullopt;
}

}  // namespace tierguard::state
