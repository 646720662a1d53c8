#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "kube/client.h"

namespace tierguard::kube {

// controller-runtime's defaults: a standby takes over at most lease_duration after the
// leader stopped renewing; the leader gives up after failing to renew for renew_deadline
// (< lease_duration, so it stops acting before anyone else may start); attempts every
// retry_period.
struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per process, e.g. pod name + "_" + random
  std::chrono::seconds lease_duration{15};
  std::chrono::milliseconds renew_deadline{10'000};
  std::chrono::milliseconds retry_period{2'000};
  // On cancellation, clear holderIdentity so a standby takes over at once.
  bool release_on_cancel = true;
};

struct LeaderCallbacks {
  std::function<void()> on_started_leading;
  std::function<void()> on_stopped_leading;
  std::function<void(const std::string&)> on_new_leader;  // observed holder changed
};

// Lease-based leader election (coordination.k8s.io/v1), like client-go's leaderelection:
// every write is conditioned on the Lease's resourceVersion, so of two contenders exactly
// one wins (the other gets 409 and retries); expiry is judged by this process's monotonic
// clock from when it last saw the lease change, never by comparing wall clocks.
class LeaderElector {
 public:
  LeaderElector(Client& client, LeaderElectionConfig config, LeaderCallbacks callbacks);

  // Acquires (retrying every retry_period, jittered), calls on_started_leading, renews every
  // retry_period; returns after on_stopped_leading when a renewal could not succeed within
  // renew_deadline. Cancelling it (Asio cancellation) releases a held lease first, then
  // throws Error(kCancelled).
  boost::asio::awaitable<void> run();

  bool is_leader() const { return leader_.load(); }
  std::string observed_leader() const;

 private:
  boost::asio::awaitable<bool> try_acquire_or_renew(std::chrono::milliseconds timeout);
  boost::asio::awaitable<bool> try_update(rapidjson::Document lease, bool renewing,
                                          std::chrono::milliseconds timeout);
  boost::asio::awaitable<void> release();
  boost::asio::awaitable<bool> release_once(rapidjson::Document lease);
  boost::asio::awaitable<void> acquire_loop();
  boost::asio::awaitable<void> renew_loop();
  void observe(const rapidjson::Value& lease);
  void set_leader(bool leader);

  Client& client_;
  LeaderElectionConfig config_;
  LeaderCallbacks callbacks_;
  // Named, not temporaries: GCC 12 mis-destroys class temporaries inside co_await operands.
  const ResourceType& leases_;
  const WriteOptions no_options_;
  std::atomic<bool> leader_{false};
  mutable std::mutex mutex_;
  std::string observed_holder_;
  std::string observed_renew_time_;
  Clock::TimePoint observed_at_{};
  std::chrono::seconds observed_duration_{0};
  std::optional<rapidjson::Document> cached_lease_;  // our last successful write
};

}  // namespace tierguard::kube
