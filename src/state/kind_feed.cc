#include "state/kind_feed.h"

#include <vector>

#include "state/decode_error.h"
#include "state/json_reader.h"
#include "state/manifest_state.h"

namespace tierguard::state {
namespace {

std::string key_of(std::string_view ns, std::string_view name) {
  std::string key(ns);
  key += '/';
  key += name;
  return key;
}

}  // namespace

KindFeed::KindFeed(LiveState& state, ObjectKind kind, ErrorReporter on_error)
    : state_(state), kind_(kind), on_error_(std::move(on_error)) {}

bool KindFeed::decode(const rapidjson::Value& object, DecodedObject& out) {
  try {
    out = decode_object_as(kind_, object);
    return true;
  } catch (const DecodeError& e) {
    if (on_error_) {
      std::string name;
      if (object.IsObject()) {
        auto meta = object.FindMember("metadata");
        if (meta != object.MemberEnd() && meta->value.IsObject()) {
          auto n = meta->value.FindMember("name");
          if (n != meta->value.MemberEnd() && n->value.IsString()) name = n->value.GetString();
        }
      }
      on_error_(kind_, std::string(kind_name(kind_)) + " " + name + ": " + e.what());
    }
    return false;
  }
}

void KindFeed::init_start() {
  // The first list fills an empty store: nothing can have vanished, nothing to remember.
  relisting_ = synced();
  seen_.clear();
}

void KindFeed::init_apply(const rapidjson::Value& object) {
  DecodedObject decoded;
  if (!decode(object, decoded)) return;
  if (relisting_) seen_.insert(key_of(decoded.header.namespace_name, decoded.header.name));
  state_.write([&](Snapshot& s) { apply_object(s, decoded); });
}

void KindFeed::init_done() {
  if (relisting_) {
    state_.write([&](Snapshot& s) {
      std::vector<std::pair<std::string, std::string>> vanished;
      s.for_each_key(kind_, [&](std::string_view ns, std::string_view name) {
        if (!seen_.count(key_of(ns, name))) vanished.emplace_back(ns, name);
      });
      for (const auto& [ns, name] : vanished) s.remove(kind_, ns, name);
    });
    std::unordered_set<std::string>().swap(seen_);
    relisting_ = false;
  }
  synced_.store(true, std::memory_order_release);
}

void KindFeed::apply(const rapidjson::Value& object) {
  DecodedObject decoded;
  if (!decode(object, decoded)) return;
  state_.write([&](Snapshot& s) { apply_object(s, decoded); });
}

void KindFeed::remove(const rapidjson::Value& object) {
  // Only the identity matters; a deleted object's last state may be partial.
  try {
    const JsonReader reader(object, "");
    const auto header = decode_header(reader);
    state_.write([&](Snapshot& s) { s.remove(kind_, header.namespace_name, header.name); });
  } catch (const DecodeError& e) {
    if (on_error_) on_error_(kind_, std::string(kind_name(kind_)) + " (deleted): " + e.what());
  }
}

}  // namespace tierguard::state
