#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "kube/http_transport.h"
#include "kube/watch_decoder.h"

namespace tierguard::kube {

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // start after this version; "" = now (no history)
  bool allow_bookmarks = true;
  int timeout_seconds = 0;  // server-side end of the watch, 0 = the server's default
};

// An open watch. next() returns ADDED/MODIFIED/DELETED/BOOKMARK events in order, nullopt
// when the server closed the stream cleanly (e.g. timeoutSeconds elapsed). An ERROR event
// throws its Status as Error (code 410 → kGone: re-list); a dropped or silent connection
// throws kTransport/kTimeout; garbage throws kDecode; an oversized event kTooLarge.
class WatchStream {
 public:
  WatchStream(std::unique_ptr<ResponseStream> response, std::size_t max_event_bytes,
              std::chrono::milliseconds idle_timeout, std::string step);

  boost::asio::awaitable<std::optional<WatchEvent>> next();
  void close();

 private:
  std::unique_ptr<ResponseStream> response_;
  WatchDecoder decoder_;
  std::deque<WatchEvent> pending_;
  std::chrono::milliseconds idle_timeout_;
  std::string step_;
  bool ended_ = false;
};

}  // namespace tierguard::kube
