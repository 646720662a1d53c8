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
ResourceType namespaces() { return {"", "v1", "namespaces", false}; }
ResourceType service_accounts() { return {"", "v1", "serviceaccounts", true}; }
ResourceType pods() { return {"", "v1", "pods", true}; }
ResourceType secrets() { return {"", "v1", "secrets", true}; }
ResourceType config_maps() { return {"", "v1", "configmaps", true}; }
ResourceType roles() { return {"rbac.authorization.k8s.io", "v1", "roles", true}; }
ResourceType cluster_roles() { return {"rbac.authorization.k8s.io", "v1", "clusterroles", false}; }
ResourceType role_bindings() { return {"rbac.authorization.k8s.io", "v1", "rolebindings", true}; }
ResourceType cluster_role_bindings() {
  return {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", false};
}
ResourceType deployments() { return {"apps", "v1", "deployments", true}; }
ResourceType stateful_sets() { return {"apps", "v1", "statefulsets", true}; }
ResourceType daemon_sets() { return {"apps", "v1", "daemonsets", true}; }
ResourceType replica_sets() { return {"apps", "v1", "replicasets", true}; }
ResourceType jobs() { return {"batch", "v1", "jobs", true}; }
ResourceType cron_jobs() { return {"batch", "v1", "cronjobs", true}; }
ResourceType leases() { return {"coordination.k8s.io", "v1", "leases", true}; }
ResourceType events() { return {"events.k8s.io", "v1", "events", true}; }
}  // namespace resources

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
                            (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' ||
                            u == '~';
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
    throw Error(ErrorKind::kConfig,
                std::string(field) + " \"" + std::string(segment) + "\" is not a valid path segment");
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
