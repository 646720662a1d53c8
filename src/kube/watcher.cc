#include "kube/watcher.h"

#include <algorithm>
#include <cmath>

#include "kube/json.h"

namespace tierguard::kube {

Watcher::Watcher(Client& client, ResourceType type, WatcherConfig config)
    : client_(client), type_(std::move(type)), config_(std::move(config)) {
  Client* c = &client;
  on_error_ = [c](const Error& e) { c->logger()(LogLevel::kWarning, e.what()); };
}

Watcher::~Watcher() = default;

int Watcher::watch_timeout_seconds() const {
  const auto lo = config_.min_watch_timeout.count();
  const auto hi = std::max(config_.max_watch_timeout.count(), lo + 1);
  const double r = std::clamp(client_.random()(), 0.0, 0.999999);
  return static_cast<int>(lo +
                          static_cast<long long>(std::floor(r * static_cast<double>(hi - lo))));
}

boost::asio::awaitable<Watcher::Outcome> Watcher::step(ObjectSink& sink) {
  switch (phase_) {
    case Phase::kEmpty:
      sink.init_start();
      continue_token_.clear();
      phase_ = Phase::kInitPage;
      co_return Outcome::kTransition;
    case Phase::kInitPage:
      co_return co_await list_page(sink);
    case Phase::kInitListed:
      co_return co_await start_watch();
    case Phase::kWatching:
      co_return co_await next_event(sink);
  }
  co_return Outcome::kTransition;
}

boost::asio::awaitable<Watcher::Outcome> Watcher::list_page(ObjectSink& sink) {
  ListOptions options;
  options.label_selector = config_.label_selector;
  options.field_selector = config_.field_selector;
  options.limit = config_.page_size;
  if (!continue_token_.empty()) {
    options.continue_token = continue_token_;  // carries the first page's snapshot
  } else if (config_.list_semantic == ListSemantic::kAny) {
    options.resource_version = "0";
    options.resource_version_match = "NotOlderThan";
  }
  rapidjson::Document page;
  try {
    page = co_await client_.list(type_, config_.ns, options);
  } catch (const Error& e) {
    // 410: the continue token expired (compaction): the partial list is useless, start over.
    if (e.is_gone()) phase_ = Phase::kEmpty;
    throw;
  }
  if (const auto* items = find_member(page, {"items"}); items != nullptr && items->IsArray()) {
    for (const auto& item : items->GetArray()) sink.init_apply(item);
  }
  const std::string next(string_at(page, {"metadata", "continue"}));
  if (!next.empty()) {
    continue_token_ = next;
    co_return Outcome::kTransition;
  }
  const std::string version(string_at(page, {"metadata", "resourceVersion"}));
  if (version.empty()) {
    phase_ = Phase::kEmpty;
    throw Error(ErrorKind::kDecode,
                "list " + type_.describe() +
                    ": no metadata.resourceVersion (does the kind support watch?)");
  }
  continue_token_.clear();
  resource_version_ = version;
  phase_ = Phase::kInitListed;
  sink.init_done();
  co_return Outcome::kProgress;
}

boost::asio::awaitable<Watcher::Outcome> Watcher::start_watch() {
  WatchOptions options;
  options.label_selector = config_.label_selector;
  options.field_selector = config_.field_selector;
  options.resource_version = resource_version_;
  options.allow_bookmarks = config_.bookmarks;
  options.timeout_seconds = watch_timeout_seconds();
  try {
    stream_ = co_await client_.watch(type_, config_.ns, options);
  } catch (const Error& e) {
    if (e.is_gone()) phase_ = Phase::kEmpty;  // rv too old to resume from: relist
    throw;
  }
  events_in_watch_ = 0;
  phase_ = Phase::kWatching;
  co_return Outcome::kTransition;
}

boost::asio::awaitable<Watcher::Outcome> Watcher::next_event(ObjectSink& sink) {
  std::optional<WatchEvent> event;
  try {
    event = co_await stream_->next();
  } catch (const Error& e) {
    stream_.reset();
    phase_ = e.is_gone() ? Phase::kEmpty : Phase::kInitListed;
    throw;
  }
  if (!event) {  // clean end (timeoutSeconds): resume from where we are
    stream_.reset();
    phase_ = Phase::kInitListed;
    co_return events_in_watch_ > 0 ? Outcome::kTransition : Outcome::kUnproductive;
  }
  ++events_in_watch_;
  const std::string version(object_resource_version(event->object));
  if (event->type == WatchEventType::kBookmark) {
    if (!version.empty()) resource_version_ = version;
    co_return Outcome::kProgress;
  }
  if (version.empty()) {
    stream_.reset();
    phase_ = Phase::kEmpty;
    throw Error(ErrorKind::kDecode, "watch " + type_.describe() + ": " +
                                        std::string(to_string(event->type)) +
                                        " event without metadata.resourceVersion");
  }
  if (event->type == WatchEventType::kDeleted) {
    sink.remove(event->object);
  } else {
    sink.apply(event->object);
  }
  resource_version_ = version;
  co_return Outcome::kProgress;
}

boost::asio::awaitable<void> Watcher::run(ObjectSink& sink) {
  Backoff backoff(config_.backoff, client_.random());
  for (;;) {
    std::chrono::milliseconds delay{0};
    try {
      const Outcome outcome = co_await step(sink);
      if (outcome == Outcome::kProgress) backoff.reset();
      if (outcome == Outcome::kUnproductive) delay = backoff.next();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCancelled) throw;
      on_error_(e);
      delay = backoff.next();
      if (e.retry_after()) {
        delay = std::max(delay, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::min(*e.retry_after(), std::chrono::seconds(60))));
      }
    }
    if (delay.count() > 0) {
      try {
        co_await client_.clock().sleep(delay);
      } catch (...) {
        rethrow_with_context("watch " + type_.describe() + ": backoff", ErrorKind::kCancelled);
      }
    }
  }
}

}  // namespace tierguard::kube
