#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "state/object_decoder.h"

namespace tierguard::state {

// Fetches one object the state does not hold yet — typically a ServiceAccount created a moment
// before the pod that uses it, whose watch event has not arrived. Implementations are bounded
// in time (one attempt, ~2 s) and thread-safe; nullopt when the object does not exist or the
// fetch failed. Admission makes at most one such call per request.
class MissingObjectFetcher {
 public:
  virtual ~MissingObjectFetcher() = default;
  virtual std::optional<rapidjson::Document> fetch(ObjectKind kind, std::string_view namespace_name,
                                                   std::string_view name) = 0;
};

}  // namespace tierguard::state
