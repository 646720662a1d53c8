#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "kube/clock.h"
#include "kube/config.h"

namespace tierguard::kube {

// Supplies the bearer token for each request. With a token file (projected ServiceAccount
// tokens rotate hourly) the file is re-read when its mtime or size changes — checked at
// most once per second — and at least every minute, like client-go's cached token source.
// A failed re-read keeps the previous token (the kubelet swaps the file atomically).
// Thread-safe.
class TokenSource {
 public:
  TokenSource(Credentials credentials, Clock& clock);

  // The current token, "" when the config has none. Throws Error(kConfig) only when a
  // token file was never readable.
  std::string token();
  // Forces a re-read on the next token() (after a 401). Returns whether a file backs it.
  bool invalidate();

 private:
  void reload_locked(Clock::TimePoint now);

  Credentials credentials_;
  Clock& clock_;
  std::mutex mutex_;
  std::string token_;
  bool loaded_ = false;
  bool force_reload_ = false;
  Clock::TimePoint last_read_{};
  Clock::TimePoint last_stat_{};
  std::filesystem::file_time_type mtime_{};
  std::uintmax_t size_ = 0;
};

}  // namespace tierguard::kube
