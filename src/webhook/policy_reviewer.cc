// TEMPORARY (webhook branch): the policy core (src/policy, src/state) is not linked on this
// branch yet. This stand-in keeps the binary linkable and fails closed: every review is
// denied with a message saying so, and /readyz stays unready so no traffic is routed here.
// The lead replaces this whole file with the PolicyReviewer when merging.

#include "webhook/policy_reviewer.h"

namespace tierguard::webhook {

namespace {
class PolicyNotLinkedReviewer : public Reviewer {
 public:
  AdmissionResponse review(Route, const AdmissionRequest&) override {
    return AdmissionResponse::deny("tierguard: policy core not linked in this build", 500);
  }
  bool ready() const override { return false; }
};
}  // namespace

std::unique_ptr<Reviewer> make_offline_reviewer(const std::vector<std::string>& state_paths) {
  (void)state_paths;
  return std::make_unique<PolicyNotLinkedReviewer>();
}

}  // namespace tierguard::webhook
