#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "state/namespaced_map.h"

namespace tierguard::state {

// Reference-counted string interning: equal strings share one id and one copy. Ids of strings
// whose last reference is released are reused, so churn (ReplicaSet names change on every
// rollout) does not grow the pool.
class StringPool {
 public:
  using Id = uint32_t;

  // The id of `text`, adding a reference.
  Id acquire(std::string_view text);
  // Drops one reference taken by acquire().
  void release(Id id);

  std::string_view view(Id id) const { return entries_[id].text; }
  size_t size() const { return by_text_.size(); }

 private:
  struct Entry {
    std::string text;
    uint32_t references = 0;
  };
  std::vector<Entry> entries_;
  std::vector<Id> free_;
  StringMap<Id> by_text_;
};

}  // namespace tierguard::state
