#include "webhook/certificate_reloader.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "webhook/tls_context.h"

namespace tierguard::webhook {

namespace {
// Events on a directory that may mean a file in it now has different content.
constexpr std::uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE |
                                     IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF;
// After an event, wait until the directory has been quiet this long before reading, so a
// writer that replaces cert and key one after the other is seen once, with both.
constexpr std::chrono::milliseconds kSettleTime{100};
constexpr std::chrono::milliseconds kMaxSettle{2000};

double unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

std::string directory_of(const std::string& path) {
  auto dir = std::filesystem::path(path).parent_path();
  return dir.empty() ? "." : dir.string();
}

void drain_fd(int fd) {
  std::array<char, 4096> buf;
  while (::read(fd, buf.data(), buf.size()) > 0) {
  }
}
}  // namespace

CertificateReloader::CertificateReloader(std::string cert_path, std::string key_path,
                                         WebhookMetrics& metrics, telemetry::Logger& logger,
                                         std::chrono::milliseconds poll_interval)
    : cert_path_(std::move(cert_path)),
      key_path_(std::move(key_path)),
      metrics_(metrics),
      logger_(logger),
      poll_interval_(poll_interval) {
  loaded_cert_ = read_pem_file(cert_path_, TlsStep::kReadCertificate);
  loaded_key_ = read_pem_file(key_path_, TlsStep::kReadKey);
  current_.store(make_server_tls_context(loaded_cert_, loaded_key_));
  metrics_.tls_certificate_expiry().set(unix_seconds(certificate_not_after(loaded_cert_)));
}

CertificateReloader::~CertificateReloader() { stop(); }

bool CertificateReloader::reload_if_changed() {
  std::lock_guard lock(reload_mutex_);
  std::string cert, key;
  try {
    cert = read_pem_file(cert_path_, TlsStep::kReadCertificate);
    key = read_pem_file(key_path_, TlsStep::kReadKey);
  } catch (const TlsError& e) {
    // A file missing for a moment (mid-rotation) is retried on the next event or poll.
    logger_.debug("certificate files not readable yet", {{"error", e.what()}});
    return false;
  }
  if (cert == loaded_cert_ && key == loaded_key_) return false;
  if (cert == rejected_cert_ && key == rejected_key_) return false;
  try {
    auto context = make_server_tls_context(cert, key);
    const auto not_after = certificate_not_after(cert);
    current_.store(std::move(context), std::memory_order_release);
    loaded_cert_ = std::move(cert);
    loaded_key_ = std::move(key);
    rejected_cert_.clear();
    rejected_key_.clear();
    metrics_.tls_reloads().inc();
    metrics_.tls_certificate_expiry().set(unix_seconds(not_after));
    logger_.info("serving certificate reloaded",
                 {{"cert", cert_path_},
                  {"not_after_unix", static_cast<std::int64_t>(unix_seconds(not_after))}});
  } catch (const TlsError& e) {
    rejected_cert_ = std::move(cert);
    rejected_key_ = std::move(key);
    metrics_.tls_reload_errors().inc();
    logger_.error("serving certificate rejected; keeping the previous one",
                  {{"cert", cert_path_}, {"key", key_path_}, {"error", e.what()}});
    return false;
  }
  {
    std::lock_guard generation_lock(generation_mutex_);
    ++generation_;
  }
  generation_changed_.notify_all();
  return true;
}

std::uint64_t CertificateReloader::generation() const {
  std::lock_guard lock(generation_mutex_);
  return generation_;
}

bool CertificateReloader::wait_for_generation(std::uint64_t target,
                                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(generation_mutex_);
  return generation_changed_.wait_for(lock, timeout, [&] { return generation_ >= target; });
}

void CertificateReloader::start() {
  if (watcher_.joinable()) return;
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) throw TlsError(TlsStep::kSetup, std::string("eventfd: ") + std::strerror(errno));
  // Watches are in place before start() returns: a change right after is not missed.
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) {
    logger_.warn("inotify unavailable; polling certificate files only",
                 {{"error", std::strerror(errno)}});
  } else {
    for (const std::string& dir : std::set<std::string>{directory_of(cert_path_),
                                                        directory_of(key_path_)}) {
      if (::inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask) < 0) {
        logger_.warn("cannot watch certificate directory; polling it",
                     {{"dir", dir}, {"error", std::strerror(errno)}});
      }
    }
  }
  // A change between construction and the watches being set is caught here.
  reload_if_changed();
  watcher_ = std::thread([this] { watch_loop(); });
}

void CertificateReloader::stop() {
  if (!watcher_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
  watcher_.join();
  ::close(stop_fd_);
  stop_fd_ = -1;
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  inotify_fd_ = -1;
}

void CertificateReloader::watch_loop() {
  const int inotify_fd = inotify_fd_;
  std::array<pollfd, 2> fds{pollfd{stop_fd_, POLLIN, 0}, pollfd{inotify_fd, POLLIN, 0}};
  const nfds_t nfds = inotify_fd >= 0 ? 2 : 1;
  while (true) {
    fds[0].revents = fds[1].revents = 0;
    const int ready = ::poll(fds.data(), nfds, static_cast<int>(poll_interval_.count()));
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents) break;
    if (nfds == 2 && (fds[1].revents & POLLIN)) {
      // Let a burst of events settle (bounded), then read both files once.
      const auto settle_deadline = std::chrono::steady_clock::now() + kMaxSettle;
      do {
        drain_fd(inotify_fd);
        fds[1].revents = 0;
      } while (::poll(&fds[1], 1, static_cast<int>(kSettleTime.count())) > 0 &&
               std::chrono::steady_clock::now() < settle_deadline);
    }
    reload_if_changed();
  }
}

}  // namespace tierguard::webhook
