#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kube/backoff.h"
#include "kube/client.h"
#include "kube/error.h"
#include "kube/object_sink.h"
#include "kube/resource.h"
#include "kube/watch_stream.h"

namespace tierguard::kube {

// How the initial (re)list reads.
enum class ListSemantic {
  // resourceVersion unset: a consistent (quorum) read of the newest state. Never goes back in
  // time, even across HA apiservers with lagging caches; paginates. The default.
  kMostRecent,
  // resourceVersion=0 + resourceVersionMatch=NotOlderThan: served from the apiserver's watch
  // cache, cheaper, but may be older than what this process already saw.
  kAny,
};

struct WatcherConfig {
  std::string ns;  // "" = all namespaces (and cluster-scoped kinds)
  std::string label_selector;
  std::string field_selector;
  std::uint32_t page_size = 500;  // client-go's pager default
  ListSemantic list_semantic = ListSemantic::kMostRecent;
  bool bookmarks = true;
  // timeoutSeconds of each watch is drawn uniformly from [min, max): client-go's 5–10 min,
  // so the watches of many replicas do not all reconnect at the same moment.
  std::chrono::seconds min_watch_timeout{300};
  std::chrono::seconds max_watch_timeout{600};
  // Between failed attempts: 800ms doubling to 30s, ±20% jitter; reset by progress.
  BackoffPolicy backoff{std::chrono::milliseconds(800), std::chrono::milliseconds(30'000), 2.0,
                        0.2};
};

// List-then-watch as an explicit state machine (kube-rs watcher.rs):
//
//   Empty ──init_start──▶ InitPage(continue) ──page──▶ InitPage(next) ... ──last page, init_done──▶
//   InitListed(rv) ──watch opened──▶ Watching(rv, stream) ──event: apply/remove, rv = event's──┐
//        ▲   ▲                             │  bookmark: rv = bookmark's (no output)   ◀───────┘
//        │   └── stream ended / dropped / timed out / non-410 error: resume from rv
//   Empty ◀── 410 Gone (expired rv or continue token), object without resourceVersion
//
// Resuming from the last delivered resourceVersion means no event is lost or repeated; a
// relist is delivered as init_start/init_apply.../init_done, so the sink swaps atomically and
// drops objects deleted while disconnected. step() performs one transition; run() loops it
// with backoff.
class Watcher {
 public:
  enum class Phase { kEmpty, kInitPage, kInitListed, kWatching };
  // What a step achieved, for backoff: progress resets it, an unproductive watch (closed
  // without delivering anything) waits like an error would.
  enum class Outcome { kTransition, kProgress, kUnproductive };

  Watcher(Client& client, ResourceType type, WatcherConfig config);
  ~Watcher();

  // One transition. On failure the state is first set for recovery (resume or relist), then
  // the Error is thrown ("list pods (all namespaces): 500 ...", "watch roles...: ...").
  boost::asio::awaitable<Outcome> step(ObjectSink& sink);
  // step() forever, sleeping on the client's clock after failures (honouring Retry-After).
  // Ends only by Asio cancellation (throws Error kCancelled). Errors go to on_error.
  boost::asio::awaitable<void> run(ObjectSink& sink);

  // Called with every failure run() recovers from; default: the client's logger (warning).
  void on_error(std::function<void(const Error&)> handler) { on_error_ = std::move(handler); }

  Phase phase() const { return phase_; }
  const std::string& resource_version() const { return resource_version_; }
  const std::string& continue_token() const { return continue_token_; }
  const ResourceType& type() const { return type_; }

 private:
  boost::asio::awaitable<Outcome> list_page(ObjectSink& sink);
  boost::asio::awaitable<Outcome> start_watch();
  boost::asio::awaitable<Outcome> next_event(ObjectSink& sink);
  int watch_timeout_seconds() const;

  Client& client_;
  ResourceType type_;
  WatcherConfig config_;
  std::function<void(const Error&)> on_error_;
  Phase phase_ = Phase::kEmpty;
  std::string resource_version_;
  std::string continue_token_;
  std::unique_ptr<WatchStream> stream_;
  std::uint64_t events_in_watch_ = 0;
};

}  // namespace tierguard::kube
