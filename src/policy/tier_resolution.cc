#include "policy/tier_resolution.h"

namespace tierguard::policy {
namespace {

bool tier_selects(const PrivilegeTier& tier, const ServiceAccount& account,
                  const Labels& namespace_labels) {
  if (!tier.selects_by_labels()) return false;
  if (tier.service_account_selector && !tier.service_account_selector->matches(account.labels))
    return false;
  if (tier.namespace_selector && !tier.namespace_selector->matches(namespace_labels)) return false;
  return true;
}

std::string quoted(std::string_view s) {
  // Appended piecewise: "\"" + std::string(...) trips GCC 12's -Wrestrict at -O3 (release).
  std::string out(1, '"');
  out += s;
  out += '"';
  return out;
}

}  // namespace

TierResolution resolve_tier(const std::vector<PrivilegeTier>& tiers_by_rank,
                            const ServiceAccount& account, const Labels& namespace_labels) {
  TierResolution out;
  if (auto named = find_label(account.annotations, kTierAnnotation)) {
    for (const auto& tier : tiers_by_rank) {
      if (tier.name == *named) {
        out.tier = &tier;
        out.source = TierSource::kAnnotation;
        out.explanation = "annotation " + std::string(kTierAnnotation) + "=" + quoted(*named);
        return out;
      }
    }
    out.source = TierSource::kUnknownAnnotation;
    out.explanation = "annotation " + std::string(kTierAnnotation) + " names tier " +
                      quoted(*named) + ", which does not exist";
    return out;
  }

  // tiers_by_rank is sorted by (rank, name): the first match is the least privileged.
  std::vector<const PrivilegeTier*> matches;
  for (const auto& tier : tiers_by_rank) {
    if (tier_selects(tier, account, namespace_labels)) matches.push_back(&tier);
  }
  if (!matches.empty()) {
    out.tier = matches.front();
    out.source = TierSource::kSelector;
    out.explanation = "selected by tier " + quoted(out.tier->name);
    if (matches.size() > 1) {
      out.explanation += " (also matched:";
      for (size_t i = 1; i < matches.size(); ++i) {
        out.explanation.append(" ").append(quoted(matches[i]->name)).append(" rank ").append(
            std::to_string(matches[i]->rank));
      }
      out.explanation += "; the lowest rank wins)";
    }
    return out;
  }

  for (const auto& tier : tiers_by_rank) {
    if (tier.is_default) {
      out.tier = &tier;
      out.source = TierSource::kDefault;
      out.explanation = "no tier selects it; default tier " + quoted(tier.name);
      return out;
    }
  }
  out.source = TierSource::kNone;
  out.explanation = "no tier selects it and no tier is the default";
  return out;
}

TierResolution resolve_tier(const ClusterView& view, std::string_view namespace_name,
                            std::string_view name, const PolicyOptions& options) {
  if (options.is_exempt_namespace(namespace_name)) {
    TierResolution out;
    out.source = TierSource::kExempt;
    out.explanation = "namespace " + quoted(namespace_name) + " is exempt";
    return out;
  }
  static const Labels kNoLabels;
  const Namespace* ns = view.find_namespace(namespace_name);
  const Labels& namespace_labels = ns ? ns->labels : kNoLabels;
  if (const ServiceAccount* account = view.find_service_account(namespace_name, name)) {
    return resolve_tier(view.tiers(), *account, namespace_labels);
  }
  ServiceAccount unseen;
  unseen.namespace_name = std::string(namespace_name);
  unseen.name = std::string(name);
  auto out = resolve_tier(view.tiers(), unseen, namespace_labels);
  out.explanation += " (service account not found; resolved from its namespace)";
  return out;
}

}  // namespace tierguard::policy
