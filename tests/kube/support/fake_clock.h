#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <vector>

#include "kube/clock.h"

namespace tierguard::kube::testing {

// Simulated time. sleep() suspends until the test advances the clock past its deadline;
// every requested duration is recorded so tests can assert backoff sequences exactly.
class FakeClock final : public Clock {
 public:
  FakeClock();

  TimePoint now() const override { return now_; }
  std::chrono::system_clock::time_point wall_now() const override;
  boost::asio::awaitable<void> sleep(Duration duration) override;

  // Moves time forward by `duration`, waking every sleeper that became due.
  void advance(Duration duration);
  // Jumps to the earliest pending deadline; false when nobody sleeps.
  bool advance_to_next();

  std::size_t sleepers() const { return sleepers_.size(); }
  const std::vector<Duration>& history() const { return history_; }
  Duration elapsed() const { return now_ - start_; }

 private:
  struct Sleeper {
    boost::asio::steady_timer timer;
    TimePoint deadline;
    bool fired = false;
  };
  void wake_due();

  TimePoint start_;
  TimePoint now_;
  std::chrono::system_clock::time_point wall_start_;
  std::vector<Sleeper*> sleepers_;
  std::vector<Duration> history_;
};

}  // namespace tierguard::kube::testing
