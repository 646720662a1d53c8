#include "kube/event_recorder.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <mutex>
#include <unordered_map>

#include "kube/json.h"
#include "kube/time_format.h"

namespace tierguard::kube {
namespace {

constexpr std::size_t kMaxNote = 1024;
constexpr std::size_t kMaxShort = 128;
constexpr std::size_t kMaxName = 253;

void add_string(rapidjson::Value& object, const char* key, std::string_view value,
                rapidjson::Document::AllocatorType& alloc) {
  if (value.empty()) return;
  object.AddMember(
      rapidjson::StringRef(key),
      rapidjson::Value(value.data(), static_cast<rapidjson::SizeType>(value.size()), alloc), alloc);
}

rapidjson::Value reference(const ObjectReference& ref, rapidjson::Document::AllocatorType& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  add_string(out, "apiVersion", ref.api_version, alloc);
  add_string(out, "kind", ref.kind, alloc);
  add_string(out, "namespace", ref.ns, alloc);
  add_string(out, "name", ref.name, alloc);
  add_string(out, "uid", ref.uid, alloc);
  add_string(out, "resourceVersion", ref.resource_version, alloc);
  return out;
}

std::string dedup_key(const EventSpec& spec) {
  const auto& r = spec.regarding;
  std::string key = r.kind + '\0' + r.ns + '\0' + r.name + '\0' + r.uid + '\0';
  key += spec.type == EventType::kWarning ? 'W' : 'N';
  key += '\0' + spec.reason + '\0' + spec.action + '\0' + spec.note;
  return key;
}

}  // namespace

ObjectReference ObjectReference::of(const rapidjson::Value& object) {
  ObjectReference ref;
  ref.api_version = std::string(string_at(object, {"apiVersion"}));
  ref.kind = std::string(string_at(object, {"kind"}));
  ref.ns = std::string(object_namespace(object));
  ref.name = std::string(object_name(object));
  ref.uid = std::string(object_uid(object));
  ref.resource_version = std::string(object_resource_version(object));
  return ref;
}

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

rapidjson::Document make_event(const EventSpec& spec, const EventRecorderConfig& config,
                               const std::string& name, std::chrono::system_clock::time_point now) {
  rapidjson::Document event(rapidjson::kObjectType);
  auto& alloc = event.GetAllocator();
  add_string(event, "apiVersion", "events.k8s.io/v1", alloc);
  add_string(event, "kind", "Event", alloc);
  rapidjson::Value metadata(rapidjson::kObjectType);
  add_string(metadata, "name", name, alloc);
  add_string(metadata, "namespace", spec.regarding.ns.empty() ? "default" : spec.regarding.ns,
             alloc);
  event.AddMember("metadata", metadata, alloc);
  add_string(event, "eventTime", format_micro_time(now), alloc);
  add_string(event, "reportingController", truncate_utf8(config.reporting_controller, kMaxShort),
             alloc);
  add_string(event, "reportingInstance", truncate_utf8(config.reporting_instance, kMaxShort),
             alloc);
  add_string(event, "action", truncate_utf8(spec.action, kMaxShort), alloc);
  add_string(event, "reason", truncate_utf8(spec.reason, kMaxShort), alloc);
  add_string(event, "note", truncate_utf8(spec.note, kMaxNote), alloc);
  add_string(event, "type", spec.type == EventType::kWarning ? "Warning" : "Normal", alloc);
  event.AddMember("regarding", reference(spec.regarding, alloc), alloc);
  if (spec.related) event.AddMember("related", reference(*spec.related, alloc), alloc);
  return event;
}

struct EventRecorder::State {
  State(Client& c, EventRecorderConfig cfg)
      : client(c), config(std::move(cfg)), tokens(config.burst), refilled(c.clock().now()) {}

  struct Entry {
    std::string name;
    std::string ns;
    std::int64_t count = 1;
    std::int64_t sent_count = 1;
    Clock::TimePoint last_seen;
    Clock::TimePoint last_sent;
  };

  bool take_token(Clock::TimePoint now) {
    const auto interval = std::max(config.refill_interval, std::chrono::milliseconds(1));
    const auto earned = (now - refilled) / interval;
    if (earned > 0) {
      tokens = static_cast<int>(std::min<std::int64_t>(config.burst, tokens + earned));
      refilled += earned * interval;
    }
    if (tokens == 0) return false;
    --tokens;
    return true;
  }

