#include "policy/duration.h"

#include <gtest/gtest.h>

#include <limits>

namespace tierguard::policy {
namespace {

using namespace std::chrono_literals;

TEST(ParseDuration, GoForms) {
  struct Case {
    const char* text;
    std::chrono::nanoseconds expected;
  };
  const Case cases[] = {
      {"0", 0ns},
      {"0s", 0ns},
      {"90s", 90s},
      {"1h30m", 90min},
      {"1.5h", 90min},
      {"250ms", 250ms},
      {"1m30s", 90s},
      {"2h45m10s", 2h + 45min + 10s},
      {"1h1h", 2h},  // Go sums repeated units
      {"1.s", 1s},
      {".5s", 500ms},
      {"0.25m", 15s},
      {"10ns", 10ns},
      {"7us", 7us},
      {"7\xC2\xB5s", 7us},  // U+00B5 micro sign
      {"7\xCE\xBCs", 7us},  // U+03BC Greek mu
      {"1ms500us", 1500us},
      {"2562047h", 2562047h},  // just under Go's maximum (~2562047h47m)
      {"9223372036854775807ns", std::chrono::nanoseconds(std::numeric_limits<int64_t>::max())},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const auto parsed = parse_duration(c.text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->count(), c.expected.count());
  }
}

TEST(ParseDuration, Rejects) {
  for (const char* text : {"", "5", "-5m", "+5m", "1x", "h", "1h30", ".", "..5s", "1.2.3s", "5 m", " 5m",
                           "5m ", "1hh", "00", "9999999999h", "2562048h", "9223372036854775808ns", "1e3s",
                           "5M", "5S", "1d", "\xC2\xB5s"}) {
    EXPECT_FALSE(parse_duration(text).has_value()) << "\"" << text << "\"";
  }
}

TEST(ParseDuration, RejectsOverlongInput) {
  EXPECT_FALSE(parse_duration(std::string(100, '1') + "s").has_value());
  EXPECT_FALSE(parse_duration(std::string(10000, 'h')).has_value());
}

TEST(FormatDuration, LikeGo) {
  EXPECT_EQ(format_duration(0s), "0s");
  EXPECT_EQ(format_duration(45s), "45s");
  EXPECT_EQ(format_duration(60s), "1m0s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(3600s), "1h0m0s");
  EXPECT_EQ(format_duration(5400s), "1h30m0s");
  EXPECT_EQ(format_duration(3601s), "1h0m1s");
  EXPECT_EQ(format_duration(100h), "100h0m0s");
  EXPECT_EQ(format_duration(-90s), "-1m30s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (auto s : {1s, 59s, 61s, 3599s, 3600s, 86399s, 86400s * 30}) {
    const auto text = format_duration(s);
    const auto parsed = parse_duration(text);
    ASSERT_TRUE(parsed.has_value()) << text;
    EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*parsed), s) << text;
  }
}

}  // namespace
}  // namespace tierguard::policy
