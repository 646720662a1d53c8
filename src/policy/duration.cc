#include "policy/duration.h"

#include <cstdint>
#include <limits>

namespace tierguard::policy {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t nanos;
};

// Longest suffixes first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {
    {"ns", 1},           {"us", 1000},           {"\xC2\xB5s", 1000},       {"\xCE\xBCs", 1000},
    {"ms", 1000000},     {"s", 1000000000},      {"m", 60LL * 1000000000}, {"h", 3600LL * 1000000000},
};

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  if (text == "0") return std::chrono::nanoseconds(0);
  long double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    // Number: digits with an optional fraction; at least one digit overall.
    long double whole = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      whole = whole * 10 + (text[i] - '0');
      ++i;
      ++digits;
    }
    long double fraction = 0, scale = 1;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        scale /= 10;
        fraction += (text[i] - '0') * scale;
        ++i;
        ++digits;
      }
    }
    if (digits == 0) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(i, u.suffix.size()) == u.suffix) {
        // "m" must not swallow the "m" of "ms".
        if (u.suffix == "m" && text.substr(i, 2) == "ms") continue;
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    i += unit->suffix.size();
    total += (whole + fraction) * static_cast<long double>(unit->nanos);
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string format_duration(std::chrono::seconds value) {
  int64_t s = value.count();
  std::string out;
  if (s < 0) {
    out += '-';
    s = -s;
  }
  const int64_t h = s / 3600, m = (s % 3600) / 60, sec = s % 60;
  if (h) out += std::to_string(h) + "h";
  if (h || m) out += std::to_string(m) + "m";
  out += std::to_string(sec) + "s";
  return out;
}

}  // namespace tierguard::policy
