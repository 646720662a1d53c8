#include "state/manifest_state.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "state/decode_error.h"
#include "state/object_review.h"

namespace tierguard::state {
namespace {

bool is_cluster_scoped(const ObjectValue& v) {
  if (std::holds_alternative<policy::PrivilegeTier>(v) || std::holds_alternative<policy::Namespace>(v))
    return true;
  if (const auto* r = std::get_if<policy::Role>(&v)) return r->kind == policy::RoleKind::kClusterRole;
  if (const auto* b = std::get_if<policy::Binding>(&v)) return b->kind == policy::BindingKind::kClusterRoleBinding;
  return false;
}

void set_namespace(ObjectValue& v, const std::string& ns) {
  std::visit(
      [&](auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, policy::ServiceAccount> || std::is_same_v<T, policy::Role> ||
                      std::is_same_v<T, policy::Binding> || std::is_same_v<T, policy::Workload>) {
          if (o.namespace_name.empty()) o.namespace_name = ns;
        }
      },
      v);
}

}  // namespace

std::string object_label(const DecodedObject& object) {
  const auto& h = object.header;
  std::string out = h.kind + " ";
  if (!h.namespace_name.empty() && !is_cluster_scoped(object.value)) out += h.namespace_name + "/";
  return out + h.display_name();
}

ManifestSet decode_manifests(std::vector<ManifestDocument> documents, const std::string& default_namespace) {
  ManifestSet set;
  std::map<std::tuple<std::string, std::string, std::string>, std::string> seen;
  for (auto& doc : documents) {
    DecodedObject decoded;
    try {
      decoded = decode_object(doc.json);
    } catch (const DecodeError& e) {
      throw ManifestError(doc.location() + ": " + e.what());
    }
    if (std::holds_alternative<SkippedObject>(decoded.value)) {
      ++set.skipped;
      continue;
    }
    if (!is_cluster_scoped(decoded.value) && decoded.header.namespace_name.empty()) {
      decoded.header.namespace_name = default_namespace;
      set_namespace(decoded.value, default_namespace);
    }
    auto key = std::make_tuple(decoded.header.kind, decoded.header.namespace_name, decoded.header.name);
    if (!decoded.header.name.empty()) {
      auto [it, inserted] = seen.emplace(key, doc.location());
      if (!inserted) {
        throw ManifestError(doc.location() + ": duplicate " + object_label(decoded) + " (first defined at " +
                            it->second + ")");
      }
    }
    set.objects.push_back(ManifestObject{doc.location(), std::move(decoded)});
  }
  return set;
}

void apply_object(Snapshot& snapshot, const DecodedObject& object) { snapshot.apply(object.value); }

void remove_object(Snapshot& snapshot, const DecodedObject& object) {
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, policy::PrivilegeTier>) snapshot.remove_tier(o.name);
        else if constexpr (std::is_same_v<T, policy::Namespace>) snapshot.remove_namespace(o.name);
        else if constexpr (std::is_same_v<T, policy::ServiceAccount>) snapshot.remove_service_account(o.namespace_name, o.name);
        else if constexpr (std::is_same_v<T, policy::Role>) snapshot.remove_role(o.kind, o.namespace_name, o.name);
        else if constexpr (std::is_same_v<T, policy::Binding>) snapshot.remove_binding(o.kind, o.namespace_name, o.name);
        else if constexpr (std::is_same_v<T, policy::Workload>) snapshot.remove_workload(o.kind, o.namespace_name, o.name);
      },
      object.value);
}

std::optional<policy::Decision> review_against_the_others(Snapshot& snapshot, const DecodedObject& object,
                                                          const policy::ReviewContext& context,
                                                          const policy::PolicyOptions& options) {
  if (!is_reviewable(object)) return std::nullopt;
  remove_object(snapshot, object);
  auto decision = review_object(snapshot, object, context, options);
  apply_object(snapshot, object);
  return decision;
}

