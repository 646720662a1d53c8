#include "kube/object_store.h"

#include <algorithm>
#include <mutex>

#include "kube/json.h"

namespace tierguard::kube {

ObjectStore::ObjectPtr ObjectStore::copy(const rapidjson::Value& object) {
  auto doc = std::make_shared<rapidjson::Document>();
  doc->CopyFrom(object, doc->GetAllocator());
  return doc;
}

ObjectStore::ObjectPtr ObjectStore::get(std::string_view ns, std::string_view name) const {
  return get(object_key(ns, name));
}

ObjectStore::ObjectPtr ObjectStore::get(std::string_view key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(std::string(key));
  return it == objects_.end() ? nullptr : it->second;
}

std::vector<ObjectStore::ObjectPtr> ObjectStore::list() const {
  std::vector<std::pair<std::string_view, ObjectPtr>> entries;
  std::shared_lock lock(mutex_);
  entries.reserve(objects_.size());
  for (const auto& [key, object] : objects_) entries.emplace_back(key, object);
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<ObjectPtr> out;
  out.reserve(entries.size());
  for (auto& entry : entries) out.push_back(std::move(entry.second));
  return out;
}

std::vector<ObjectStore::ObjectPtr> ObjectStore::list(std::string_view ns) const {
  std::vector<ObjectPtr> out;
  for (auto& object : list()) {
    if (object_namespace(*object) == ns) out.push_back(std::move(object));
  }
  return out;
}

std::size_t ObjectStore::size() const {
  std::shared_lock lock(mutex_);
  return objects_.size();
}

bool ObjectStore::ready() const {
  std::shared_lock lock(mutex_);
  return ready_;
}

std::uint64_t ObjectStore::generation() const {
  std::shared_lock lock(mutex_);
  return generation_;
}

void ObjectStore::init_start() {
  pending_.clear();
}

void ObjectStore::init_apply(const rapidjson::Value& object) {
  pending_[object_key(object)] = copy(object);
}

void ObjectStore::init_done() {
  Map previous;
  {
    std::unique_lock lock(mutex_);
    previous.swap(objects_);
    objects_.swap(pending_);
    ready_ = true;
    ++generation_;
  }
  // `previous` (objects deleted while disconnected, and replaced versions) is released
  // here, outside the lock.
}

void ObjectStore::apply(const rapidjson::Value& object) {
  ObjectPtr fresh = copy(object);
  std::string key = object_key(object);
  ObjectPtr old;
  std::unique_lock lock(mutex_);
  auto& slot = objects_[std::move(key)];
  old = std::move(slot);
  slot = std::move(fresh);
  ++generation_;
}

void ObjectStore::remove(const rapidjson::Value& object) {
  const std::string key = object_key(object);
  ObjectPtr old;
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  old = std::move(it->second);
  objects_.erase(it);
  ++generation_;
}

}  // namespace tierguard::kube
