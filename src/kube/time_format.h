#pragma once

#include <chrono>
#include <string>

namespace tierguard::kube {

// metav1.MicroTime / RFC 3339 with microseconds in UTC: "2024-05-01T12:00:00.000000Z".
std::string format_micro_time(std::chrono::system_clock::time_point time);

}  // namespace tierguard::kube
