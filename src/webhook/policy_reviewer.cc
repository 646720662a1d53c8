#include "webhook/policy_reviewer.h"

#include <stdexcept>

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
  auto& h = decoded.header;
  const std::string ns(request.namespace_name);
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, policy::Workload> || std::is_same_v<T, policy::Role> ||
                      std::is_same_v<T, policy::Binding> || std::is_same_v<T, policy::ServiceAccount>) {
          if (o.namespace_name.empty() && !ns.empty() &&
              !(std::is_same_v<T, policy::Role> && h.kind == "ClusterRole") &&
              !(std::is_same_v<T, policy::Binding> && h.kind == "ClusterRoleBinding")) {
            o.namespace_name = ns;
          }
        }
        if constexpr (std::is_same_v<T, policy::Workload>) {
          if (o.name == "<unnamed>" && !request.name.empty()) o.name = std::string(request.name);
        }
      },
      decoded.value);
  if (h.namespace_name.empty()) h.namespace_name = ns;
}

}  // namespace

PolicyReviewer::PolicyReviewer(std::shared_ptr<state::LiveState> state, policy::PolicyOptions options,
                               state::MissingObjectFetcher* fetcher)
    : state_(std::move(state)), options_(std::move(options)), fetcher_(fetcher) {}

void PolicyReviewer::fill_cache_miss(const state::DecodedObject& decoded) {
  const auto* workload = std::get_if<policy::Workload>(&decoded.value);
  if (fetcher_ == nullptr || workload == nullptr) return;
  if (options_.is_exempt_namespace(workload->namespace_name)) return;
  const std::string account = workload->pod.effective_service_account();
  // What is missing, in order of likelihood; at most one GET per review.
  struct Miss {
    state::ObjectKind kind;
    std::string ns, name;
  };
  std::optional<Miss> miss;
  state_->read([&](const state::Snapshot& s) {
    const auto* sa = s.find_service_account(workload->namespace_name, account);
    if (sa == nullptr) {
      miss = Miss{state::ObjectKind::kServiceAccount, workload->namespace_name, account};
    } else if (s.find_namespace(workload->namespace_name) == nullptr) {
      miss = Miss{state::ObjectKind::kNamespace, "", workload->namespace_name};
    } else if (auto tier = policy::find_label(sa->annotations, policy::kTierAnnotation);
               tier && s.find_tier(*tier) == nullptr) {
      miss = Miss{state::ObjectKind::kTier, "", std::string(*tier)};
    }
  });
  if (!miss) return;
  auto fetched = fetcher_->fetch(miss->kind, miss->ns, miss->name);
  if (!fetched) return;
  try {
    auto object = state::decode_object_as(miss->kind, *fetched);
    state_->write([&](state::Snapshot& s) { state::apply_object(s, object); });
  } catch (const state::DecodeError&) {
    // Undecodable: decide without it (the informer reports it).
  }
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
  fill_cache_miss(decoded);
  const auto context = context_of(request);
  auto decision = state_->read([&](const state::Snapshot& snapshot) {
    return state::review_object(snapshot, decoded, context, options_);
  });
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
