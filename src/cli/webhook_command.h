#pragma once

// `tierguard webhook`: serve the admission webhook over HTTPS until SIGTERM drains it.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tierguard::cli {

struct WebhookCommandOptions {
  std::string listen = "0.0.0.0:8443";
  std::string tls_cert;
  std::string tls_key;
  unsigned threads = 0;
  std::vector<std::string> state_paths;  // offline mode; empty: follow the live cluster
  std::string kubeconfig;                // live mode
  std::string context;                   // live mode
  std::vector<std::string> exempt_namespaces;
  bool exempt_namespaces_set = false;
  std::string log_level = "info";
  std::string drain_timeout = "25s";
  std::string reviewer = "policy";  // hidden: "allow-all" for transport benchmarks
};

// Adds the subcommand (with its flags) to `app`; running it sets the process exit code in
// `exit_code`.
void add_webhook_command(CLI::App& app, int& exit_code);

// `tierguard run`: the webhook following the live cluster (the operator's loops join it as
// they are built). Same flags as `webhook` without --state.
void add_run_command(CLI::App& app, int& exit_code);

// Runs the server with these options; returns the process exit code (0 after a clean drain).
int run_webhook(const WebhookCommandOptions& options);

// "ADDR:PORT" or "[v6addr]:PORT" → address and port; nullopt when malformed.
struct ListenAddress {
  std::string address;
  std::uint16_t port;
};
std::optional<ListenAddress> parse_listen_address(const std::string& text);

// "25s", "500ms", "2m" or plain seconds ("25") → duration; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

}  // namespace tierguard::cli
