#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>

#include "fake_clock.h"

namespace tierguard::kube::testing {

// Runs `work` on `ioc` until it finishes and returns its result (or rethrows). Fails after
// `limit` of real time so a broken test cannot hang; no test relies on that wait.
template <class T>
T run(boost::asio::io_context& ioc, boost::asio::awaitable<T> work,
      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto future = boost::asio::co_spawn(ioc, std::move(work), boost::asio::use_future);
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    ioc.run_one_for(std::chrono::milliseconds(10));
    if (std::chrono::steady_clock::now() > give_up) throw std::runtime_error("test timed out");
  }
  return future.get();
}

// Runs the io_context on simulated time until `done()`: whenever `sleepers` coroutines are
// all asleep on `clock` (nothing else can make progress) time jumps to the next deadline.
inline void drive(boost::asio::io_context& ioc, FakeClock& clock, const std::function<bool()>& done,
                  std::size_t sleepers = 1,
                  std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    ioc.poll();
    if (done()) break;
    if (clock.sleepers() >= sleepers) {
      clock.advance_to_next();
    } else {
      ioc.run_one_for(std::chrono::milliseconds(5));
    }
    if (std::chrono::steady_clock::now() > give_up) throw std::runtime_error("test timed out");
  }
}

}  // namespace tierguard::kube::testing
