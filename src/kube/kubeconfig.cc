#include "kube/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <optional>

#include "kube/base64.h"
#include "kube/error.h"

namespace tierguard::kube {
namespace {

// Wraps a node with the dotted path used in error messages.
struct Field {
  YAML::Node node;
  std::string path;
};

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw Error(ErrorKind::kConfig, path + ": " + why);
}

Field child(const Field& parent, const std::string& key) {
  const YAML::Node& node = parent.node;  // const access never inserts or converts
  return {node[key], parent.path.empty() ? key : parent.path + "." + key};
}

bool present(const Field& f) {
  return f.node.IsDefined() && !f.node.IsNull();
}

void require_map(const Field& f) {
  if (!f.node.IsMap()) fail(f.path, "expected a mapping");
}

std::optional<std::string> optional_string(const Field& parent, const std::string& key) {
  const Field f = child(parent, key);
  if (!present(f)) return std::nullopt;
  if (!f.node.IsScalar()) fail(f.path, "expected a string");
  return f.node.Scalar();
}

std::string string_or_empty(const Field& parent, const std::string& key) {
  return optional_string(parent, key).value_or("");
}

bool optional_bool(const Field& parent, const std::string& key) {
  const Field f = child(parent, key);
  if (!present(f)) return false;
  bool value = false;
  if (!f.node.IsScalar() || !YAML::convert<bool>::decode(f.node, value)) {
    fail(f.path, "expected a boolean");
  }
  return value;
}

// Finds `name` in a list of {name: ..., <kind>: {...}} entries; returns the inner mapping.
std::optional<Field> find_named(const Field& root, const std::string& list_key,
                                const std::string& inner_key, const std::string& name) {
  const Field list = child(root, list_key);
  if (!present(list)) return std::nullopt;
  if (!list.node.IsSequence()) fail(list.path, "expected a sequence");
  for (std::size_t i = 0; i < list.node.size(); ++i) {
    const YAML::Node& items = list.node;
    const Field entry{items[i], list.path + "[" + std::to_string(i) + "]"};
    require_map(entry);
    const auto entry_name = optional_string(entry, "name");
    if (!entry_name) fail(entry.path + ".name", "missing");
    if (*entry_name != name) continue;
    Field inner = child(entry, inner_key);
    inner.path = list.path + "[\"" + name + "\"]." + inner_key;
    if (!present(inner)) return Field{YAML::Node(YAML::NodeType::Map), inner.path};
    require_map(inner);
    return inner;
  }
  return std::nullopt;
}

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& file) {
  std::filesystem::path p(file);
  return p.is_absolute() ? p : base_dir / p;
}

// PEM material from "<key>-data" (base64) or "<key>" (a file). Data wins, with a warning.
std::string load_material(Config& config, const Field& parent, const std::string& key,
                          const std::filesystem::path& base_dir) {
  const auto data = optional_string(parent, key + "-data");
  const auto file = optional_string(parent, key);
  if (data && file) {
    config.warnings.push_back(parent.path + ": both " + key + " and " + key +
                              "-data are set; using " + key + "-data");
  }
  if (data) {
    auto decoded = base64_decode(*data);
    if (!decoded) fail(parent.path + "." + key + "-data", "invalid base64");
    if (decoded->empty()) fail(parent.path + "." + key + "-data", "empty");
    return *decoded;
  }
  if (file) {
    return read_config_file(resolve(base_dir, *file), kMaxCredentialFileBytes,
                            parent.path + "." + key);
  }
  return {};
}

void load_cluster(Config& config, const Field& cluster, const std::filesystem::path& base_dir) {
  const auto server = optional_string(cluster, "server");
  if (!server || server->empty()) fail(cluster.path + ".server", "missing");
  set_server_url(config, *server, cluster.path + ".server");
  if (optional_string(cluster, "proxy-url")) {
    fail(cluster.path + ".proxy-url", "proxies are not supported");
  }
  config.tls.server_name = string_or_empty(cluster, "tls-server-name");
  config.tls.insecure_skip_verify = optional_bool(cluster, "insecure-skip-tls-verify");
  config.tls.ca_pem = load_material(config, cluster, "certificate-authority", base_dir);
  if (config.tls.insecure_skip_verify) {
    if (!config.tls.ca_pem.empty()) {
      fail(cluster.path + ".insecure-skip-tls-verify",
           "cannot be combined with certificate-authority(-data)");
    }
    config.warnings.push_back(cluster.path +
                              ".insecure-skip-tls-verify: the API server certificate is NOT "
                              "verified; anyone on the network path can impersonate it");
  }
}

