#pragma once

#include <string>
#include <string_view>

#include "policy/cluster_view.h"

namespace tierguard::policy {

// How a ServiceAccount got its tier (or why it has none).
enum class TierSource {
  kAnnotation,         // tierguard.io/tier on the ServiceAccount
  kSelector,           // the lowest-ranked tier whose selectors match
  kDefault,            // no selector matched; the default tier
  kExempt,             // the namespace is exempt: not governed
  kNone,               // nothing matched and there is no default tier: denied
  kUnknownAnnotation,  // the annotation names a tier that does not exist: denied
};

struct TierResolution {
  const PrivilegeTier* tier = nullptr;
  TierSource source = TierSource::kNone;
  std::string explanation;  // one clause a person can read: why this tier, or why none

  bool governed() const { return source != TierSource::kExempt; }
};

// Resolves the tier of ServiceAccount NAMESPACE/NAME from the view: the annotation wins over
// selectors; among matching selectors the lowest rank wins, ties broken by name; otherwise the
// default tier; otherwise none (deny by default). A ServiceAccount not (yet) in the view is
// resolved from its namespace's labels alone.
TierResolution resolve_tier(const ClusterView& view, std::string_view namespace_name,
                            std::string_view name, const PolicyOptions& options);

// Resolution from explicit inputs (used by resolve_tier and by tests).
TierResolution resolve_tier(const std::vector<PrivilegeTier>& tiers_by_rank,
                            const ServiceAccount& account, const Labels& namespace_labels);

}  // namespace tierguard::policy
