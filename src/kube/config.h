#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tierguard::kube {

// TLS settings of one API server connection. PEM text, already read from files/base64.
struct TlsConfig {
  std::string ca_pem;           // trusted CAs; empty: the system trust store
  std::string client_cert_pem;  // client certificate chain (mutual TLS), optional
  std::string client_key_pem;   // its private key, required with client_cert_pem
  std::string server_name;      // kubeconfig tls-server-name: overrides SNI/verification name
  bool insecure_skip_verify = false;
};

// Bearer credentials. A token file wins over a fixed token and is re-read when it rotates.
struct Credentials {
  std::string bearer_token;
  std::filesystem::path token_file;
};

// Everything needed to reach one API server as one identity.
struct Config {
  std::string scheme = "https";  // "https", or "http" (tests, local proxies)
  std::string host;              // DNS name or IP literal, without brackets
  std::string port;              // always set ("443" when the URL had none)
  std::string base_path;         // server URL path prefix without trailing '/', often ""
  TlsConfig tls;
  Credentials credentials;
  std::string ns = "default";  // the context's / pod's namespace
  std::string origin;          // "kubeconfig /path (context x)" or "in-cluster", for messages
  std::vector<std::string> warnings;  // e.g. insecure-skip-tls-verify in use

  bool is_tls() const { return scheme == "https"; }
};

// Splits "https://host:port/prefix" into the config's scheme/host/port/base_path.
// Throws Error(kConfig) naming `field` for anything else.
void set_server_url(Config& config, std::string_view url, std::string_view field);

// Reads a whole file, refusing files above `max_bytes`. Throws Error(kConfig) naming `field`.
std::string read_config_file(const std::filesystem::path& path, std::size_t max_bytes,
                             std::string_view field);

// Limits on configuration inputs: a kubeconfig is a few KiB; 16 MiB is already absurd.
inline constexpr std::size_t kMaxKubeconfigBytes = 16u << 20;
inline constexpr std::size_t kMaxCredentialFileBytes = 4u << 20;

}  // namespace tierguard::kube
