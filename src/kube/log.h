#pragma once

#include <functional>
#include <string_view>

namespace tierguard::kube {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Where src/kube reports what it cannot return (watch retries, config warnings, lost
// leadership). The process wires this to its telemetry; the default writes to stderr.
using Logger = std::function<void(LogLevel, std::string_view)>;

Logger stderr_logger(LogLevel minimum = LogLevel::kInfo);
// Discards everything (tests that assert on behaviour, not output).
Logger null_logger();

}  // namespace tierguard::kube
