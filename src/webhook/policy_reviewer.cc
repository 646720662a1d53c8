#include "webhook/policy_reviewer.h"

#include <chrono>
#include <stdexcept>

#include "policy/bound_accounts.h"
#include "policy/standing_permissions.h"
#include "state/decode_error.h"
#include "state/manifest_reader.h"
#include "state/manifest_state.h"
#include "state/object_decoder.h"
#include "state/object_review.h"

namespace tierguard::webhook {
namespace {

policy::Operation to_policy(Operation op) {
  switch (op) {
    case Operation::kCreate: return policy::Operation::kCreate;
    case Operation::kUpdate: return policy::Operation::kUpdate;
    case Operation::kDelete: return policy::Operation::kDelete;
    case Operation::kConnect: return policy::Operation::kConnect;
  }
  return policy::Operation::kCreate;
}

policy::ReviewContext context_of(const AdmissionRequest& request) {
  policy::ReviewContext context;
  context.operation = to_policy(request.operation);
  context.requester.username = std::string(request.user_info.username);
  context.requester.groups.reserve(request.user_info.groups.size());
  for (auto g : request.user_info.groups) context.requester.groups.emplace_back(g);
  return context;
}

AdmissionResponse to_response(policy::Decision decision) {
  AdmissionResponse response;
  response.allowed = decision.allowed;
  if (!decision.allowed) {
    response.status_code = 403;
    response.message = decision.message();
  }
  response.warnings = std::move(decision.warnings);
  response.audit_annotations = std::move(decision.audit_annotations);
  response.tier = std::move(decision.tier);
  response.service_account = std::move(decision.service_account);
  return response;
}

// The apiserver leaves metadata.namespace (and, with generateName, metadata.name) empty on
// CREATE; the request carries them.
void fill_identity(state::DecodedObject& decoded, const AdmissionRequest& request) {
  const std::string ns(request.namespace_name);
  if (decoded.header.namespace_name.empty()) decoded.header.namespace_name = ns;
  const auto fill = [&](std::string& object_namespace) {
    if (object_namespace.empty()) object_namespace = ns;
  };
  if (auto* w = std::get_if<policy::Workload>(&decoded.value)) {
    fill(w->namespace_name);
    if (decoded.header.name.empty() && !request.name.empty()) w->name = std::string(request.name);
  } else if (auto* r = std::get_if<policy::Role>(&decoded.value); r && r->kind == policy::RoleKind::kRole) {
    fill(r->namespace_name);
  } else if (auto* b = std::get_if<policy::Binding>(&decoded.value);
             b && b->kind == policy::BindingKind::kRoleBinding) {
    fill(b->namespace_name);
  }
}

}  // namespace

PolicyReviewer::PolicyReviewer(std::shared_ptr<state::LiveState> state, policy::PolicyOptions options,
                               state::MissingObjectFetcher* fetcher)
    : state_(std::move(state)), options_(std::move(options)), fetcher_(fetcher) {}

namespace {

// How long an admitted object may stay pending before the informers must have delivered it:
// far longer than any watch lag, short enough that a write that failed after admission does
// not leave a phantom for long.
constexpr std::chrono::seconds kPendingLifetime{60};

// At most this many ServiceAccount subjects of one binding are looked up.
constexpr size_t kMaxSubjectsFetched = 4;

}  // namespace

void PolicyReviewer::fill_cache_misses(const state::DecodedObject& decoded) {
  if (fetcher_ == nullptr) return;
  std::vector<state::ObjectRef> misses;
  const auto add = [&](state::ObjectKind kind, std::string ns, std::string name) {
    for (const auto& m : misses)
      if (m.kind == kind && m.namespace_name == ns && m.name == name) return;
    misses.push_back({kind, std::move(ns), std::move(name)});
  };
  state_->read([&](const state::Snapshot& s) {
    const auto account = [&](const std::string& ns, const std::string& name) {
      if (options_.is_exempt_namespace(ns)) return;
      const auto* sa = s.find_service_account(ns, name);
      if (sa == nullptr) {
        add(state::ObjectKind::kServiceAccount, ns, name);
      } else if (auto tier = policy::find_label(sa->annotations, policy::kTierAnnotation);
                 tier && s.find_tier(*tier) == nullptr) {
        add(state::ObjectKind::kTier, "", std::string(*tier));
      }
      if (s.find_namespace(ns) == nullptr) add(state::ObjectKind::kNamespace, "", ns);
    };
    if (const auto* w = std::get_if<policy::Workload>(&decoded.value)) {
      account(w->namespace_name, w->pod.effective_service_account());
    } else if (const auto* b = std::get_if<policy::Binding>(&decoded.value)) {
      const bool namespaced_role = b->role_ref.kind == policy::RoleKind::kRole;
      if (policy::referenced_role(s, *b) == nullptr && !(namespaced_role && b->namespace_name.empty())) {
        add(namespaced_role ? state::ObjectKind::kRole : state::ObjectKind::kClusterRole,
            namespaced_role ? b->namespace_name : "", b->role_ref.name);
      }
      size_t subjects = 0;
      for (const auto& subject : b->subjects) {
        if (subject.kind != policy::SubjectKind::kServiceAccount || subjects++ == kMaxSubjectsFetched) continue;
        const auto target = policy::subject_target(*b, subject);
        account(std::string(target.namespace_name), std::string(target.name));
      }
    }
  });
  if (misses.empty()) return;
  auto fetched = fetcher_->fetch(misses);
  std::vector<state::DecodedObject> found;
  for (size_t i = 0; i < misses.size() && i < fetched.size(); ++i) {
    if (!fetched[i]) continue;
    try {
      found.push_back(state::decode_object_as(misses[i].kind, *fetched[i]));
    } catch (const state::DecodeError&) {
      // Undecodable: decide without it (the informer reports it).
    }
  }
  if (found.empty()) return;
  state_->write([&](state::Snapshot& s) {
    for (const auto& object : found) state::apply_object(s, object);
  });
}

void PolicyReviewer::remember_admitted(const state::DecodedObject& decoded,
                                       const AdmissionRequest& request) {
  if (fetcher_ == nullptr || request.dry_run) return;
  if (request.operation != Operation::kCreate && request.operation != Operation::kUpdate) return;
  const auto* w = std::get_if<policy::Workload>(&decoded.value);
  if (w != nullptr && w->kind == policy::WorkloadKind::kPod) return;  // pods own nothing
  if (w != nullptr && w->name.empty()) return;
  const auto expiry = std::chrono::steady_clock::now() + kPendingLifetime;
  state_->write([&](state::Snapshot& s) { s.admit_pending(decoded, expiry); });
}

AdmissionResponse PolicyReviewer::review(Route route, const AdmissionRequest& request) {
  if (request.operation == Operation::kDelete || request.object == nullptr) {
    return AdmissionResponse::allow();
  }
  if (route == Route::kMutateTierguard) return AdmissionResponse::allow();  // nothing to stamp yet
  if (request.kind.kind == "PrivilegeTier") return review_tier(request);

  state::DecodedObject decoded;
  try {
    decoded = state::decode_object(*request.object);
  } catch (const state::DecodeError& e) {
    if (e.field() == "kind") {
      // A kind tierguard does not govern reached it (a registration broader than the chart's):
      // never block it, but say so in the audit log.
      AdmissionResponse response = AdmissionResponse::allow();
      response.audit_annotations.emplace_back("unevaluated", e.what());
      return response;
    }
    return AdmissionResponse::deny("tierguard: cannot evaluate " + std::string(request.kind.kind) + " " +
                                       std::string(request.name) + ": " + e.what(),
                                   400);
  }
  if (!state::is_reviewable(decoded)) return AdmissionResponse::allow();
  fill_identity(decoded, request);
  fill_cache_misses(decoded);
  const auto context = context_of(request);
  auto decision = state_->read([&](const state::Snapshot& snapshot) {
    return state::review_object(snapshot, decoded, context, options_);
  });
  if (decision->allowed) remember_admitted(decoded, request);
  return to_response(std::move(*decision));
}

AdmissionResponse PolicyReviewer::review_tier(const AdmissionRequest& request) {
  state::DecodedObject decoded;
  try {
    decoded = state::decode_object(*request.object);
  } catch (const state::DecodeError& e) {
    AdmissionResponse response = AdmissionResponse::deny("tierguard: invalid PrivilegeTier: " + std::string(e.what()), 422);
    response.status_reason = "Invalid";
    return response;
  }
  const auto* tier = std::get_if<policy::PrivilegeTier>(&decoded.value);
  if (tier == nullptr || !tier->is_default) return AdmissionResponse::allow();
  std::string other;
  state_->read([&](const state::Snapshot& snapshot) {
    for (const auto& t : snapshot.tiers())
      if (t.is_default && t.name != tier->name) other = t.name;
  });
  if (other.empty()) return AdmissionResponse::allow();
  AdmissionResponse response = AdmissionResponse::deny(
      "tierguard: invalid PrivilegeTier: spec.default: PrivilegeTier \"" + other +
          "\" is already the default tier; at most one tier may set spec.default",
      422);
  response.status_reason = "Invalid";
  return response;
}

std::unique_ptr<Reviewer> make_offline_reviewer(const std::vector<std::string>& state_paths,
                                                policy::PolicyOptions options) {
  std::unique_ptr<state::Snapshot> snapshot;
  try {
    snapshot = state::load_snapshot(state_paths);
  } catch (const state::ManifestError& e) {
    throw std::runtime_error(std::string("load --state: ") + e.what());
  }
  auto live = std::make_shared<state::LiveState>(std::move(snapshot));
  live->set_ready(true);
  return std::make_unique<PolicyReviewer>(std::move(live), std::move(options));
}

}  // namespace tierguard::webhook
