#pragma once

#include <string_view>

namespace tierguard {

// The release version, stamped by CMake from project(VERSION).
std::string_view version();

}  // namespace tierguard
