#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "state/object_decoder.h"

namespace tierguard::state {

struct ObjectRef {
  ObjectKind kind;
  std::string namespace_name;  // "" for cluster-scoped kinds
  std::string name;
};

// Fetches objects the state does not hold yet — typically a ServiceAccount (and its Namespace)
// created a moment before the pod that uses it, whose watch events have not arrived. One call
// is one bounded lookup: the GETs run in parallel, one attempt each, all within ~2 s.
// Thread-safe. An entry is nullopt when the object does not exist or its GET failed.
// Admission makes at most one such call per request.
class MissingObjectFetcher {
 public:
  virtual ~MissingObjectFetcher() = default;
  virtual std::vector<std::optional<rapidjson::Document>> fetch(const std::vector<ObjectRef>& refs) = 0;
};

}  // namespace tierguard::state
