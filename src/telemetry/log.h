#pragma once

// Structured logs: one JSON object per line, e.g.
//   {"level":"info","ts":"2024-05-01T12:00:00.123Z","msg":"admission decision","uid":"…"}
// Lines go to a sink (stderr by default; tests inject their own). Levels below the logger's
// minimum cost one relaxed atomic load and nothing else.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace tierguard::telemetry {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::string_view log_level_name(LogLevel level);
// Accepts debug, info, warn (or warning), error; nullopt otherwise.
std::optional<LogLevel> parse_log_level(std::string_view name);

// One key/value pair of a log line. Holds views: build fields inline in the log call.
struct LogField {
  using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;

  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, long long v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, unsigned v) : key(k), value(static_cast<std::uint64_t>(v)) {}
  LogField(std::string_view k, unsigned long v) : key(k), value(static_cast<std::uint64_t>(v)) {}
  LogField(std::string_view k, unsigned long long v)
      : key(k), value(static_cast<std::uint64_t>(v)) {}

  std::string_view key;
  Value value;
};

// Receives complete lines (without the trailing newline). Called concurrently.
using LogSink = std::function<void(std::string_view line)>;
using WallClock = std::function<std::chrono::system_clock::time_point()>;

// Writes each line plus '\n' to stderr with a single write(2), so lines from concurrent
// threads never interleave.
LogSink stderr_log_sink();

// Like stderr_log_sink, but lines are appended to a memory buffer that a background thread
// writes out every `flush_interval` (or sooner once 64 KiB are waiting): one write(2) for many
// lines instead of one per line, which matters on the webhook's hot path. Lines from one
// thread keep their order. If stderr blocks and 8 MiB pile up, further lines are dropped and
// a count of them is written once stderr drains. Everything buffered is written when the last
// copy of the sink is destroyed; lines are lost only if the process dies abruptly (at most
// `flush_interval` of them).
LogSink buffered_stderr_log_sink(std::chrono::milliseconds flush_interval =
                                     std::chrono::milliseconds(20));
// The same over any file descriptor (tests use a pipe).
LogSink buffered_fd_log_sink(int fd, std::chrono::milliseconds flush_interval);

class Logger {
 public:
  explicit Logger(LogLevel min_level = LogLevel::kInfo, LogSink sink = stderr_log_sink(),
                  WallClock clock = [] { return std::chrono::system_clock::now(); });

  void set_level(LogLevel level) { min_level_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return min_level_.load(std::memory_order_relaxed); }
  bool enabled(LogLevel level) const { return level >= this->level(); }

  void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});
  void debug(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kDebug, msg, fields);
  }
  void info(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kInfo, msg, fields);
  }
  void warn(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kWarn, msg, fields);
  }
  void error(std::string_view msg, std::initializer_list<LogField> fields = {}) {
    log(LogLevel::kError, msg, fields);
  }

 private:
  std::atomic<LogLevel> min_level_;
  LogSink sink_;
  WallClock clock_;
};

// Formats a log line (exposed for tests): RFC 3339 UTC timestamp with milliseconds.
void format_log_line(std::string& out, LogLevel level, std::chrono::system_clock::time_point ts,
                     std::string_view msg, std::initializer_list<LogField> fields);

// A logger that drops everything (for components whose caller passes no logger).
Logger& null_logger();

}  // namespace tierguard::telemetry
