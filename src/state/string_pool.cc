#include "state/string_pool.h"

namespace tierguard::state {

StringPool::Id StringPool::acquire(std::string_view text) {
  if (auto it = by_text_.find(text); it != by_text_.end()) {
    ++entries_[it->second].references;
    return it->second;
  }
  Id id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<Id>(entries_.size());
    entries_.emplace_back();
  }
  entries_[id].text.assign(text);
  entries_[id].references = 1;
  by_text_.emplace(std::string(text), id);
  return id;
}

void StringPool::release(Id id) {
  Entry& e = entries_[id];
  if (e.references == 0 || --e.references > 0) return;
  by_text_.erase(by_text_.find(std::string_view(e.text)));
  std::string().swap(e.text);
  free_.push_back(id);
}

}  // namespace tierguard::state
