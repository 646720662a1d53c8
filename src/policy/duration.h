#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tierguard::policy {

// Parses a Go time.Duration string as Kubernetes writes them ("90s", "1h30m", "1.5h", "250ms").
// Accepts units ns, us, µs, ms, s, m, h; rejects a sign, empty input, a missing unit and values
// over ~292 years. Returns nullopt on any error.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Formats like Go: "1h30m0s", "45s", "0s" (whole seconds; sub-second parts are rounded down).
std::string format_duration(std::chrono::seconds value);

}  // namespace tierguard::policy
