#include "kube/connection_pool.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "kube/error.h"

namespace tierguard::kube {

ConnectionPool::Slot& ConnectionPool::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr) pool_->release();
    pool_ = std::exchange(other.pool_, nullptr);
  }
  return *this;
}

ConnectionPool::Slot::~Slot() {
  if (pool_ != nullptr) pool_->release();
}

ConnectionPool::ConnectionPool(boost::asio::any_io_executor executor, std::size_t max_active,
                               std::chrono::milliseconds idle_expiry)
    : executor_(std::move(executor)),
      max_active_(std::max<std::size_t>(1, max_active)),
      idle_expiry_(idle_expiry) {}

ConnectionPool::~ConnectionPool() {
  for (auto& connection : idle_) connection->close();
}

boost::asio::awaitable<ConnectionPool::Slot> ConnectionPool::acquire(Deadline deadline) {
  if (active_ < max_active_ && waiters_.empty()) {
    ++active_;
    co_return Slot(this);
  }
  Waiter waiter{boost::asio::steady_timer(executor_, deadline)};
  waiters_.push_back(&waiter);
  boost::system::error_code ec;
  co_await waiter.timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (waiter.granted) co_return Slot(this);  // release() handed its capacity to us
  std::erase(waiters_, &waiter);
  if (ec == boost::asio::error::operation_aborted) {
    throw Error(ErrorKind::kCancelled, "waiting for a connection slot: cancelled");
  }
  throw Error(ErrorKind::kTimeout, "waiting for a connection slot: all " +
                                       std::to_string(max_active_) + " in use until the deadline");
}

void ConnectionPool::release() {
  if (!waiters_.empty()) {
    Waiter* next = waiters_.front();
    waiters_.pop_front();
    next->granted = true;
    next->timer.cancel();
    return;
  }
  --active_;
}

std::unique_ptr<Connection> ConnectionPool::take_idle() {
  const auto now = std::chrono::steady_clock::now();
  while (!idle_.empty()) {
    std::unique_ptr<Connection> connection = std::move(idle_.back());
    idle_.pop_back();
    if (now - connection->idle_since < idle_expiry_ && connection->reusable()) return connection;
    connection->close();
  }
  return nullptr;
}

void ConnectionPool::put_idle(std::unique_ptr<Connection> connection) {
  connection->idle_since = std::chrono::steady_clock::now();
  idle_.push_back(std::move(connection));
  while (idle_.size() > max_active_) {
    idle_.front()->close();
    idle_.erase(idle_.begin());
  }
}

}  // namespace tierguard::kube
