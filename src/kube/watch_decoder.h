#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace tierguard::kube {

enum class WatchEventType { kAdded, kModified, kDeleted, kBookmark, kError };
std::string_view to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  rapidjson::Document object;  // the object; for kError a meta/v1 Status
};

// Splits a watch response body into events. The apiserver writes one JSON object per line:
//   {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}\n
// Bytes arrive in arbitrary pieces (events split across chunks, many per chunk). An event
// longer than `max_event_bytes` throws Error(kTooLarge) before it is buffered whole, so
// memory stays bounded; malformed events throw Error(kDecode).
class WatchDecoder {
 public:
  explicit WatchDecoder(std::size_t max_event_bytes);

  // Appends the complete events in `bytes` to `out`.
  void feed(std::string_view bytes, std::deque<WatchEvent>& out);
  // The body ended: a final event without its newline is accepted; a partial one throws
  // Error(kDecode) ("truncated").
  void finish(std::deque<WatchEvent>& out);

  std::size_t buffered() const { return buffer_.size(); }

 private:
  void decode_line(std::string_view line, std::deque<WatchEvent>& out) const;

  std::size_t max_event_bytes_;
  std::string buffer_;  // bytes of the event in progress
};

}  // namespace tierguard::kube
