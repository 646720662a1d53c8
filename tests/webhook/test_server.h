#pragma once

// The real webhook server on an ephemeral loopback port, with a throwaway CA, certificate
// files in a temporary directory, and the FakeReviewer. For integration tests.

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fake_reviewer.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "test_pki.h"
#include "webhook/certificate_reloader.h"
#include "webhook/request_handler.h"
#include "webhook/server.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::webhook::testing {

// A fresh directory under the system temp dir, removed with its content on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tierguard-test-XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

// Replaces a file atomically (write a sibling, then rename), as Secret volume updates do.
inline void replace_file(const std::filesystem::path& path, const std::string& content) {
  auto tmp = path;
  tmp += ".tmp";
  write_file(tmp, content);
  std::filesystem::rename(tmp, path);
}

// Polls `condition` until it holds or `timeout` passes (for effects that happen on server
// threads after a client action, e.g. a connection being torn down).
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

struct TestServer {
  explicit TestServer(ServerOptions server_options = short_timeouts(), bool watch_files = false)
      : pair(pki.issue_server_cert(100)) {
    write_file(cert_path(), pair.cert_pem);
    write_file(key_path(), pair.key_pem);
    certificates = std::make_unique<CertificateReloader>(cert_path().string(), key_path().string(),
                                                         metrics, logger);
    if (watch_files) certificates->start();
    server_options.address = "127.0.0.1";
    server_options.port = 0;
    server = std::make_unique<Server>(server_options, handler,
                                      [this] { return certificates->current(); }, metrics,
                                      logger);
    server->start();
  }
  ~TestServer() {
    server->drain(std::chrono::milliseconds(0));
    server->wait();
    certificates->stop();
  }

  static ServerOptions short_timeouts() {
    ServerOptions options;
    options.threads = 2;
    options.handshake_timeout = std::chrono::milliseconds(2000);
    options.request_timeout = std::chrono::milliseconds(1000);
    options.write_timeout = std::chrono::milliseconds(2000);
    options.idle_timeout = std::chrono::milliseconds(30000);
    options.shutdown_timeout = std::chrono::milliseconds(500);
    return options;
  }

  std::filesystem::path cert_path() const { return dir.path() / "tls.crt"; }
  std::filesystem::path key_path() const { return dir.path() / "tls.key"; }
  std::uint16_t port() const { return server->port(); }
  std::string metrics_text() const { return registry.expose(); }

  TempDir dir;
  TestPki pki;
  KeyPair pair;
  FakeReviewer reviewer;
  telemetry::Registry registry;
  WebhookMetrics metrics{registry};
  telemetry::Logger logger{telemetry::LogLevel::kError, telemetry::LogSink{}};
  RequestHandler handler{reviewer, registry, metrics, logger};
  std::unique_ptr<CertificateReloader> certificates;
  std::unique_ptr<Server> server;
};

}  // namespace tierguard::webhook::testing
