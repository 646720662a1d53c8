#pragma once

#include <vector>

#include "policy/rbac.h"

namespace tierguard::policy {

// Folds atomic rules (as check_coverage reports them) back into few readable rules: first the
// verbs of rules that differ only in verb, then the resources of rules that differ only in
// resource. Order follows first appearance. Used only for messages.
std::vector<PolicyRule> summarize_rules(const std::vector<PolicyRule>& atomic);

}  // namespace tierguard::policy
