#pragma once

#include <memory>
#include <string>
#include <vector>

#include "state/manifest_reader.h"
#include "state/object_decoder.h"
#include "policy/decision.h"
#include "policy/review_context.h"
#include "state/snapshot.h"

namespace tierguard::state {

// One decoded object from a manifest, with where it came from.
struct ManifestObject {
  std::string location;  // "file#index" (+ " items[i]")
  DecodedObject object;
};

struct ManifestSet {
  std::vector<ManifestObject> objects;  // in input order; skipped kinds are not included
  size_t skipped = 0;                   // objects of kinds tierguard does not use
};

// Decodes every document. Namespaced objects without a namespace get `default_namespace`, as
// kubectl does. A document that does not decode, or a second object with the same kind,
// namespace and name, is a ManifestError naming the file, document index and field.
ManifestSet decode_manifests(std::vector<ManifestDocument> documents,
                             const std::string& default_namespace = "default");

// Manifests read offline are the whole world, so what the apiserver would do for a cluster is
// done here: aggregated ClusterRoles get the rules of the ClusterRoles their selectors match
// (transitively; a cycle is a ManifestError naming the roles), and a binding whose role is not
// among the inputs is a ManifestError naming the binding — unless `allow_unknown_roles`, where
// such a binding grants nothing (as in a cluster) and its review warns.
struct ManifestOptions {
  bool allow_unknown_roles = false;
};
void resolve_role_references(ManifestSet& set, const ManifestOptions& options = {});

// Adds or removes one decoded object in a snapshot (skipped kinds are ignored).
void apply_object(Snapshot& snapshot, const DecodedObject& object);
void remove_object(Snapshot& snapshot, const DecodedObject& object);

// The decision for `object` created against every *other* object of the snapshot it belongs
// to: it is taken out, decided, and put back. nullopt for kinds that are not reviewed.
std::optional<policy::Decision> review_against_the_others(Snapshot& snapshot, const DecodedObject& object,
                                                          const policy::ReviewContext& context,
                                                          const policy::PolicyOptions& options);

// The snapshot formed by every object of the set. Throws ManifestError when the objects
// contradict each other (e.g. two default tiers).
std::unique_ptr<Snapshot> build_snapshot(const ManifestSet& set);

// read_manifests + decode_manifests + resolve_role_references + build_snapshot: what
// `--state PATH...` loads.
std::unique_ptr<Snapshot> load_snapshot(const std::vector<std::string>& paths,
                                        const ManifestOptions& options = {});

// "Pod prod/web", "ClusterRole admin" — how messages and `check` name an object.
std::string object_label(const DecodedObject& object);

}  // namespace tierguard::state
