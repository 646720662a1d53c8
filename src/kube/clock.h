#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>

namespace tierguard::kube {

// Time as the runtime pieces (retries, watcher backoff, leader election, event dedup) see
// it. Injected so tests run on simulated time; socket deadlines always use real time.
class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  // Monotonic time for durations and deadlines.
  virtual TimePoint now() const = 0;
  // Wall-clock time for timestamps written to the API (Lease renewTime, Event eventTime).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  // Suspends the calling coroutine for `duration`; honours Asio cancellation.
  virtual boost::asio::awaitable<void> sleep(Duration duration) = 0;
};

// The real clock: steady_clock/system_clock and an asio::steady_timer.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  boost::asio::awaitable<void> sleep(Duration duration) override;

  // A process-wide instance for callers that inject nothing.
  static SystemClock& instance();
};

// Uniform random numbers in [0, 1), injected for jitter so tests are deterministic.
using RandomSource = std::function<double()>;
RandomSource default_random();

}  // namespace tierguard::kube
