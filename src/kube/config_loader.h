#pragma once

#include <filesystem>
#include <string>

#include "kube/config.h"
#include "kube/in_cluster.h"

namespace tierguard::kube {

// client-go's order: an explicit --kubeconfig, else $KUBECONFIG, else the in-cluster config
// when running in a pod, else ~/.kube/config. `context` (--context) applies to kubeconfigs.
// Throws Error(kConfig) naming what was tried.
Config load_config(const std::filesystem::path& kubeconfig_flag = {},
                   const std::string& context = {}, const InClusterEnvironment& env = {});

}  // namespace tierguard::kube
