#pragma once

#include <string>
#include <utility>
#include <vector>

#include "policy/tier.h"

namespace tierguard::policy {

// One rule of one tier that an object breaks.
struct Violation {
  const PrivilegeTier* tier = nullptr;  // null: the ServiceAccount has no tier (always denied)
  std::string service_account;          // "namespace/name"
  std::string rule;                     // e.g. "placement", "standing", "pods.automountServiceAccountToken"
  std::string message;                  // what is wrong and what to do instead, one sentence
  bool advisory = false;                // reported as a warning whatever the enforcement (sharing: Flag)
};

// The answer for one admission request or one object in `tierguard check`.
struct Decision {
  bool allowed = true;
  std::vector<std::string> reasons;   // why it is denied (Enforce violations and missing tiers)
  std::vector<std::string> warnings;  // Warn-mode violations and advisories, shown by kubectl
  std::vector<std::pair<std::string, std::string>> audit_annotations;
  std::string service_account;  // "namespace/name" when one ServiceAccount is concerned
  std::string tier;             // its tier, when it has one

  // The single message kube-apiserver shows the user on denial.
  std::string message() const;
};

// Turns violations into a decision by each tier's enforcement: Enforce denies, Warn warns,
// Audit only records in audit annotations. A violation without a tier always denies.
Decision decide(const std::vector<Violation>& violations, std::string service_account,
                std::string tier);

// "service account ns/name (tier "t")" — the prefix every violation message starts with.
std::string account_phrase(std::string_view service_account, const PrivilegeTier* tier);

}  // namespace tierguard::policy
