#include "policy/bound_accounts.h"

#include <set>

namespace tierguard::policy {
namespace {

class Collector {
 public:
  Collector(const ClusterView& view, const PolicyOptions& options) : view_(view), options_(options) {}

  void account(std::string_view ns, std::string_view name) {
    if (ns.empty() || name.empty() || options_.is_exempt_namespace(ns)) return;
    if (!seen_.emplace(std::string(ns), std::string(name)).second) return;
    out_.push_back(BoundAccount{std::string(ns), std::string(name), false,
                                resolve_tier(view_, ns, name, options_)});
  }

  void namespace_group(std::string_view ns) {
    if (ns.empty() || options_.is_exempt_namespace(ns)) return;
    view_.for_each_service_account(ns, [&](const ServiceAccount& sa) { account(sa.namespace_name, sa.name); });
    future(ns);
  }

  void all_group() {
    view_.for_each_service_account("", [&](const ServiceAccount& sa) { account(sa.namespace_name, sa.name); });
    future("");
  }

  std::vector<BoundAccount> take() { return std::move(out_); }

 private:
  // A ServiceAccount that does not exist yet resolves from its namespace's labels only.
  void future(std::string_view ns) {
    if (!futures_.insert(std::string(ns)).second) return;
    BoundAccount entry;
    entry.namespace_name = std::string(ns);
    entry.future = true;
    if (ns.empty()) {
      // Cluster-wide: a new ServiceAccount anywhere may end up in any tier (by annotation), so
      // the binding must fit every tier's ceiling.
      for (const auto& tier : view_.tiers()) {
        BoundAccount each;
        each.future = true;
        each.resolution.tier = &tier;
        each.resolution.source = TierSource::kSelector;
        each.resolution.explanation = "any new service account may join tier \"" + tier.name + "\"";
        each.name = tier.name;
        out_.push_back(std::move(each));
      }
      return;
    } else {
      const Namespace* nsobj = view_.find_namespace(ns);
      ServiceAccount unseen;
      unseen.namespace_name = std::string(ns);
      entry.resolution = resolve_tier(view_.tiers(), unseen, nsobj ? nsobj->labels : Labels{});
      if (entry.resolution.tier == nullptr) return;  // new accounts there would be denied anyway
    }
    out_.push_back(std::move(entry));
  }

  const ClusterView& view_;
  const PolicyOptions& options_;
  std::set<std::pair<std::string, std::string>> seen_;
  std::set<std::string> futures_;
  std::vector<BoundAccount> out_;
};

}  // namespace

SubjectTarget subject_target(const Binding& binding, const Subject& subject) {
  using Kind = SubjectTarget::Kind;
  const std::string_view name = subject.name;
  switch (subject.kind) {
    case SubjectKind::kServiceAccount:
      return {Kind::kAccount,
              subject.namespace_name.empty() ? std::string_view(binding.namespace_name)
                                             : std::string_view(subject.namespace_name),
              name};
    case SubjectKind::kUser: {
      if (name.substr(0, kServiceAccountUserPrefix.size()) != kServiceAccountUserPrefix) return {};
      const std::string_view rest = name.substr(kServiceAccountUserPrefix.size());
      const auto colon = rest.find(':');
      if (colon == std::string_view::npos) return {};
      return {Kind::kAccount, rest.substr(0, colon), rest.substr(colon + 1)};
    }
    case SubjectKind::kGroup:
      if (name == kAllServiceAccountsGroup) return {Kind::kAllAccounts, {}, {}};
      if (name.substr(0, kNamespaceServiceAccountsGroupPrefix.size()) == kNamespaceServiceAccountsGroupPrefix) {
        return {Kind::kNamespaceAccounts, name.substr(kNamespaceServiceAccountsGroupPrefix.size()), {}};
      }
      return {};
  }
  return {};
}

bool subject_names_account(const Binding& binding, const Subject& subject,
                           std::string_view namespace_name, std::string_view name) {
  const auto target = subject_target(binding, subject);
  switch (target.kind) {
    case SubjectTarget::Kind::kAccount: return target.namespace_name == namespace_name && target.name == name;
    case SubjectTarget::Kind::kNamespaceAccounts: return target.namespace_name == namespace_name;
    case SubjectTarget::Kind::kAllAccounts: return true;
    case SubjectTarget::Kind::kNone: return false;
  }
  return false;
}

bool binding_names_account(const Binding& binding, std::string_view namespace_name,
                           std::string_view name) {
  for (const auto& subject : binding.subjects) {
    if (subject_names_account(binding, subject, namespace_name, name)) return true;
  }
  return false;
}

std::string BoundAccount::label() const {
  if (!future) return namespace_name + "/" + name;
  return namespace_name.empty() ? "new service accounts of tier " + name + " in any namespace"
                                : "new service accounts in " + namespace_name;
}

std::vector<BoundAccount> accounts_bound_by(const ClusterView& view, const Binding& binding,
                                            const PolicyOptions& options) {
  Collector collect(view, options);
  for (const auto& subject : binding.subjects) {
    const auto target = subject_target(binding, subject);
    switch (target.kind) {
      case SubjectTarget::Kind::kAccount: collect.account(target.namespace_name, target.name); break;
      case SubjectTarget::Kind::kNamespaceAccounts: collect.namespace_group(target.namespace_name); break;
      case SubjectTarget::Kind::kAllAccounts: collect.all_group(); break;
      case SubjectTarget::Kind::kNone: break;
    }
  }
  return collect.take();
}

}  // namespace tierguard::policy
