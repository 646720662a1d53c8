// Flag parsing of `tierguard webhook` (src/cli/webhook_command.cc).

#include "cli/webhook_command.h"

#include <gtest/gtest.h>

namespace tierguard::cli {
namespace {

using namespace std::chrono_literals;

TEST(ParseListenAddress, AcceptsIpv4Ipv6AndPortZero) {
  auto v4 = parse_listen_address("0.0.0.0:8443");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->address, "0.0.0.0");
  EXPECT_EQ(v4->port, 8443);
  auto v6 = parse_listen_address("[::]:9443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->address, "::");
  EXPECT_EQ(parse_listen_address("127.0.0.1:0")->port, 0);
}

TEST(ParseListenAddress, RejectsMalformedInput) {
  for (const char* bad : {"", "8443", ":8443", "host:", "host:65536", "host:-1", "host:84x"}) {
    EXPECT_FALSE(parse_listen_address(bad)) << bad;
  }
}

TEST(ParseDuration, AcceptsSecondsMillisecondsAndMinutes) {
  EXPECT_EQ(parse_duration("25s"), 25000ms);
  EXPECT_EQ(parse_duration("25"), 25000ms);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(parse_duration("2m"), 120000ms);
  for (const char* bad : {"", "s", "-1s", "5h", "10 s", "1e10"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

TEST(RunWebhook, RejectsBadFlagsWithUsageExitCode) {
  WebhookCommandOptions options;
  options.tls_cert = "/nonexistent.crt";
  options.tls_key = "/nonexistent.key";
  options.state_paths = {"x.yaml"};
  options.listen = "nonsense";
  EXPECT_EQ(run_webhook(options), 2);
  options.listen = "127.0.0.1:0";
  options.log_level = "loud";
  EXPECT_EQ(run_webhook(options), 2);
  options.log_level = "info";
  options.state_paths.clear();
  EXPECT_EQ(run_webhook(options), 2);  // --state required with the policy reviewer
}

TEST(RunWebhook, FailsWithExitCode1WhenTheCertificateCannotBeLoaded) {
  WebhookCommandOptions options;
  options.tls_cert = "/nonexistent.crt";
  options.tls_key = "/nonexistent.key";
  options.listen = "127.0.0.1:0";
  options.reviewer = "allow-all";
  options.log_level = "error";
  EXPECT_EQ(run_webhook(options), 1);
}

}  // namespace
}  // namespace tierguard::cli
