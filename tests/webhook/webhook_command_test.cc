// `tierguard webhook` (src/cli/webhook_command.cc): flag parsing, and the real binary.

#include "cli/webhook_command.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_client.h"
#include "test_data.h"
#include "test_pki.h"
#include "test_server.h"

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
  options.drain_timeout = "soon";
  EXPECT_EQ(run_webhook(options), 2);
  options.drain_timeout = "25s";
  options.reviewer = "permissive";
  EXPECT_EQ(run_webhook(options), 2);
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

// The real binary: serves HTTPS from the certificate files, then drains and exits 0 on
// SIGTERM.

namespace tierguard::cli {
namespace {

using namespace std::chrono_literals;
using webhook::testing::make_request;
using webhook::testing::TempDir;
using webhook::testing::TestPki;
using webhook::testing::TlsClient;
using webhook::testing::write_file;

class WebhookProcess {
 public:
  explicit WebhookProcess(std::vector<std::string> args) {
    int err_pipe[2];
    if (::pipe(err_pipe) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(err_pipe[1], STDERR_FILENO);
      ::close(err_pipe[0]);
      ::close(err_pipe[1]);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(err_pipe[1]);
    stderr_fd_ = err_pipe[0];
  }
  ~WebhookProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stderr_fd_ >= 0) ::close(stderr_fd_);
  }

  // Reads stderr until a line contains `needle`; returns that line ("" on timeout/EOF).
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto at = output_.find(needle); at != std::string::npos) {
        const auto start = output_.rfind('\n', at);
        const auto end = output_.find('\n', at);
        if (end != std::string::npos) {
          return output_.substr(start == std::string::npos ? 0 : start + 1, end - start);
        }
      }
      pollfd pfd{stderr_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(stderr_fd_, buf, sizeof buf);
      if (n <= 0) break;
      output_.append(buf, static_cast<std::size_t>(n));
    }
    return "";
  }

  // The exit status after waiting up to `timeout`; -1 if it did not exit normally in time.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      wait_for_line("\x01never", std::chrono::milliseconds(50));  // drain stderr meanwhile
    }
    return -1;
  }

  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  bool exited_ = false;
  std::string output_;
};

TEST(WebhookBinary, ServesARealReviewThenDrainsAndExitsZeroOnSigterm) {
  TempDir dir;
  TestPki pki;
  const auto pair = pki.issue_server_cert(7);
  write_file(dir.path() / "tls.crt", pair.cert_pem);
  write_file(dir.path() / "tls.key", pair.key_pem);
  WebhookProcess process({TIERGUARD_BINARY, "webhook", "--listen", "127.0.0.1:0", "--tls-cert",
                          (dir.path() / "tls.crt").string(), "--tls-key",
                          (dir.path() / "tls.key").string(), "--threads", "2",
                          "--reviewer=allow-all", "--drain-timeout", "5s"});
  ASSERT_GT(process.pid(), 0);
  const std::string listening = process.wait_for_line("webhook server listening", 10s);
  ASSERT_FALSE(listening.empty()) << process.output();
  const auto at = listening.find(R"("port":)");
  ASSERT_NE(at, std::string::npos);
  const auto port = static_cast<std::uint16_t>(std::stoi(listening.substr(at + 7)));

  TlsClient client(port, pki.ca_cert_pem());
  ASSERT_TRUE(client.ok()) << client.error();
  auto reply = client.exchange(make_request(
      "POST", "/validate/pods", webhook::testing::read_test_data("admission/pod-create.json")));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find(R"("uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true)"),
            std::string::npos);
  const std::string decision = process.wait_for_line(R"("msg":"admission decision")", 5s);
  EXPECT_NE(decision.find(R"("sa":"payments/payments-api")"), std::string::npos) << decision;

  ASSERT_EQ(::kill(process.pid(), SIGTERM), 0);
  EXPECT_TRUE(client.wait_closed(5s));  // the idle keep-alive connection is closed
  EXPECT_EQ(process.wait_exit(10s), 0) << process.output();
  EXPECT_NE(process.output().find("webhook server stopped"), std::string::npos);
}

}  // namespace
}  // namespace tierguard::cli
