#pragma once

#include <rapidjson/document.h>

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kube/client.h"

namespace tierguard::kube {

// What an event is about (events.k8s.io/v1 `regarding` / `related`).
struct ObjectReference {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  std::string resource_version;

  // From an object's apiVersion, kind and metadata.
  static ObjectReference of(const rapidjson::Value& object);
};

enum class EventType { kNormal, kWarning };

struct EventSpec {
  ObjectReference regarding;
  EventType type = EventType::kNormal;
  std::string reason;  // UpperCamelCase, e.g. "ElevationGranted" (truncated to 128)
  std::string action;  // what was done, e.g. "Grant" (truncated to 128)
  std::string note;    // for humans (truncated to 1 KiB at a UTF-8 boundary)
  std::optional<ObjectReference> related;
};

struct EventRecorderConfig {
  std::string reporting_controller = "tierguard.io/tierguard";
  std::string reporting_instance;  // this replica, e.g. the pod name
  // Identical events (same object, type, reason, action, note) within this window become
  // one Event whose series.count grows (client-go's 6 minutes) ...
  std::chrono::seconds series_window{360};
  // ... and the series is written at most this often; repeats in between only count.
  std::chrono::seconds series_min_interval{30};
  // All API writes share one token bucket so a hot loop cannot flood the apiserver.
  int burst = 25;
  std::chrono::milliseconds refill_interval{1000};  // one token per interval
  std::size_t max_tracked = 4096;                   // dedup memory bound
};

// Records events.k8s.io/v1 Events. Best effort: API failures are logged, never thrown.
class EventRecorder {
 public:
  enum class Outcome { kCreated, kSeriesUpdated, kCounted, kRateLimited, kFailed };

  EventRecorder(Client& client, EventRecorderConfig config);
  ~EventRecorder();

  // Throws only Error(kCancelled).
  boost::asio::awaitable<Outcome> record(EventSpec spec);
  // Fire and forget on the client's executor (thread-safe).
  void post(EventSpec spec);

  std::uint64_t dropped() const;

  struct State;  // implementation detail, shared with in-flight posts

 private:
  std::shared_ptr<State> state_;
};

// The Event body `record` creates (exposed for tests and for dry runs).
rapidjson::Document make_event(const EventSpec& spec, const EventRecorderConfig& config,
                               const std::string& name, std::chrono::system_clock::time_point now);

// Truncates to at most `max_bytes` without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace tierguard::kube
