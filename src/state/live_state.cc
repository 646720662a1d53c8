#include "state/live_state.h"

#include <system_error>

namespace tierguard::state {
namespace {

void check(int rc, const char* what) {
  if (rc != 0) throw std::system_error(rc, std::generic_category(), what);
}

}  // namespace

WriterPreferringMutex::WriterPreferringMutex() {
  pthread_rwlockattr_t attr;
  check(pthread_rwlockattr_init(&attr), "pthread_rwlockattr_init");
  check(pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
        "pthread_rwlockattr_setkind_np");
  check(pthread_rwlock_init(&lock_, &attr), "pthread_rwlock_init");
  pthread_rwlockattr_destroy(&attr);
}

WriterPreferringMutex::~WriterPreferringMutex() { pthread_rwlock_destroy(&lock_); }

void WriterPreferringMutex::lock() { check(pthread_rwlock_wrlock(&lock_), "pthread_rwlock_wrlock"); }
void WriterPreferringMutex::unlock() { pthread_rwlock_unlock(&lock_); }
void WriterPreferringMutex::lock_shared() { check(pthread_rwlock_rdlock(&lock_), "pthread_rwlock_rdlock"); }
void WriterPreferringMutex::unlock_shared() { pthread_rwlock_unlock(&lock_); }

LiveState::LiveState(std::unique_ptr<Snapshot> snapshot) : snapshot_(std::move(snapshot)) {}

}  // namespace tierguard::state