  void evict(Clock::TimePoint now) {
    if (entries.size() <= config.max_tracked) return;
    std::erase_if(entries,
                  [&](const auto& e) { return now - e.second.last_seen >= config.series_window; });
    while (entries.size() > config.max_tracked) {
      auto oldest = std::min_element(
          entries.begin(), entries.end(),
          [](const auto& a, const auto& b) { return a.second.last_seen < b.second.last_seen; });
      if (oldest == entries.end()) break;
      entries.erase(oldest);
    }
  }

  std::string event_name(const std::string& object_name) {
    char suffix[24];
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           client.clock().wall_now().time_since_epoch())
                           .count();
    std::snprintf(suffix, sizeof suffix, ".%016llx",
                  static_cast<unsigned long long>(nanos) + sequence++);
    const std::string base = object_name.empty() ? "object" : object_name;
    return base.substr(0, kMaxName - std::string_view(suffix).size()) + suffix;
  }

  Client& client;
  EventRecorderConfig config;
  const ResourceType events = resources::events();
  const WriteOptions no_write_options;
  const PatchOptions no_patch_options;
  int tokens;
  Clock::TimePoint refilled;
  std::unordered_map<std::string, Entry> entries;
  std::uint64_t sequence = 0;
  std::atomic<std::uint64_t> dropped{0};
};

namespace {

using Outcome = EventRecorder::Outcome;

boost::asio::awaitable<Outcome> record_event(std::shared_ptr<EventRecorder::State> state,
                                             EventSpec spec) {
  Client& client = state->client;
  const auto now = client.clock().now();
  const std::string key = dedup_key(spec);
  state->evict(now);
  auto it = state->entries.find(key);
  if (it != state->entries.end() && now - it->second.last_seen < state->config.series_window) {
    auto& entry = it->second;
    ++entry.count;
    entry.last_seen = now;
    if (now - entry.last_sent < state->config.series_min_interval) co_return Outcome::kCounted;
    if (!state->take_token(now)) {
      ++state->dropped;
      co_return Outcome::kRateLimited;
    }
    entry.last_sent = now;
    const std::string name = entry.name;
    const std::string ns = entry.ns;
    const std::string patch = R"({"series":{"count":)" + std::to_string(entry.count) +
                              R"(,"lastObservedTime":")" +
                              format_micro_time(client.clock().wall_now()) + "\"}}";
    try {
      co_await client.patch(state->events, ns, name, PatchType::kMerge, patch,
                            state->no_patch_options);
      co_return Outcome::kSeriesUpdated;
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCancelled) throw;
      client.logger()(LogLevel::kWarning, std::string("event: ") + e.what());
      if (!e.is_not_found()) co_return Outcome::kFailed;
    }
    state->entries.erase(key);  // the Event expired server-side: start a new one below
  }
  if (!state->take_token(now)) {
    ++state->dropped;
    co_return Outcome::kRateLimited;
  }
  EventRecorder::State::Entry entry;
  entry.name = state->event_name(spec.regarding.name);
  entry.ns = spec.regarding.ns.empty() ? "default" : spec.regarding.ns;
  entry.last_seen = now;
  entry.last_sent = now;
  const rapidjson::Document event =
      make_event(spec, state->config, entry.name, client.clock().wall_now());
  const std::string ns = entry.ns;
  state->entries[key] = std::move(entry);
  try {
    co_await client.create(state->events, ns, event, state->no_write_options);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCancelled) throw;
    state->entries.erase(key);
    client.logger()(LogLevel::kWarning, std::string("event: ") + e.what());
    co_return Outcome::kFailed;
  }
  co_return Outcome::kCreated;
}

}  // namespace

EventRecorder::EventRecorder(Client& client, EventRecorderConfig config)
    : state_(std::make_shared<State>(client, std::move(config))) {}

EventRecorder::~EventRecorder() = default;

boost::asio::awaitable<EventRecorder::Outcome> EventRecorder::record(EventSpec spec) {
  co_return co_await record_event(state_, std::move(spec));
}

void EventRecorder::post(EventSpec spec) {
  std::shared_ptr<State> state = state_;
  boost::asio::co_spawn(state->client.executor(), record_event(state, std::move(spec)),
                        boost::asio::detached);
}

std::uint64_t EventRecorder::dropped() const {
  return state_->dropped.load();
}

}  // namespace tierguard::kube
