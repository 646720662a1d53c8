#include "telemetry/log.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>
#include <string>
#include <vector>

#include <poll.h>
#include <thread>
#include <unistd.h>

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

namespace tierguard::telemetry {
namespace {

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

TEST(BufferedFdLogSink, WritesEveryLineInOrderByTheTimeItIsDestroyed) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string out;
  std::thread reader([&] { out = read_all(fds[0]); });  // a pipe holds only 64 KiB
  {
    Logger logger(LogLevel::kInfo, buffered_fd_log_sink(fds[1], std::chrono::seconds(60)));
    for (int i = 0; i < 1000; ++i) logger.info("line", {{"i", i}});
  }  // the 60 s interval never elapses: destruction must flush
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  std::size_t lines = 0, at = 0, expected = 0;
  while ((at = out.find('\n', at)) != std::string::npos) {
    ++lines;
    ++at;
  }
  EXPECT_EQ(lines, 1000u);
  for (int i : {0, 1, 500, 999}) {
    const auto pos = out.find(R"("i":)" + std::to_string(i) + "}");
    ASSERT_NE(pos, std::string::npos) << i;
    EXPECT_GE(pos, expected);
    expected = pos;
  }
}

TEST(BufferedFdLogSink, FlushesOnItsOwnWithinTheInterval) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  Logger logger(LogLevel::kInfo, buffered_fd_log_sink(fds[1], std::chrono::milliseconds(10)));
  logger.info("hello");
  pollfd pfd{fds[0], POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);  // readable well within the bound, without a sleep
  char buf[256];
  const ssize_t n = ::read(fds[0], buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_NE(std::string(buf, static_cast<std::size_t>(n)).find(R"("msg":"hello")"),
            std::string::npos);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace tierguard::telemetry
