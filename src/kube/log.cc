#include "kube/log.h"

#include <cstdio>
#include <string>

namespace tierguard::kube {

Logger stderr_logger(LogLevel minimum) {
  return [minimum](LogLevel level, std::string_view message) {
    if (level < minimum) return;
    static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
    const std::string line =
        std::string("kube ") + kNames[static_cast<int>(level)] + ": " + std::string(message) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
  };
}

Logger null_logger() {
  return [](LogLevel, std::string_view) {};
}

}  // namespace tierguard::kube
