#include "telemetry/log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <vector>

namespace tierguard::telemetry {
namespace {

using std::chrono::system_clock;

system_clock::time_point fixed_time() {
  // 2024-05-01T12:34:56.789Z
  return system_clock::time_point(std::chrono::milliseconds(1714566896789));
}

struct CapturingLogger {
  std::vector<std::string> lines;
  Logger logger{LogLevel::kInfo, [this](std::string_view line) { lines.emplace_back(line); },
                fixed_time};
};

TEST(Logger, WritesOneJsonObjectPerLineWithLevelTimestampMessageAndFields) {
  CapturingLogger capture;
  capture.logger.info("admission decision",
                      {{"uid", "abc"}, {"allowed", false}, {"latency_us", 42}, {"ratio", 0.5}});
  ASSERT_EQ(capture.lines.size(), 1u);
  EXPECT_EQ(capture.lines[0],
            R"({"level":"info","ts":"2024-05-01T12:34:56.789Z","msg":"admission decision",)"
            R"("uid":"abc","allowed":false,"latency_us":42,"ratio":0.5})");
}

TEST(Logger, DropsLinesBelowTheMinimumLevel) {
  CapturingLogger capture;
  capture.logger.debug("hidden");
  capture.logger.warn("shown");
  capture.logger.set_level(LogLevel::kError);
  capture.logger.warn("hidden too");
  capture.logger.error("shown too");
  ASSERT_EQ(capture.lines.size(), 2u);
  EXPECT_NE(capture.lines[0].find(R"("level":"warn")"), std::string::npos);
  EXPECT_NE(capture.lines[1].find(R"("level":"error")"), std::string::npos);
}

TEST(Logger, EscapesHostileStringsIntoValidJson) {
  CapturingLogger capture;
  capture.logger.info("quote \" and newline \n", {{"name", "evil\"}\n{\"injected\":1"}});
  ASSERT_EQ(capture.lines.size(), 1u);
  EXPECT_EQ(capture.lines[0].find('\n'), std::string::npos);
  rapidjson::Document doc;
  doc.Parse(capture.lines[0].c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["name"].GetString(), "evil\"}\n{\"injected\":1");
  EXPECT_FALSE(doc.HasMember("injected"));
}

TEST(Logger, NeverWritesInvalidUtf8) {
  CapturingLogger capture;
  capture.logger.info("m\xff", {{"name", "n\xc0"}});
  ASSERT_EQ(capture.lines.size(), 1u);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(capture.lines[0].c_str());
  EXPECT_FALSE(doc.HasParseError()) << capture.lines[0];
}

TEST(Logger, TimestampsKeepMillisecondsAcrossCachedSeconds) {
  std::vector<std::string> lines;
  auto t = fixed_time();
  Logger logger(LogLevel::kInfo, [&](std::string_view line) { lines.emplace_back(line); },
                [&] { return t; });
  logger.info("a");
  t += std::chrono::milliseconds(5);
  logger.info("b");
  t += std::chrono::seconds(3600);
  logger.info("c");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find(R"("ts":"2024-05-01T12:34:56.789Z")"), std::string::npos);
  EXPECT_NE(lines[1].find(R"("ts":"2024-05-01T12:34:56.794Z")"), std::string::npos);
  EXPECT_NE(lines[2].find(R"("ts":"2024-05-01T13:34:56.794Z")"), std::string::npos);
}

TEST(Logger, NonFiniteDoublesBecomeNull) {
  CapturingLogger capture;
  capture.logger.info("m", {{"v", std::numeric_limits<double>::infinity()}});
  ASSERT_EQ(capture.lines.size(), 1u);
  EXPECT_NE(capture.lines[0].find(R"("v":null)"), std::string::npos);
}

TEST(ParseLogLevel, AcceptsKnownNamesOnly) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_EQ(parse_log_level("INFO"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
}

TEST(NullLogger, AcceptsEverythingAndWritesNothing) {
  null_logger().error("nothing happens", {{"k", 1}});
  SUCCEED();
}

}  // namespace
}  // namespace tierguard::telemetry
