#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "kube/client.h"
#include "kube/object_sink.h"
#include "kube/watcher.h"

namespace tierguard::kube {

// Keeps one sink in step with one kind: a Watcher running on the client's executor, plus
// readiness (has_synced after the first complete list) and the last error for diagnostics.
//
//   ObjectStore roles;                      // or the compact store's sink
//   Informer informer(client, resources::roles(), roles);
//   informer.start();                       // returns at once; runs on client.executor()
//   ... readiness: informer.has_synced()
//   informer.stop();                        // or destroy it
//
// The client and the sink must outlive the informer's run: stop it, then let the executor
// finish (or destroy the io_context) before destroying them.
class Informer {
 public:
  Informer(Client& client, ResourceType type, ObjectSink& sink, WatcherConfig config = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Spawns the watch loop on the client's executor. Idempotent while running.
  void start();
  // Cancels the loop (thread-safe; returns before it has unwound).
  void stop();
  // The loop itself, for callers that compose coroutines; cancel it with Asio cancellation.
  boost::asio::awaitable<void> run();

  // True once the first list has been delivered (stays true across relists).
  bool has_synced() const;
  bool running() const;
  std::optional<std::string> last_error() const;
  const ResourceType& type() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Readiness of a set of informers: every initial list is in.
bool all_synced(std::span<const Informer* const> informers);

// Waits (polling every 100ms on `clock`) until all informers synced; false after `timeout`.
// The span must stay valid while waiting.
boost::asio::awaitable<bool> wait_for_sync(std::span<const Informer* const> informers,
                                           Clock& clock, std::chrono::milliseconds timeout);

}  // namespace tierguard::kube
