#include "kube/watch_stream.h"

#include "kube/error.h"
#include "kube/status.h"

namespace tierguard::kube {

WatchStream::WatchStream(std::unique_ptr<ResponseStream> response, std::size_t max_event_bytes,
                         std::chrono::milliseconds idle_timeout, std::string step)
    : response_(std::move(response)),
      decoder_(max_event_bytes),
      idle_timeout_(idle_timeout),
      step_(std::move(step)) {}

boost::asio::awaitable<std::optional<WatchEvent>> WatchStream::next() {
  while (pending_.empty()) {
    if (ended_) co_return std::nullopt;
    try {
      const std::string_view piece = co_await response_->read_some(idle_timeout_);
      if (piece.empty()) {
        ended_ = true;
        response_->close();
        decoder_.finish(pending_);
      } else {
        decoder_.feed(piece, pending_);
      }
    } catch (...) {
      ended_ = true;
      response_->close();
      rethrow_with_context(step_);
    }
  }
  WatchEvent event = std::move(pending_.front());
  pending_.pop_front();
  if (event.type == WatchEventType::kError) {
    ended_ = true;
    pending_.clear();
    response_->close();
    throw status_error(event.object, step_ + ": ERROR event");
  }
  co_return event;
}

void WatchStream::close() {
  ended_ = true;
  response_->close();
}

}  // namespace tierguard::kube