std::unique_ptr<Snapshot> build_snapshot(const ManifestSet& set) {
  auto snapshot = std::make_unique<Snapshot>();
  for (const auto& o : set.objects) apply_object(*snapshot, o.object);
  const auto problems = snapshot->problems();
  if (problems.empty()) return snapshot;
  // Name where the offending tier came from.
  const std::string second = snapshot->second_default_tiers().front().tier;
  for (const auto& o : set.objects) {
    if (const auto* t = std::get_if<policy::PrivilegeTier>(&o.object.value); t && t->name == second) {
      throw ManifestError(o.location + ": spec.default: " + problems.front());
    }
  }
  throw ManifestError(problems.front());
}

std::unique_ptr<Snapshot> load_snapshot(const std::vector<std::string>& paths, const ManifestOptions& options) {
  auto set = decode_manifests(read_manifests(paths));
  resolve_role_references(set, options);
  return build_snapshot(set);
}

namespace {

class Aggregation {
 public:
  explicit Aggregation(ManifestSet& set) {
    for (auto& o : set.objects) {
      if (auto* r = std::get_if<policy::Role>(&o.object.value); r && r->kind == policy::RoleKind::kClusterRole) {
        roles_.push_back({r, &o});
      }
    }
  }

  void materialize() {
    for (auto& entry : roles_) {
      if (!entry.role->aggregation_selectors.empty()) resolve(entry, {});
    }
  }

 private:
  struct Entry {
    policy::Role* role;
    const ManifestObject* object;
    bool done = false;
  };

  // Rules of an aggregated role: its own plus those of every other ClusterRole one of its
  // selectors matches, whose own rules are resolved first.
  void resolve(Entry& entry, std::vector<const Entry*> path) {
    if (entry.done) return;
    for (const auto* on_path : path) {
      if (on_path != &entry) continue;
      std::string cycle;
      for (const auto* p : path) cycle += "ClusterRole " + p->role->name + " -> ";
      throw ManifestError(entry.object->location + ": aggregationRule: cyclic aggregation: " + cycle +
                          "ClusterRole " + entry.role->name);
    }
    path.push_back(&entry);
    std::vector<policy::PolicyRule> rules = entry.role->rules;
    for (auto& other : roles_) {
      if (&other == &entry) continue;
      const bool selected = std::any_of(entry.role->aggregation_selectors.begin(),
                                        entry.role->aggregation_selectors.end(),
                                        [&](const policy::LabelSelector& s) { return s.matches(other.role->labels); });
      if (!selected) continue;
      if (!other.role->aggregation_selectors.empty()) resolve(other, path);
      for (const auto& rule : other.role->rules)
        if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
    }
    entry.role->rules = std::move(rules);
    entry.done = true;
  }

  std::vector<Entry> roles_;
};

}  // namespace

void resolve_role_references(ManifestSet& set, const ManifestOptions& options) {
  Aggregation(set).materialize();
  if (options.allow_unknown_roles) return;
  std::set<std::tuple<policy::RoleKind, std::string, std::string>> roles;
  for (const auto& o : set.objects) {
    if (const auto* r = std::get_if<policy::Role>(&o.object.value)) roles.emplace(r->kind, r->namespace_name, r->name);
  }
  for (const auto& o : set.objects) {
    const auto* b = std::get_if<policy::Binding>(&o.object.value);
    if (b == nullptr) continue;
    const bool namespaced = b->role_ref.kind == policy::RoleKind::kRole;
    if (roles.count({b->role_ref.kind, namespaced ? b->namespace_name : "", b->role_ref.name})) continue;
    const std::string kind(policy::to_string(b->role_ref.kind));
    throw ManifestError(o.location + ": roleRef: " + kind + " \"" + b->role_ref.name + "\"" +
                        (namespaced ? " in namespace \"" + b->namespace_name + "\"" : "") +
                        " is not among the inputs, so what " + object_label(o.object) +
                        " grants cannot be checked; add it (e.g. kubectl get " +
                        (namespaced ? "role -n " + b->namespace_name + " " : "clusterrole ") + b->role_ref.name +
                        " -o yaml) or pass --allow-unknown-roles");
  }
}

}  // namespace tierguard::state