void load_user(Config& config, const Field& user, const std::filesystem::path& base_dir) {
  if (present(child(user, "as")) || present(child(user, "as-groups")) ||
      present(child(user, "as-uid"))) {
    fail(user.path + ".as", "impersonation is not supported");
  }
  config.credentials.bearer_token = string_or_empty(user, "token");
  if (const auto token_file = optional_string(user, "tokenFile")) {
    config.credentials.token_file = resolve(base_dir, *token_file);
    read_config_file(config.credentials.token_file, kMaxCredentialFileBytes,
                     user.path + ".tokenFile");
  }
  config.tls.client_cert_pem = load_material(config, user, "client-certificate", base_dir);
  config.tls.client_key_pem = load_material(config, user, "client-key", base_dir);
  if (config.tls.client_cert_pem.empty() != config.tls.client_key_pem.empty()) {
    fail(user.path, config.tls.client_cert_pem.empty()
                        ? "client-key given without client-certificate"
                        : "client-certificate given without client-key");
  }
  const bool has_credential = !config.credentials.bearer_token.empty() ||
                              !config.credentials.token_file.empty() ||
                              !config.tls.client_cert_pem.empty();
  for (const char* plugin : {"exec", "auth-provider"}) {
    if (!present(child(user, plugin))) continue;
    if (!has_credential) {
      fail(user.path + "." + plugin,
           "credential plugins are not supported; use a token or a client certificate");
    }
    config.warnings.push_back(user.path + "." + plugin + ": ignored (not supported)");
  }
  if (optional_string(user, "username") || optional_string(user, "password")) {
    config.warnings.push_back(user.path + ": basic auth is not supported and was ignored");
  }
}

}  // namespace

Config parse_kubeconfig(std::string_view yaml, const std::filesystem::path& base_dir,
                        std::string_view context, std::string_view origin) {
  const std::string where(origin);
  if (yaml.size() > kMaxKubeconfigBytes) {
    throw Error(ErrorKind::kConfig,
                where + ": larger than " + std::to_string(kMaxKubeconfigBytes) + " bytes");
  }
  try {
    Field root{YAML::Load(std::string(yaml)), ""};
    if (!root.node.IsMap()) fail("(document)", "expected a kubeconfig mapping");
    std::string context_name(context);
    if (context_name.empty()) context_name = string_or_empty(root, "current-context");
    if (context_name.empty()) fail("current-context", "not set and no context was requested");
    const auto ctx = find_named(root, "contexts", "context", context_name);
    if (!ctx) fail("contexts", "context \"" + context_name + "\" not found");
    const std::string cluster_name = string_or_empty(*ctx, "cluster");
    if (cluster_name.empty()) fail(ctx->path + ".cluster", "missing");
    const auto cluster = find_named(root, "clusters", "cluster", cluster_name);
    if (!cluster) fail("clusters", "cluster \"" + cluster_name + "\" not found");

    Config config;
    config.origin = where + " (context " + context_name + ")";
    load_cluster(config, *cluster, base_dir);
    const std::string user_name = string_or_empty(*ctx, "user");
    if (!user_name.empty()) {
      const auto user = find_named(root, "users", "user", user_name);
      if (!user) fail("users", "user \"" + user_name + "\" not found");
      load_user(config, *user, base_dir);
    }
    if (auto ns = optional_string(*ctx, "namespace"); ns && !ns->empty()) config.ns = *ns;
    return config;
  } catch (const Error& e) {
    throw e.context(where);
  } catch (const YAML::Exception& e) {
    const std::string at =
        e.mark.is_null() ? std::string() : " at line " + std::to_string(e.mark.line + 1);
    throw Error(ErrorKind::kConfig, where + ": invalid YAML" + at + ": " + e.msg);
  }
}

Config load_kubeconfig(const std::filesystem::path& path, std::string_view context) {
  const std::string text = read_config_file(path, kMaxKubeconfigBytes, "kubeconfig");
  return parse_kubeconfig(text, path.parent_path(), context, "kubeconfig " + path.string());
}

std::filesystem::path default_kubeconfig_path() {
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::string_view list(env);
    return std::filesystem::path(std::string(list.substr(0, list.find(':'))));
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : "") / ".kube" / "config";
}

}  // namespace tierguard::kube
