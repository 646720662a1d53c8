#include "kube/time_format.h"

#include <cstdio>

namespace tierguard::kube {

std::string format_micro_time(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto micros = duration_cast<microseconds>(time.time_since_epoch());
  const auto days = floor<std::chrono::days>(micros);
  const year_month_day ymd{sys_days(days)};
  auto rest = micros - days;
  const auto h = duration_cast<hours>(rest);
  rest -= h;
  const auto m = duration_cast<minutes>(rest);
  rest -= m;
  const auto s = duration_cast<seconds>(rest);
  rest -= s;
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%06ldZ",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long>(h.count()),
                static_cast<long>(m.count()), static_cast<long>(s.count()),
                static_cast<long>(rest.count()));
  return buffer;
}

}  // namespace tierguard::kube
