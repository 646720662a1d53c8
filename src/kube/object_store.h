#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kube/object_sink.h"

namespace tierguard::kube {

// The reference store: whole objects keyed "namespace/name" (or "name"), one writer (the
// informer) and any number of reader threads. A (re)list is buffered and swapped in whole
// on init_done, so readers see either the previous complete state or the new one, never a
// half list. Objects are immutable once stored and shared with readers. Suited to tests
// and small kinds; large kinds want a compact projection sink instead.
class ObjectStore final : public ObjectSink {
 public:
  using ObjectPtr = std::shared_ptr<const rapidjson::Document>;

  ObjectPtr get(std::string_view ns, std::string_view name) const;
  ObjectPtr get(std::string_view key) const;
  // All objects, or those of one namespace, ordered by key.
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> list(std::string_view ns) const;
  std::size_t size() const;
  // True once a first list completed.
  bool ready() const;
  // Bumped by every change readers can observe (for cheap "did anything change" checks).
  std::uint64_t generation() const;

  void init_start() override;
  void init_apply(const rapidjson::Value& object) override;
  void init_done() override;
  void apply(const rapidjson::Value& object) override;
  void remove(const rapidjson::Value& object) override;

 private:
  using Map = std::unordered_map<std::string, ObjectPtr>;
  static ObjectPtr copy(const rapidjson::Value& object);

  mutable std::shared_mutex mutex_;
  Map objects_;
  bool ready_ = false;
  std::uint64_t generation_ = 0;
  Map pending_;  // writer-only: the list being assembled
};

}  // namespace tierguard::kube
