#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "state/snapshot.h"

namespace tierguard::state {

// A reader-writer lock that lets a waiting writer in ahead of new readers, so a steady stream
// of admission reviews (readers) cannot starve the informers (the writer).
class WriterPreferringMutex {
 public:
  WriterPreferringMutex();
  ~WriterPreferringMutex();
  WriterPreferringMutex(const WriterPreferringMutex&) = delete;
  WriterPreferringMutex& operator=(const WriterPreferringMutex&) = delete;

  void lock();
  void unlock();
  void lock_shared();
  void unlock_shared();

 private:
  pthread_rwlock_t lock_;
};

// The Snapshot shared by every admission thread and the informers that keep it current: many
// concurrent readers, one writer at a time. Decisions hold the read lock for the few
// microseconds they take; each watch event takes the write lock once.
class LiveState {
 public:
  explicit LiveState(std::unique_ptr<Snapshot> snapshot = std::make_unique<Snapshot>());

  template <typename F>
  decltype(auto) read(F&& f) const {
    std::shared_lock guard(mutex_);
    return f(static_cast<const Snapshot&>(*snapshot_));
  }

  template <typename F>
  decltype(auto) write(F&& f) {
    std::lock_guard guard(mutex_);
    generation_.fetch_add(1, std::memory_order_relaxed);
    return f(*snapshot_);
  }

  // Whether the state is complete enough to decide (every initial list done, or files loaded).
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  void set_ready(bool ready) { ready_.store(ready, std::memory_order_release); }

  // Incremented by every write; lets caches tell whether the state changed.
  uint64_t generation() const { return generation_.load(std::memory_order_relaxed); }

 private:
  mutable WriterPreferringMutex mutex_;
  std::unique_ptr<Snapshot> snapshot_;
  std::atomic<bool> ready_{false};
  std::atomic<uint64_t> generation_{0};
};

}  // namespace tierguard::state
