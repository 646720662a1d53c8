#include "kube/token_source.h"

#include "kube/error.h"

namespace tierguard::kube {
namespace {

constexpr auto kStatInterval = std::chrono::seconds(1);
constexpr auto kRereadInterval = std::chrono::minutes(1);

std::string trim_token(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\n')) ++start;
  return s.substr(start);
}

}  // namespace

TokenSource::TokenSource(Credentials credentials, Clock& clock)
    : credentials_(std::move(credentials)), clock_(clock), token_(credentials_.bearer_token) {}

void TokenSource::reload_locked(Clock::TimePoint now) {
  std::string text;
  try {
    text = read_config_file(credentials_.token_file, kMaxCredentialFileBytes, "token file");
  } catch (const Error&) {
    if (!loaded_) throw;
    return;  // keep the previous token; try again on the next stat interval
  }
  std::string token = trim_token(std::move(text));
  if (token.empty() && loaded_) return;
  std::error_code ec;
  mtime_ = std::filesystem::last_write_time(credentials_.token_file, ec);
  size_ = std::filesystem::file_size(credentials_.token_file, ec);
  token_ = std::move(token);
  loaded_ = true;
  last_read_ = now;
}

std::string TokenSource::token() {
  std::lock_guard lock(mutex_);
  if (credentials_.token_file.empty()) return token_;
  const auto now = clock_.now();
  if (!loaded_ || force_reload_ || now - last_read_ >= kRereadInterval) {
    force_reload_ = false;
    reload_locked(now);
    last_stat_ = now;
  } else if (now - last_stat_ >= kStatInterval) {
    last_stat_ = now;
    std::error_code ec;
    const auto mtime = std::filesystem::last_write_time(credentials_.token_file, ec);
    const auto size = ec ? size_ : std::filesystem::file_size(credentials_.token_file, ec);
    if (!ec && (mtime != mtime_ || size != size_)) reload_locked(now);
  }
  return token_;
}

bool TokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  if (credentials_.token_file.empty()) return false;
  force_reload_ = true;
  return true;
}

}  // namespace tierguard::kube
