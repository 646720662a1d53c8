#include "state/tier_decoder.h"

#include <regex>

#include "policy/duration.h"
#include "state/decode_error.h"
#include "state/kube_decoders.h"

namespace tierguard::state {
namespace {

using policy::PrivilegeTier;

constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

template <typename Enum, size_t N>
Enum one_of(const JsonReader& r, std::string_view key, Enum fallback,
            const std::pair<std::string_view, Enum> (&choices)[N]) {
  auto value = r.string(key);
  if (!value) return fallback;
  std::string allowed;
  for (const auto& [name, e] : choices) {
    if (*value == name) return e;
    if (!allowed.empty()) allowed += ", ";
    allowed += name;
  }
  throw DecodeError(r.field_path(key), "must be one of " + allowed + ", got \"" + *value + "\"");
}

std::chrono::seconds positive_duration(const JsonReader& r, std::string_view key,
                                       std::chrono::seconds fallback) {
  auto text = r.string(key);
  if (!text) return fallback;
  auto parsed = policy::parse_duration(*text);
  if (!parsed) {
    throw DecodeError(r.field_path(key), "\"" + *text + "\" is not a duration (use e.g. 30m, 2h, 1h30m)");
  }
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  if (seconds.count() <= 0) throw DecodeError(r.field_path(key), "must be at least 1s");
  return seconds;
}

void validate_rules(const JsonReader& parent, std::string_view key,
                    const std::vector<policy::PolicyRule>& rules) {
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& rule = rules[i];
    const std::string at = parent.field_path(key) + "[" + std::to_string(i) + "]";
    if (rule.verbs.empty()) throw DecodeError(at + ".verbs", "must list at least one verb");
    const bool resource_rule = !rule.resources.empty() || !rule.api_groups.empty();
    if (resource_rule && !rule.non_resource_urls.empty())
      throw DecodeError(at, "a rule applies either to resources or to nonResourceURLs, not both");
    if (!resource_rule && rule.non_resource_urls.empty())
      throw DecodeError(at, "must list resources (with apiGroups) or nonResourceURLs");
    if (resource_rule && rule.resources.empty())
      throw DecodeError(at + ".resources", "must list at least one resource");
    if (resource_rule && rule.api_groups.empty())
      throw DecodeError(at + ".apiGroups", "must list at least one API group (\"\" is the core group)");
    for (const auto& url : rule.non_resource_urls) {
      if (url.empty() || (url.front() != '/' && url != "*"))
        throw DecodeError(at + ".nonResourceURLs", "\"" + url + "\" must start with /");
    }
  }
}

policy::TimeWindow decode_window(const JsonReader& w) {
  w.reject_unknown({"days", "startHour", "endHour"});
  policy::TimeWindow window;
  for (const auto& day : w.string_list("days")) {
    int index = -1;
    for (int d = 0; d < 7; ++d)
      if (kWeekdays[d] == day) index = d;
    if (index < 0) throw DecodeError(w.field_path("days"), "\"" + day + "\" is not one of Mon, Tue, Wed, Thu, Fri, Sat, Sun");
    window.weekdays.push_back(index);
  }
  if (window.weekdays.empty()) throw DecodeError(w.field_path("days"), "must list at least one day");
  // Range-check the 64-bit value before narrowing: 4294967301 must not wrap to 5.
  const int64_t start = w.integer("startHour").value_or(0);
  const int64_t end = w.integer("endHour").value_or(24);
  if (start < 0 || start > 23) throw DecodeError(w.field_path("startHour"), "must be between 0 and 23");
  if (end < 1 || end > 24) throw DecodeError(w.field_path("endHour"), "must be between 1 and 24");
  window.start_hour = static_cast<int>(start);
  window.end_hour = static_cast<int>(end);
  if (window.end_hour <= window.start_hour)
    throw DecodeError(w.field_path("endHour"), "must be after startHour (windows are UTC and do not wrap midnight)");
  return window;
}

policy::ElevationPolicy decode_elevation(const JsonReader& e) {
  e.reject_unknown({"allowedRoles", "maxDuration", "targetNamespaceSelector", "windows",
                    "requireReason", "ticketPattern", "approval"});
  policy::ElevationPolicy out;
  for (const auto& r : e.object_list("allowedRoles")) {
    r.reject_unknown({"kind", "name"});
    // Required, as in the CRD schema: a tier the apiserver would reject must not pass `check`.
    if (!r.has("kind")) throw DecodeError(r.field_path("kind"), "required field is missing");
    policy::RoleRef ref;
    ref.kind = one_of(r, "kind", policy::RoleKind::kClusterRole,
                      {{"Role", policy::RoleKind::kRole}, {"ClusterRole", policy::RoleKind::kClusterRole}});
    ref.name = r.required_string("name");
    out.allowed_roles.push_back(std::move(ref));
  }
  out.max_duration = positive_duration(e, "maxDuration", out.max_duration);
  if (auto s = e.object("targetNamespaceSelector")) out.target_namespace_selector = decode_selector(*s);
  for (const auto& w : e.object_list("windows")) out.windows.push_back(decode_window(w));
  out.require_reason = e.boolean("requireReason").value_or(true);
  out.ticket_pattern = e.string("ticketPattern").value_or("");
  if (!out.ticket_pattern.empty()) {
    if (out.ticket_pattern.size() > 512) throw DecodeError(e.field_path("ticketPattern"), "longer than 512 characters");
    try {
      std::regex check(out.ticket_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& err) {
      throw DecodeError(e.field_path("ticketPattern"), std::string("not a valid regular expression: ") + err.what());
    }
  }
  if (auto a = e.object("approval")) {
    a->reject_unknown({"required", "approvers", "count"});
    out.approval.required = a->boolean("required").value_or(false);
    if (auto approvers = a->object("approvers")) {
      approvers->reject_unknown({"users", "groups"});
      out.approval.users = approvers->string_list("users");
      out.approval.groups = approvers->string_list("groups");
    }
    const int64_t count = a->integer("count").value_or(1);
    if (count < 1 || count > 10) throw DecodeError(a->field_path("count"), "must be between 1 and 10");
    out.approval.count = static_cast<int>(count);
    if (out.approval.required && out.approval.users.empty() && out.approval.groups.empty())
      throw DecodeError(a->field_path("approvers"), "approval is required but no approvers are listed");
  }
  return out;
}

}  // namespace

policy::LabelSelector decode_selector(const JsonReader& selector) {
  selector.reject_unknown({"matchLabels", "matchExpressions"});
  policy::LabelSelector out;
  out.match_labels = selector.string_map("matchLabels");
  for (const auto& e : selector.object_list("matchExpressions")) {
    e.reject_unknown({"key", "operator", "values"});
    policy::SelectorRequirement req;
    req.key = e.required_string("key");
    req.op = one_of(e, "operator", policy::SelectorOperator::kIn,
                    {{"In", policy::SelectorOperator::kIn},
                     {"NotIn", policy::SelectorOperator::kNotIn},
                     {"Exists", policy::SelectorOperator::kExists},
                     {"DoesNotExist", policy::SelectorOperator::kDoesNotExist}});
    if (!e.has("operator")) throw DecodeError(e.field_path("operator"), "required field is missing");
    req.values = e.string_list("values");
    out.match_expressions.push_back(std::move(req));
  }
  auto problems = policy::validate(out, selector.path());
  if (!problems.empty()) throw DecodeError("", problems.front());
  return out;
}

policy::PrivilegeTier decode_tier(const JsonReader& object, const ObjectHeader& header) {
  object.reject_unknown({"apiVersion", "kind", "metadata", "spec", "status"});
  PrivilegeTier tier;
  tier.name = header.name;
  if (tier.name.empty()) throw DecodeError("metadata.name", "required field is missing or empty");
  if (!header.namespace_name.empty())
    throw DecodeError("metadata.namespace", "PrivilegeTier is cluster-scoped; remove the namespace");
  const auto spec = object.required_object("spec");
  spec.reject_unknown({"rank", "default", "serviceAccountSelector", "namespaceSelector", "placement",
                       "standing", "pods", "sharing", "elevation", "enforcement"});
  const auto rank = spec.integer("rank");
  if (!rank) throw DecodeError(spec.field_path("rank"), "required field is missing");
  if (*rank < 0 || *rank > 1000000) throw DecodeError(spec.field_path("rank"), "must be between 0 and 1000000");
  tier.rank = *rank;
  tier.is_default = spec.boolean("default").value_or(false);
  if (auto s = spec.object("serviceAccountSelector")) tier.service_account_selector = decode_selector(*s);
  if (auto s = spec.object("namespaceSelector")) tier.namespace_selector = decode_selector(*s);

  const auto placement = spec.required_object("placement");
  placement.reject_unknown({"namespaceSelector"});
  tier.placement = decode_selector(placement.required_object("namespaceSelector"));

  if (auto standing = spec.object("standing")) {
    standing->reject_unknown({"rules", "clusterScope"});
    tier.standing_rules = decode_rules(*standing, "rules");
    validate_rules(*standing, "rules", tier.standing_rules);
    tier.cluster_scope = standing->boolean("clusterScope").value_or(false);
  }
  if (auto pods = spec.object("pods")) {
    pods->reject_unknown({"automountServiceAccountToken", "allowDefaultServiceAccount"});
    tier.automount = one_of(*pods, "automountServiceAccountToken", policy::AutomountRule::kAllow,
                            {{"Allow", policy::AutomountRule::kAllow}, {"Forbid", policy::AutomountRule::kForbid}});
    tier.allow_default_service_account = pods->boolean("allowDefaultServiceAccount").value_or(false);
  }
  if (auto sharing = spec.object("sharing")) {
    sharing->reject_unknown({"maxWorkloads", "action"});
    tier.sharing_max_workloads = sharing->integer("maxWorkloads");
    if (tier.sharing_max_workloads && *tier.sharing_max_workloads < 1)
      throw DecodeError(sharing->field_path("maxWorkloads"), "must be at least 1");
    tier.sharing_action = one_of(*sharing, "action", policy::SharingAction::kFlag,
                                 {{"Flag", policy::SharingAction::kFlag}, {"Deny", policy::SharingAction::kDeny}});
  }
  if (auto elevation = spec.object("elevation")) tier.elevation = decode_elevation(*elevation);
  tier.enforcement = one_of(spec, "enforcement", policy::Enforcement::kEnforce,
                            {{"Enforce", policy::Enforcement::kEnforce},
                             {"Warn", policy::Enforcement::kWarn},
                             {"Audit", policy::Enforcement::kAudit}});
  return tier;
}

}  // namespace tierguard::state
