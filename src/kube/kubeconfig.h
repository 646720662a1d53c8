#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "kube/config.h"

namespace tierguard::kube {

// Loads a kubeconfig file (kubectl's format, one file; no KUBECONFIG merging) and resolves
// `context` (empty: current-context) to a Config. Relative file references resolve against
// the kubeconfig's directory, as kubectl does.
//
// Supported: clusters[].cluster.{server, certificate-authority, certificate-authority-data,
// insecure-skip-tls-verify (with a warning), tls-server-name}; users[].user.{token,
// tokenFile, client-certificate(-data), client-key(-data)}; contexts[].context.{cluster,
// user, namespace}; current-context. Not supported (typed error when they are the only
// credential): exec plugins, auth-provider; always rejected: impersonation (as), proxy-url.
//
// Throws Error(kConfig) whose message names the file and the offending field.
Config load_kubeconfig(const std::filesystem::path& path, std::string_view context = {});

// The same from text; `base_dir` anchors relative paths, `origin` names the source.
Config parse_kubeconfig(std::string_view yaml, const std::filesystem::path& base_dir,
                        std::string_view context, std::string_view origin);

// $KUBECONFIG's first entry, else $HOME/.kube/config.
std::filesystem::path default_kubeconfig_path();

}  // namespace tierguard::kube
