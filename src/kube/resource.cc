#include "kube/resource.h"

#include "kube/error.h"

namespace tierguard::kube {

std::string ResourceType::describe() const {
  return group.empty() ? plural : plural + "." + group;
}

std::string ResourceType::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

namespace resources {
const ResourceType& namespaces() {
  static const ResourceType type{"", "v1", "namespaces", false};
  return type;
}
const ResourceType& service_accounts() {
  static const ResourceType type{"", "v1", "serviceaccounts", true};
  return type;
}
const ResourceType& pods() {
  static const ResourceType type{"", "v1", "pods", true};
  return type;
}
const ResourceType& secrets() {
  static const ResourceType type{"", "v1", "secrets", true};
  return type;
}
const ResourceType& config_maps() {
  static const ResourceType type{"", "v1", "configmaps", true};
  return type;
}
const ResourceType& roles() {
  static const ResourceType type{"rbac.authorization.k8s.io", "v1", "roles", true};
  return type;
}
const ResourceType& cluster_roles() {
  static const ResourceType type{"rbac.authorization.k8s.io", "v1", "clusterroles", false};
  return type;
}
const ResourceType& role_bindings() {
  static const ResourceType type{"rbac.authorization.k8s.io", "v1", "rolebindings", true};
  return type;
}
const ResourceType& cluster_role_bindings() {
  static const ResourceType type{"rbac.authorization.k8s.io", "v1", "clusterrolebindings", false};
  return type;
}
const ResourceType& deployments() {
  static const ResourceType type{"apps", "v1", "deployments", true};
  return type;
}
const ResourceType& stateful_sets() {
  static const ResourceType type{"apps", "v1", "statefulsets", true};
  return type;
}
const ResourceType& daemon_sets() {
  static const ResourceType type{"apps", "v1", "daemonsets", true};
  return type;
}
const ResourceType& replica_sets() {
  static const ResourceType type{"apps", "v1", "replicasets", true};
  return type;
}
const ResourceType& jobs() {
  static const ResourceType type{"batch", "v1", "jobs", true};
  return type;
}
const ResourceType& cron_jobs() {
  static const ResourceType type{"batch", "v1", "cronjobs", true};
  return type;
}
const ResourceType& leases() {
  static const ResourceType type{"coordination.k8s.io", "v1", "leases", true};
  return type;
}
const ResourceType& events() {
  static const ResourceType type{"events.k8s.io", "v1", "events", true};
  return type;
}
}  // namespace resources

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' || u == '~';
    if (unreserved) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0F]);
    }
  }
  return out;
}

namespace {

void append_segment(std::string& path, std::string_view segment, std::string_view field) {
  if (segment.empty() || segment == "." || segment == ".." ||
      segment.find('/') != std::string_view::npos) {
    throw Error(ErrorKind::kConfig, std::string(field) + " \"" + std::string(segment) +
                                        "\" is not a valid path segment");
  }
  path += '/';
  path += percent_encode(segment);
}

}  // namespace

std::string resource_path(const ResourceType& type, std::string_view ns, std::string_view name,
                          std::string_view subresource) {
  std::string path = type.group.empty() ? "/api" : "/apis/" + percent_encode(type.group);
  append_segment(path, type.version, "version");
  if (type.namespaced && !ns.empty()) {
    path += "/namespaces";
    append_segment(path, ns, "namespace");
  }
  append_segment(path, type.plural, "resource");
  if (!name.empty()) append_segment(path, name, "name");
  if (!subresource.empty()) {
    if (name.empty()) throw Error(ErrorKind::kConfig, "subresource without a name");
    append_segment(path, subresource, "subresource");
  }
  return path;
}

Query& Query::add(std::string_view key, std::string_view value) {
  params_.emplace_back(std::string(key), std::string(value));
  return *this;
}

Query& Query::add_if(std::string_view key, std::string_view value) {
  if (!value.empty()) add(key, value);
  return *this;
}

std::string Query::str() const {
  std::string out;
  for (const auto& [key, value] : params_) {
    out += out.empty() ? '?' : '&';
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace tierguard::kube
