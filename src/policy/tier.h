#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/labels.h"
#include "policy/rbac.h"

namespace tierguard::policy {

enum class Enforcement { kEnforce, kWarn, kAudit };
enum class AutomountRule { kAllow, kForbid };
enum class SharingAction { kFlag, kDeny };

std::string_view to_string(Enforcement value);
std::string_view to_string(AutomountRule value);
std::string_view to_string(SharingAction value);

// A UTC window in which elevation grants may start: [start_hour, end_hour) on the listed days
// (0 = Sunday … 6 = Saturday). end_hour may be 24.
struct TimeWindow {
  std::vector<int> weekdays;
  int start_hour = 0;
  int end_hour = 24;
};

struct ApprovalPolicy {
  bool required = false;
  std::vector<std::string> users;
  std::vector<std::string> groups;
  int count = 1;
};

// spec.elevation: what just-in-time grants SAs of this tier may request.
struct ElevationPolicy {
  std::vector<RoleRef> allowed_roles;
  std::chrono::seconds max_duration{3600};
  std::optional<LabelSelector> target_namespace_selector;  // absent: own namespace only
  std::vector<TimeWindow> windows;                          // empty: any time
  bool require_reason = true;
  std::string ticket_pattern;  // ECMAScript regex; empty: no ticket required
  ApprovalPolicy approval;
};

// A PrivilegeTier (tierguard.io/v1alpha1), validated.
struct PrivilegeTier {
  std::string name;
  int64_t rank = 0;
  bool is_default = false;
  // Membership by selectors. A tier takes part in selector matching only when at least one
  // selector is set; an unset one then matches everything on its side.
  std::optional<LabelSelector> service_account_selector;
  std::optional<LabelSelector> namespace_selector;
  LabelSelector placement;  // spec.placement.namespaceSelector (required)
  std::vector<PolicyRule> standing_rules;
  bool cluster_scope = false;
  AutomountRule automount = AutomountRule::kAllow;
  bool allow_default_service_account = false;
  std::optional<int64_t> sharing_max_workloads;
  SharingAction sharing_action = SharingAction::kFlag;
  std::optional<ElevationPolicy> elevation;
  Enforcement enforcement = Enforcement::kEnforce;

  bool selects_by_labels() const { return service_account_selector || namespace_selector; }
};

// The annotation on a ServiceAccount that names its tier and overrides selectors.
inline constexpr std::string_view kTierAnnotation = "tierguard.io/tier";

}  // namespace tierguard::policy
