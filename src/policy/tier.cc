#include "policy/tier.h"

namespace tierguard::policy {

std::string_view to_string(Enforcement value) {
  switch (value) {
    case Enforcement::kEnforce: return "Enforce";
    case Enforcement::kWarn: return "Warn";
    case Enforcement::kAudit: return "Audit";
  }
  return "Enforce";
}

std::string_view to_string(AutomountRule value) {
  return value == AutomountRule::kForbid ? "Forbid" : "Allow";
}

std::string_view to_string(SharingAction value) {
  return value == SharingAction::kDeny ? "Deny" : "Flag";
}

}  // namespace tierguard::policy
