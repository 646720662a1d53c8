#include "kube/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "kube/error.h"

namespace tierguard::kube {
namespace {

[[noreturn]] void fail(std::string_view field, std::string_view url, std::string_view why) {
  throw Error(ErrorKind::kConfig,
              std::string(field) + ": \"" + std::string(url) + "\": " + std::string(why));
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return std::stoi(std::string(s)) <= 65535;
}

}  // namespace

void set_server_url(Config& config, std::string_view url, std::string_view field) {
  std::string_view rest = url;
  std::string scheme;
  if (rest.starts_with("https://")) {
    scheme = "https";
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    scheme = "http";
    rest.remove_prefix(7);
  } else {
    fail(field, url, "expected an https:// or http:// URL");
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) fail(field, url, "user info is not supported");
  if (path.find_first_of("?#") != std::string_view::npos) {
    fail(field, url, "query and fragment are not supported");
  }
  std::string_view host;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(field, url, "unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail(field, url, "junk after IPv6 literal");
      port = after.substr(1);
      if (port.empty()) fail(field, url, "empty port");
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) fail(field, url, "empty port");
    }
  }
  if (host.empty()) fail(field, url, "missing host");
  if (host.find_first_of(" \t\r\n/\\") != std::string_view::npos) fail(field, url, "bad host");
  if (!port.empty() && !all_digits(port)) fail(field, url, "bad port");
  while (path.ends_with('/')) path.remove_suffix(1);
  config.scheme = scheme;
  config.host = std::string(host);
  config.port = port.empty() ? (scheme == "https" ? "443" : "80") : std::string(port);
  config.base_path = std::string(path);
}

std::string read_config_file(const std::filesystem::path& path, std::size_t max_bytes,
                             std::string_view field) {
  const auto fail_io = [&](std::string_view why) -> Error {
    return Error(ErrorKind::kConfig,
                 std::string(field) + ": " + path.string() + ": " + std::string(why));
  };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec) throw fail_io(ec.message());
  if (!std::filesystem::is_regular_file(status)) throw fail_io("not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw fail_io(ec.message());
  if (size > max_bytes) {
    throw fail_io("file of " + std::to_string(size) + " bytes exceeds the limit of " +
                  std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fail_io(std::strerror(errno));
  std::string content;
  content.resize(static_cast<std::size_t>(size));
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  content.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) throw fail_io("read failed");
  return content;
}

}  // namespace tierguard::kube
