#include "kube/in_cluster.h"

#include <cstdlib>

#include "kube/error.h"

namespace tierguard::kube {
namespace {

std::string require_env(const InClusterEnvironment& env, std::string_view name) {
  auto value = environment_variable(env, name);
  if (!value || value->empty()) {
    throw Error(ErrorKind::kConfig, "in-cluster config: " + std::string(name) + " is not set");
  }
  return *value;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

}  // namespace

std::optional<std::string> environment_variable(const InClusterEnvironment& env,
                                                std::string_view name) {
  if (env.getenv) return env.getenv(name);
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

bool running_in_cluster(const InClusterEnvironment& env) {
  const auto host = environment_variable(env, "KUBERNETES_SERVICE_HOST");
  const auto port = environment_variable(env, "KUBERNETES_SERVICE_PORT");
  return host && !host->empty() && port && !port->empty();
}

Config in_cluster_config(const InClusterEnvironment& env) {
  const std::string host = require_env(env, "KUBERNETES_SERVICE_HOST");
  const std::string port = require_env(env, "KUBERNETES_SERVICE_PORT");
  Config config;
  const bool ipv6 = host.find(':') != std::string::npos;
  set_server_url(config, "https://" + (ipv6 ? "[" + host + "]" : host) + ":" + port,
                 "in-cluster config: KUBERNETES_SERVICE_HOST/PORT");
  config.origin = "in-cluster";
  const auto& dir = env.service_account_dir;
  try {
    config.tls.ca_pem = read_config_file(dir / "ca.crt", kMaxCredentialFileBytes, "CA");
    config.credentials.token_file = dir / "token";
    const std::string token =
        read_config_file(config.credentials.token_file, kMaxCredentialFileBytes, "token");
    if (trim(token).empty()) {
      throw Error(ErrorKind::kConfig,
                  "token: " + config.credentials.token_file.string() + ": empty");
    }
    std::error_code ec;
    if (std::filesystem::exists(dir / "namespace", ec)) {
      const std::string ns =
          read_config_file(dir / "namespace", kMaxCredentialFileBytes, "namespace");
      if (!trim(ns).empty()) config.ns = std::string(trim(ns));
    }
  } catch (const Error& e) {
    throw e.context("in-cluster config");
  }
  return config;
}

}  // namespace tierguard::kube
