#pragma once

// Keeps the serving certificate current: reads the cert/key pair from files, and rebuilds the
// TLS context when their content changes. New handshakes take the context current at accept
// time; connections already established keep the context they started with.
//
// Changes are noticed through inotify on the files' directories (Kubernetes Secret volumes
// swap a `..data` symlink, which shows up as events on the directory) and, as a fallback, by
// re-reading both files every `poll_interval`. A pair that does not load (half-written,
// mismatched, garbage) is rejected: the previous certificate stays, an error is logged once
// per distinct bad content, and tierguard_webhook_tls_reload_errors_total counts it.

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "telemetry/log.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::webhook {

class CertificateReloader {
 public:
  using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;

  // Loads the initial pair; throws TlsError when it cannot (the server must not start
  // without a certificate).
  CertificateReloader(std::string cert_path, std::string key_path, WebhookMetrics& metrics,
                      telemetry::Logger& logger,
                      std::chrono::milliseconds poll_interval = std::chrono::seconds(10));
  ~CertificateReloader();
  CertificateReloader(const CertificateReloader&) = delete;
  CertificateReloader& operator=(const CertificateReloader&) = delete;

  // The context for a new connection. Thread-safe, lock-free on the reader side.
  TlsContextPtr current() const { return current_.load(std::memory_order_acquire); }

  // Starts / stops the watching thread. stop() is idempotent and called by the destructor.
  void start();
  void stop();

  // Re-reads both files now; returns true when a new certificate took effect. Called by the
  // watcher; public so tests can drive a reload deterministically.
  bool reload_if_changed();

  // Number of certificates that took effect after the initial one.
  std::uint64_t generation() const;
  // Blocks until generation() >= target or the timeout passes; returns whether it got there.
  bool wait_for_generation(std::uint64_t target, std::chrono::milliseconds timeout) const;

 private:
  void watch_loop();

  const std::string cert_path_;
  const std::string key_path_;
  WebhookMetrics& metrics_;
  telemetry::Logger& logger_;
  const std::chrono::milliseconds poll_interval_;

  std::atomic<TlsContextPtr> current_;
  std::mutex reload_mutex_;  // serialises reload_if_changed()
  std::string loaded_cert_, loaded_key_;
  std::string rejected_cert_, rejected_key_;

  mutable std::mutex generation_mutex_;
  mutable std::condition_variable generation_changed_;
  std::uint64_t generation_ = 0;

  int stop_fd_ = -1;     // eventfd that wakes the watcher to exit
  int inotify_fd_ = -1;  // -1 when inotify is unavailable (polling only)
  std::thread watcher_;
};

}  // namespace tierguard::webhook
