#pragma once

// The Reviewer backed by tierguard's policy core, built from state files.

#include <memory>
#include <string>
#include <vector>

#include "webhook/reviewer.h"

namespace tierguard::webhook {

// Offline mode: the manifests `tierguard check` reads (tiers, ServiceAccounts, namespaces,
// bindings, roles) form the state the decisions use. Throws std::runtime_error naming the
// file and step when the state cannot be loaded.
std::unique_ptr<Reviewer> make_offline_reviewer(const std::vector<std::string>& state_paths);

}  // namespace tierguard::webhook
