#include "cli/webhook_command.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <csignal>
#include <exception>
#include <iostream>

#include "telemetry/log.h"
#include "telemetry/metrics.h"
#include "cli/live_cluster.h"
#include "webhook/allow_all_reviewer.h"
#include "webhook/certificate_reloader.h"
#include "webhook/policy_reviewer.h"
#include "webhook/request_handler.h"
#include "webhook/server.h"
#include "webhook/webhook_metrics.h"

namespace tierguard::cli {

std::optional<ListenAddress> parse_listen_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 >= text.size()) return std::nullopt;
  std::string address = text.substr(0, colon);
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  if (address.empty()) return std::nullopt;
  unsigned port = 0;
  const char* first = text.data() + colon + 1;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc{} || end != last || port > 65535) return std::nullopt;
  return ListenAddress{address, static_cast<std::uint16_t>(port)};
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  double value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || value < 0) return std::nullopt;
  const std::string_view unit(end, static_cast<std::size_t>(last - end));
  double millis = 0;
  if (unit.empty() || unit == "s") {
    millis = value * 1000;
  } else if (unit == "ms") {
    millis = value;
  } else if (unit == "m") {
    millis = value * 60000;
  } else {
    return std::nullopt;
  }
  if (millis > 24.0 * 3600 * 1000) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(millis));
}

namespace {

void add_server_flags(CLI::App* cmd, const std::shared_ptr<WebhookCommandOptions>& options) {
  cmd->add_option("--listen", options->listen, "Address and port to listen on (ADDR:PORT)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", options->tls_cert,
                  "PEM certificate chain file; reloaded when it changes")
      ->required();
  cmd->add_option("--tls-key", options->tls_key, "PEM private key file; reloaded when it changes")
      ->required();
  cmd->add_option("--threads", options->threads, "Server threads (0 = one per core)")
      ->capture_default_str();
  cmd->add_option("--kubeconfig", options->kubeconfig,
                  "Kubeconfig of the cluster to follow (default: $KUBECONFIG, in-cluster, ~/.kube/config)");
  cmd->add_option("--context", options->context, "Kubeconfig context (default: the current one)");
  cmd->add_option("--exempt-namespace", options->exempt_namespaces,
                  "Namespaces that are not governed; repeatable (default: kube-system, kube-public, "
                  "kube-node-lease)")
      ->each([options](const std::string&) { options->exempt_namespaces_set = true; });
  cmd->add_option("--log-level", options->log_level, "debug, info, warn or error")
      ->capture_default_str();
  cmd->add_option("--drain-timeout", options->drain_timeout,
                  "On SIGTERM, how long in-flight requests may take to finish (e.g. 25s)")
      ->capture_default_str();
}

}  // namespace

void add_webhook_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<WebhookCommandOptions>();
  auto* cmd = app.add_subcommand(
      "webhook", "Serve the admission webhook over HTTPS (live cluster, or --state files offline)");
  add_server_flags(cmd, options);
  cmd->add_option("--state", options->state_paths,
                  "Manifest files or directories forming the policy state (offline mode: no cluster)");
  cmd->add_option("--reviewer", options->reviewer,
                  "policy (default) or allow-all (transport benchmarks only)")
      ->group("");  // hidden
  cmd->callback([options, &exit_code] { exit_code = run_webhook(*options); });
}

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<WebhookCommandOptions>();
  auto* cmd = app.add_subcommand(
      "run", "Run tierguard in the cluster: the admission webhook over the live cluster state");
  add_server_flags(cmd, options);
  cmd->callback([options, &exit_code] { exit_code = run_webhook(*options); });
}

int run_webhook(const WebhookCommandOptions& options) {
  const auto level = telemetry::parse_log_level(options.log_level);
  const auto listen = parse_listen_address(options.listen);
  const auto drain_timeout = parse_duration(options.drain_timeout);
  if (!level) {
    std::cerr << "tierguard webhook: --log-level must be debug, info, warn or error\n";
    return 2;
  }
  if (!listen) {
    std::cerr << "tierguard webhook: --listen must be ADDR:PORT, got '" << options.listen << "'\n";
    return 2;
  }
  if (!drain_timeout) {
    std::cerr << "tierguard webhook: --drain-timeout must be a duration like 25s or 500ms\n";
    return 2;
  }
  if (options.reviewer != "policy" && options.reviewer != "allow-all") {
    std::cerr << "tierguard webhook: --reviewer must be policy or allow-all\n";
    return 2;
  }

  telemetry::Logger logger(*level, telemetry::buffered_stderr_log_sink());
  try {
    telemetry::Registry registry;
    webhook::WebhookMetrics metrics(registry);
    policy::PolicyOptions policy_options;
    if (options.exempt_namespaces_set) policy_options.exempt_namespaces = options.exempt_namespaces;
    std::unique_ptr<webhook::Reviewer> reviewer;
    std::unique_ptr<LiveCluster> cluster;
    if (options.reviewer == "allow-all") {
      logger.warn("allow-all reviewer: every request is admitted (benchmark mode)");
      reviewer = webhook::make_allow_all_reviewer();
    } else if (!options.state_paths.empty()) {
      reviewer = webhook::make_offline_reviewer(options.state_paths, policy_options);
      logger.info("offline mode: state loaded from files");
    } else {
      auto state = std::make_shared<state::LiveState>();
      cluster = std::make_unique<LiveCluster>(LiveClusterOptions{options.kubeconfig, options.context},
                                              state, registry, logger);
      reviewer = std::make_unique<webhook::PolicyReviewer>(state, policy_options, cluster.get());
      cluster->start();
    }
    webhook::CertificateReloader certificates(options.tls_cert, options.tls_key, metrics, logger);
    certificates.start();
    webhook::RequestHandler handler(*reviewer, registry, metrics, logger);

    webhook::ServerOptions server_options;
    server_options.address = listen->address;
    server_options.port = listen->port;
    server_options.threads = options.threads;
    webhook::Server server(server_options, handler, [&] { return certificates.current(); },
                           metrics, logger);

    boost::asio::io_context signal_context;
    boost::asio::signal_set signals(signal_context, SIGTERM, SIGINT);
    signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
      if (ec) return;
      logger.info("signal received; draining", {{"signal", signal_number}});
      server.drain(*drain_timeout);
    });
    server.start();
    signal_context.run();  // returns once the signal handler has run
    server.wait();
    if (cluster) cluster->stop();
    certificates.stop();
    logger.info("webhook server stopped");
    return 0;
  } catch (const std::exception& e) {
    logger.error("webhook server failed", {{"error", e.what()}});
    return 1;
  }
}

}  // namespace tierguard::cli
