#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tierguard::policy {

// Joins values with `separator`: join({"a", "b"}, ",") is "a,b".
std::string join(const std::vector<std::string>& values, std::string_view separator);

// The first `shown` values joined with ", ", then how many were left out: "a, b, c and 2 more".
std::string join_first(const std::vector<std::string>& values, size_t shown);

}  // namespace tierguard::policy
