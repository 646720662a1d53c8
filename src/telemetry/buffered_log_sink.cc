// The buffered log sink (declared in log.h): lines are appended under a mutex to a buffer that
// a background thread writes out in one write(2) per flush.

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "telemetry/log.h"

namespace tierguard::telemetry {

namespace {
constexpr std::size_t kFlushThreshold = 64 * 1024;
constexpr std::size_t kMaxBuffered = 8 * 1024 * 1024;

void write_all(int fd, const std::string& data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // the log destination is gone: nothing sensible to report to
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

class BufferedWriter {
 public:
  BufferedWriter(int fd, std::chrono::milliseconds interval)
      : fd_(fd), interval_(interval), thread_([this] { run(); }) {}

  ~BufferedWriter() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void append(std::string_view line) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      if (pending_.size() + line.size() + 1 > kMaxBuffered) {
        ++dropped_;
        return;
      }
      pending_.append(line);
      pending_ += '\n';
      wake = pending_.size() >= kFlushThreshold;
    }
    if (wake) wake_.notify_one();
  }

 private:
  void run() {
    std::string writing;
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait_for(lock, interval_,
                     [&] { return stopping_ || pending_.size() >= kFlushThreshold; });
      const bool stop = stopping_;
      writing.swap(pending_);
      const std::uint64_t dropped = dropped_;
      dropped_ = 0;
      lock.unlock();
      if (dropped > 0) {
        writing += R"({"level":"error","msg":"log lines dropped: output blocked","dropped":)";
        writing += std::to_string(dropped);
        writing += "}\n";
      }
      if (!writing.empty()) write_all(fd_, writing);
      writing.clear();
      if (writing.capacity() > 4 * kFlushThreshold) writing.shrink_to_fit();
      lock.lock();
      if (stop && pending_.empty()) return;
    }
  }

  const int fd_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};
}  // namespace

LogSink buffered_fd_log_sink(int fd, std::chrono::milliseconds flush_interval) {
  auto writer = std::make_shared<BufferedWriter>(fd, flush_interval);
  return [writer](std::string_view line) { writer->append(line); };
}

LogSink buffered_stderr_log_sink(std::chrono::milliseconds flush_interval) {
  return buffered_fd_log_sink(STDERR_FILENO, flush_interval);
}

}  // namespace tierguard::telemetry
