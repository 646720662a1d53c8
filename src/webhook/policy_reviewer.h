#pragma once

// The Reviewer backed by tierguard's policy core: decodes the object under review, reads the
// shared state and asks src/policy for the decision.

#include <memory>
#include <string>
#include <vector>

#include "policy/cluster_view.h"
#include "state/live_state.h"
#include "state/missing_object_fetcher.h"
#include "webhook/reviewer.h"

namespace tierguard::webhook {

class PolicyReviewer final : public Reviewer {
 public:
  // `fetcher` (optional, live mode) fills one cache miss per review: a ServiceAccount,
  // Namespace or PrivilegeTier created a moment before the request that needs it.
  PolicyReviewer(std::shared_ptr<state::LiveState> state, policy::PolicyOptions options,
                 state::MissingObjectFetcher* fetcher = nullptr);

  AdmissionResponse review(Route route, const AdmissionRequest& request) override;
  bool ready() const override { return state_->ready(); }

 private:
  AdmissionResponse review_tier(const AdmissionRequest& request);
  void fill_cache_miss(const state::DecodedObject& decoded);

  std::shared_ptr<state::LiveState> state_;
  policy::PolicyOptions options_;
  state::MissingObjectFetcher* fetcher_;
};

// Offline mode: the manifests `tierguard check` reads (tiers, ServiceAccounts, namespaces,
// bindings, roles, workloads) form the state the decisions use. Throws std::runtime_error
// naming the file, document and field when the state cannot be loaded.
std::unique_ptr<Reviewer> make_offline_reviewer(const std::vector<std::string>& state_paths,
                                                policy::PolicyOptions options = {});

}  // namespace tierguard::webhook
