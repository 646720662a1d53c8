#include "telemetry/json_output.h"

#include <gtest/gtest.h>

namespace tierguard::telemetry {
namespace {

TEST(AppendJsonString, QuotesAndEscapes) {
  std::string out = "x=";
  append_json_string(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"(x="a\"b\\c\n\u0001")");
}

TEST(StringAppendStream, AppendsToCallerString) {
  std::string out = "abc";
  StringAppendStream stream(out);
  stream.Put('d');
  stream.Flush();
  EXPECT_EQ(out, "abcd");
}

}  // namespace
}  // namespace tierguard::telemetry
