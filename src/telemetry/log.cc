#include "telemetry/log.h"

#include <rapidjson/writer.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "telemetry/json_output.h"

namespace tierguard::telemetry {

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "unknown";
}

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

LogSink stderr_log_sink() {
  return [](std::string_view line) {
    thread_local std::string buffer;
    buffer.assign(line);
    buffer += '\n';
    const char* data = buffer.data();
    std::size_t left = buffer.size();
    while (left > 0) {
      const ssize_t written = ::write(STDERR_FILENO, data, left);
      if (written < 0) {
        if (errno == EINTR) continue;
        return;  // stderr is gone: nothing sensible left to report to
      }
      data += written;
      left -= static_cast<std::size_t>(written);
    }
  };
}

namespace {
// Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" into buf; returns its length. The date and time up to the
// second are formatted once per second per thread; only the milliseconds change in between.
std::size_t format_timestamp(char (&buf)[40], std::chrono::system_clock::time_point ts) {
  using namespace std::chrono;
  const auto since_epoch = ts.time_since_epoch();
  const auto secs = floor<seconds>(since_epoch);
  const auto millis = static_cast<int>(duration_cast<milliseconds>(since_epoch - secs).count());
  thread_local std::int64_t cached_second = -1;
  thread_local char cached[24];
  thread_local std::size_t cached_length = 0;
  if (secs.count() != cached_second) {
    const std::time_t t = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    const int n = std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d",
                                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                tm.tm_min, tm.tm_sec);
    cached_length = n > 0 ? std::min(static_cast<std::size_t>(n), sizeof cached - 1) : 0;
    cached_second = secs.count();
  }
  std::memcpy(buf, cached, cached_length);
  char* p = buf + cached_length;
  *p++ = '.';
  *p++ = static_cast<char>('0' + millis / 100);
  *p++ = static_cast<char>('0' + millis / 10 % 10);
  *p++ = static_cast<char>('0' + millis % 10);
  *p++ = 'Z';
  return static_cast<std::size_t>(p - buf);
}

using LineWriter = rapidjson::Writer<StringAppendStream>;

void write_string(LineWriter& writer, std::string_view s) {
  thread_local std::string scratch;
  s = to_valid_utf8(s, scratch);
  writer.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

struct FieldValueWriter {
  LineWriter& writer;
  void operator()(std::string_view v) const { write_string(writer, v); }
  void operator()(std::int64_t v) const { writer.Int64(v); }
  void operator()(std::uint64_t v) const { writer.Uint64(v); }
  void operator()(double v) const {
    if (std::isfinite(v)) {
      writer.Double(v);
    } else {
      writer.Null();  // NaN/Inf are not JSON
    }
  }
  void operator()(bool v) const { writer.Bool(v); }
};
}  // namespace

void format_log_line(std::string& out, LogLevel level, std::chrono::system_clock::time_point ts,
                     std::string_view msg, std::initializer_list<LogField> fields) {
  StringAppendStream stream(out);
  LineWriter writer(stream);
  writer.StartObject();
  writer.Key("level");
  write_string(writer, log_level_name(level));
  writer.Key("ts");
  char ts_text[40];
  write_string(writer, std::string_view(ts_text, format_timestamp(ts_text, ts)));
  writer.Key("msg");
  write_string(writer, msg);
  for (const LogField& field : fields) {
    write_string(writer, field.key);
    std::visit(FieldValueWriter{writer}, field.value);
  }
  writer.EndObject();
}

Logger::Logger(LogLevel min_level, LogSink sink, WallClock clock)
    : min_level_(min_level), sink_(std::move(sink)), clock_(std::move(clock)) {}

void Logger::log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields) {
  if (!enabled(level) || !sink_) return;
  thread_local std::string line;
  line.clear();
  format_log_line(line, level, clock_(), msg, fields);
  sink_(line);
}

Logger& null_logger() {
  static Logger logger(LogLevel::kError, LogSink{});
  return logger;
}

}  // namespace tierguard::telemetry
