#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <functional>
#include <string>
#include <unordered_set>

#include "state/live_state.h"
#include "state/object_decoder.h"

namespace tierguard::state {

// Keeps one kind of object in a LiveState current from a list-then-watch stream (the shape of
// kube::ObjectSink, without depending on src/kube): each object is decoded into what
// decisions need and applied under the write lock, one object at a time.
//
// A relist (after a 410 Gone or a reconnect) applies the listed objects as they come and, at
// init_done, removes the stored objects of this kind the list did not contain (deleted while
// the watch was down). Readers therefore see each object either before or after its update,
// as with ordinary watch events, and never a store emptied for the relist; the set of names
// seen is kept only during a relist, so the first list of 100,000 pods costs no extra memory.
class KindFeed {
 public:
  // Called for an object that cannot be decoded (it is skipped, never applied half-way).
  using ErrorReporter = std::function<void(ObjectKind kind, const std::string& what)>;

  KindFeed(LiveState& state, ObjectKind kind, ErrorReporter on_error = {});

  void init_start();
  void init_apply(const rapidjson::Value& object);
  void init_done();
  void apply(const rapidjson::Value& object);
  void remove(const rapidjson::Value& object);

  // True once the first list has been applied completely.
  bool synced() const { return synced_.load(std::memory_order_acquire); }
  ObjectKind kind() const { return kind_; }

 private:
  bool decode(const rapidjson::Value& object, DecodedObject& out);

  LiveState& state_;
  ObjectKind kind_;
  ErrorReporter on_error_;
  bool relisting_ = false;
  std::unordered_set<std::string> seen_;  // "namespace/name", during a relist only
  std::atomic<bool> synced_{false};
};

}  // namespace tierguard::state
