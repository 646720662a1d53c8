#include "kube/config_loader.h"

#include "kube/error.h"
#include "kube/kubeconfig.h"

namespace tierguard::kube {

Config load_config(const std::filesystem::path& kubeconfig_flag, const std::string& context,
                   const InClusterEnvironment& env) {
  if (!kubeconfig_flag.empty()) return load_kubeconfig(kubeconfig_flag, context);
  const std::string from_env = environment_variable(env, "KUBECONFIG").value_or("");
  if (!from_env.empty()) {
    return load_kubeconfig(from_env.substr(0, from_env.find(':')), context);
  }
  if (running_in_cluster(env)) {
    if (!context.empty()) {
      throw Error(ErrorKind::kConfig, "--context \"" + context +
                                          "\" needs a kubeconfig; running in-cluster without one");
    }
    return in_cluster_config(env);
  }
  const std::string home_dir = environment_variable(env, "HOME").value_or("");
  const auto path = std::filesystem::path(home_dir) / ".kube" / "config";
  std::error_code ec;
  if (home_dir.empty() || !std::filesystem::exists(path, ec)) {
    throw Error(ErrorKind::kConfig,
                "no Kubernetes configuration: no --kubeconfig, KUBECONFIG unset, not in a pod "
                "(KUBERNETES_SERVICE_HOST unset) and no " +
                    path.string());
  }
  return load_kubeconfig(path, context);
}

}  // namespace tierguard::kube
