#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "kube/connection.h"
#include "kube/http_types.h"

namespace tierguard::kube {

// Bounds concurrent requests to one API server and keeps idle keep-alive connections for
// reuse (most recently used first; expired or unhealthy ones are closed, never reused).
// Not thread-safe: use from the client's executor only.
class ConnectionPool {
 public:
  // Capacity held by one request; returns it (to the next waiter) on destruction.
  class Slot {
   public:
    Slot() = default;
    explicit Slot(ConnectionPool* pool) : pool_(pool) {}
    Slot(Slot&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept;
    ~Slot();

   private:
    ConnectionPool* pool_ = nullptr;
  };

  ConnectionPool(boost::asio::any_io_executor executor, std::size_t max_active,
                 std::chrono::milliseconds idle_expiry);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Waits for capacity until `deadline`; Error(kTimeout) when none frees up in time.
  boost::asio::awaitable<Slot> acquire(Deadline deadline);
  // A reusable idle connection, or null.
  std::unique_ptr<Connection> take_idle();
  void put_idle(std::unique_ptr<Connection> connection);

  std::size_t active() const { return active_; }
  std::size_t idle() const { return idle_.size(); }
  std::size_t waiting() const { return waiters_.size(); }

 private:
  struct Waiter {
    boost::asio::steady_timer timer;
    bool granted = false;
  };
  void release();

  boost::asio::any_io_executor executor_;
  std::size_t max_active_;
  std::chrono::milliseconds idle_expiry_;
  std::size_t active_ = 0;
  std::deque<Waiter*> waiters_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace tierguard::kube
