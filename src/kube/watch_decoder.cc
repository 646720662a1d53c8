#include "kube/watch_decoder.h"

#include "kube/error.h"
#include "kube/json.h"

namespace tierguard::kube {
namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

[[noreturn]] void decode_failure(const std::string& why) {
  throw Error(ErrorKind::kDecode, "decode event: " + why);
}

}  // namespace

std::string_view to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
    case WatchEventType::kBookmark:
      return "BOOKMARK";
    case WatchEventType::kError:
      return "ERROR";
  }
  return "?";
}

WatchDecoder::WatchDecoder(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

void WatchDecoder::feed(std::string_view bytes, std::deque<WatchEvent>& out) {
  while (!bytes.empty()) {
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (buffer_.size() + piece.size() > max_event_bytes_) {
      buffer_.clear();
      throw Error(ErrorKind::kTooLarge,
                  "decode event: event exceeds " + std::to_string(max_event_bytes_) + " bytes");
    }
    if (newline == std::string_view::npos) {
      buffer_.append(piece);
      return;
    }
    if (buffer_.empty()) {
      decode_line(piece, out);  // common case: the whole event is in this piece, no copy
    } else {
      buffer_.append(piece);
      std::string line;
      line.swap(buffer_);
      decode_line(line, out);
    }
    bytes.remove_prefix(newline + 1);
  }
}

void WatchDecoder::finish(std::deque<WatchEvent>& out) {
  std::string rest;
  rest.swap(buffer_);
  if (trim(rest).empty()) return;
  try {
    decode_line(rest, out);
  } catch (const Error&) {
    decode_failure("stream ended inside an event (truncated, " + std::to_string(rest.size()) +
                   " bytes)");
  }
}

void WatchDecoder::decode_line(std::string_view line, std::deque<WatchEvent>& out) const {
  line = trim(line);
  if (line.empty()) return;
  rapidjson::Document doc;
  try {
    doc = parse_json(line, "event");
  } catch (const Error& e) {
    decode_failure(e.what());
  }
  if (!doc.IsObject()) decode_failure("not a JSON object");
  const auto type_it = doc.FindMember("type");
  if (type_it == doc.MemberEnd() || !type_it->value.IsString()) decode_failure("missing \"type\"");
  const std::string_view type(type_it->value.GetString(), type_it->value.GetStringLength());
  WatchEvent event;
  if (type == "ADDED") {
    event.type = WatchEventType::kAdded;
  } else if (type == "MODIFIED") {
    event.type = WatchEventType::kModified;
  } else if (type == "DELETED") {
    event.type = WatchEventType::kDeleted;
  } else if (type == "BOOKMARK") {
    event.type = WatchEventType::kBookmark;
  } else if (type == "ERROR") {
    event.type = WatchEventType::kError;
  } else {
    decode_failure("unknown type \"" + std::string(type.substr(0, 64)) + "\"");
  }
  const auto object_it = doc.FindMember("object");
  if (object_it == doc.MemberEnd() || !object_it->value.IsObject()) {
    decode_failure(std::string(type) + " event without an \"object\"");
  }
  // Make the object the document's root. Its memory stays in the document's pool, so no
  // copy is made; the few envelope bytes left behind are freed with the document.
  rapidjson::Value object;
  object.Swap(object_it->value);
  static_cast<rapidjson::Value&>(doc).Swap(object);
  event.object = std::move(doc);
  out.push_back(std::move(event));
}

}  // namespace tierguard::kube
