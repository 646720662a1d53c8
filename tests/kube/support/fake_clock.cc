#include "fake_clock.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace tierguard::kube::testing {

FakeClock::FakeClock()
    : start_(TimePoint(std::chrono::hours(1000))),
      now_(start_),
      wall_start_(std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) + std::chrono::hours(12)) {
}

std::chrono::system_clock::time_point FakeClock::wall_now() const {
  return wall_start_ +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(now_ - start_);
}

boost::asio::awaitable<void> FakeClock::sleep(Duration duration) {
  history_.push_back(duration);
  Sleeper sleeper{boost::asio::steady_timer(co_await boost::asio::this_coro::executor,
                                            std::chrono::steady_clock::time_point::max()),
                  now_ + duration};
  if (duration <= Duration::zero()) co_return;
  sleepers_.push_back(&sleeper);
  boost::system::error_code ec;
  co_await sleeper.timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  std::erase(sleepers_, &sleeper);
  if (!sleeper.fired) {
    throw boost::system::system_error(boost::asio::error::operation_aborted);
  }
}

void FakeClock::wake_due() {
  for (Sleeper* sleeper : sleepers_) {
    if (!sleeper->fired && sleeper->deadline <= now_) {
      sleeper->fired = true;
      sleeper->timer.cancel();
    }
  }
}

void FakeClock::advance(Duration duration) {
  now_ += duration;
  wake_due();
}

bool FakeClock::advance_to_next() {
  TimePoint next = TimePoint::max();
  for (const Sleeper* sleeper : sleepers_) {
    if (!sleeper->fired) next = std::min(next, sleeper->deadline);
  }
  if (next == TimePoint::max()) return false;
  if (next > now_) now_ = next;
  wake_due();
  return true;
}

}  // namespace tierguard::kube::testing
