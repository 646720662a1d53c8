#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "kube/config.h"

namespace tierguard::kube {

// Where the in-cluster config comes from; the defaults are the real pod environment.
struct InClusterEnvironment {
  // Environment lookup; default: std::getenv.
  std::function<std::optional<std::string>(std::string_view)> getenv;
  // The mounted ServiceAccount volume (token, ca.crt, namespace).
  std::filesystem::path service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
};

// `name` from env.getenv (or the process environment); nullopt when unset.
std::optional<std::string> environment_variable(const InClusterEnvironment& env,
                                                std::string_view name);

// True when KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are set.
bool running_in_cluster(const InClusterEnvironment& env = {});

// https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, the mounted CA, the mounted
// token (as a token file, re-read when the kubelet rotates it) and namespace.
// Throws Error(kConfig) naming the missing variable or file.
Config in_cluster_config(const InClusterEnvironment& env = {});

}  // namespace tierguard::kube
