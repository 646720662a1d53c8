#pragma once

#include <rapidjson/document.h>

#include <vector>

namespace tierguard::kube {

// Where a watcher delivers what it learns, in order, from one coroutine (one writer).
// Objects are borrowed for the duration of the call: a sink keeps what it needs (a compact
// projection, or a copy), never the reference. Sinks must not throw.
//
//   init_start()            a (re)list begins; buffer what follows
//   init_apply(object)...   the listed objects, page by page
//   init_done()             the list is complete: swap the buffer in atomically; anything
//                           not listed is gone (deleted while we were not watching)
//   apply(object)           added or modified, in resourceVersion order
//   remove(object)          deleted (its last state)
class ObjectSink {
 public:
  virtual ~ObjectSink() = default;
  virtual void init_start() = 0;
  virtual void init_apply(const rapidjson::Value& object) = 0;
  virtual void init_done() = 0;
  virtual void apply(const rapidjson::Value& object) = 0;
  virtual void remove(const rapidjson::Value& object) = 0;
};

// Forwards every call to several sinks, in the order they were added (e.g. a store and a
// reconcile trigger). The sinks must outlive it.
class FanoutSink final : public ObjectSink {
 public:
  FanoutSink& add(ObjectSink& sink) {
    sinks_.push_back(&sink);
    return *this;
  }
  void init_start() override {
    for (auto* s : sinks_) s->init_start();
  }
  void init_apply(const rapidjson::Value& object) override {
    for (auto* s : sinks_) s->init_apply(object);
  }
  void init_done() override {
    for (auto* s : sinks_) s->init_done();
  }
  void apply(const rapidjson::Value& object) override {
    for (auto* s : sinks_) s->apply(object);
  }
  void remove(const rapidjson::Value& object) override {
    for (auto* s : sinks_) s->remove(object);
  }

 private:
  std::vector<ObjectSink*> sinks_;
};

}  // namespace tierguard::kube
