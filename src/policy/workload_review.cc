#include "policy/workload_review.h"

#include "policy/sharing.h"
#include "policy/standing_permissions.h"
#include "policy/tier_resolution.h"

namespace tierguard::policy {
namespace {

std::string quoted(std::string_view s) {
  // Appended piecewise: "\"" + std::string(...) trips GCC 12's -Wrestrict at -O3 (release).
  std::string out(1, '"');
  out += s;
  out += '"';
  return out;
}

class WorkloadChecks {
 public:
  WorkloadChecks(const ClusterView& view, const Workload& workload, const PrivilegeTier& tier,
                 std::string account, std::vector<Violation>& out)
      : view_(view), workload_(workload), tier_(tier), account_(std::move(account)), out_(out) {}

  void placement() {
    const Namespace* ns = view_.find_namespace(workload_.namespace_name);
    if (ns != nullptr && tier_.placement.matches(ns->labels)) return;
    std::string why = ns == nullptr ? "namespace " + quoted(workload_.namespace_name) + " is unknown to tierguard"
                                    : "namespace " + quoted(workload_.namespace_name) +
                                          " is outside the tier's placement (" +
                                          describe(tier_.placement) + ")";
    add("placement", why + "; run it with a service account of a tier placed in this namespace, or "
                           "widen spec.placement.namespaceSelector of tier " + quoted(tier_.name));
  }

  void automount(const ServiceAccount* account) {
    if (tier_.automount != AutomountRule::kForbid) return;
    bool effective = true;
    const char* source = "the Kubernetes default";
    if (workload_.pod.automount_token) {
      effective = *workload_.pod.automount_token;
      source = "the pod spec";
    } else if (account && account->automount_token) {
      effective = *account->automount_token;
      source = "the service account";
    }
    if (!effective) return;
    add("pods.automountServiceAccountToken",
        std::string("the API token would be mounted (from ") + source +
            ") but the tier forbids it; set automountServiceAccountToken: false in the pod spec "
            "and mount a projected token only where the workload calls the API");
  }

  void default_account() {
    if (tier_.allow_default_service_account) return;
    if (workload_.pod.effective_service_account() != "default") return;
    add("pods.allowDefaultServiceAccount",
        "the pod runs as the namespace's default service account, which the tier forbids; create "
        "a dedicated service account for this workload and set serviceAccountName");
  }

  void standing() {
    for (const auto& grant : standing_grants(view_, workload_.namespace_name,
                                             workload_.pod.effective_service_account())) {
      auto excess = ceiling_excess(tier_, grant.binding->kind, grant.rules);
      if (!excess) continue;
      std::string where = std::string(to_string(grant.binding->kind)) + " " +
                          (grant.binding->namespace_name.empty() ? "" : grant.binding->namespace_name + "/") +
                          grant.binding->name;
      add("standing", where + " " + *excess + "; remove the binding or request the access "
                      "just-in-time with an Elevation");
    }
  }

  void sharing() {
    if (!tier_.sharing_max_workloads) return;
    const auto tops = workloads_sharing(view_, workload_.namespace_name,
                                        workload_.pod.effective_service_account(), &workload_);
    const auto limit = *tier_.sharing_max_workloads;
    if (static_cast<int64_t>(tops.size()) <= limit) return;
    std::string names;
    size_t shown = 0;
    for (const auto& w : tops) {
      if (shown++ == 4) {
        names += ", …";
        break;
      }
      if (!names.empty()) names += ", ";
      names += w.kind + "/" + w.name;
    }
    add("sharing",
        "the service account would be shared by " + std::to_string(tops.size()) +
            " workloads (" + names + "), more than the tier's sharing.maxWorkloads " +
            std::to_string(limit) + "; give each workload its own service account",
        tier_.sharing_action == SharingAction::kFlag);
  }

 private:
  void add(std::string rule, std::string message, bool advisory = false) {
    out_.push_back(Violation{&tier_, account_, std::move(rule), std::move(message), advisory});
  }

  const ClusterView& view_;
  const Workload& workload_;
  const PrivilegeTier& tier_;
  std::string account_;
  std::vector<Violation>& out_;
};

}  // namespace

Decision review_workload(const ClusterView& view, const Workload& workload,
                         const ReviewContext& context, const PolicyOptions& options) {
  const std::string sa_name = workload.pod.effective_service_account();
  const std::string account = workload.namespace_name + "/" + sa_name;
  if (context.operation == Operation::kDelete) return decide({}, account, "");

  const TierResolution resolution = resolve_tier(view, workload.namespace_name, sa_name, options);
  if (!resolution.governed()) {
    Decision d = decide({}, account, "");
    d.audit_annotations.emplace_back("exempt", resolution.explanation);
    return d;
  }
  std::vector<Violation> violations;
  if (resolution.tier == nullptr) {
    violations.push_back(Violation{
        nullptr, account, "tier",
        "has no privilege tier (" + resolution.explanation +
            "); label it to match a PrivilegeTier, annotate it " + std::string(kTierAnnotation) +
            "=NAME, or mark one tier as the default"});
    return decide(violations, account, "");
  }
  const PrivilegeTier& tier = *resolution.tier;
  WorkloadChecks checks(view, workload, tier, account, violations);
  checks.placement();
  checks.automount(view.find_service_account(workload.namespace_name, sa_name));
  checks.default_account();
  checks.standing();
  checks.sharing();
  Decision d = decide(violations, account, tier.name);
  d.audit_annotations.emplace_back("tier-source", resolution.explanation);
  return d;
}

}  // namespace tierguard::policy
