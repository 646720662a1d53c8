#include "telemetry/json_output.h"

#include <gtest/gtest.h>

namespace tierguard::telemetry {
namespace {

TEST(AppendJsonString, QuotesAndEscapes) {
  std::string out = "x=";
  append_json_string(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"(x="a\"b\\c\n\u0001")");
}

TEST(ToValidUtf8, ReturnsValidTextUnchangedWithoutCopying) {
  std::string scratch;
  const std::string_view text = "plain ascii, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x94\x92";
  EXPECT_EQ(to_valid_utf8(text, scratch).data(), text.data());
  EXPECT_TRUE(scratch.empty());
}

TEST(ToValidUtf8, ReplacesEachInvalidByteWithTheReplacementCharacter) {
  std::string scratch;
  const std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(to_valid_utf8("a\xff" "b", scratch), "a" + replacement + "b");
  EXPECT_EQ(to_valid_utf8("\xc0\xaf", scratch), replacement + replacement);  // overlong '/'
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80", scratch),
            replacement + replacement + replacement);  // UTF-16 surrogate
  EXPECT_EQ(to_valid_utf8("\xf4\x90\x80\x80", scratch),
            replacement + replacement + replacement + replacement);  // above U+10FFFF
  EXPECT_EQ(to_valid_utf8("ok\xe2\x82", scratch), "ok" + replacement + replacement);  // truncated
}

TEST(AppendJsonString, SanitisesInvalidUtf8) {
  std::string out;
  append_json_string(out, "x\xfe");
  EXPECT_EQ(out, "\"x\xef\xbf\xbd\"");
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
