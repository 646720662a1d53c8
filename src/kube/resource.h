#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tierguard::kube {

// Addresses a kind of the Kubernetes API. Core kinds have an empty group.
struct ResourceType {
  std::string group;    // "" for the core group, else e.g. "rbac.authorization.k8s.io"
  std::string version;  // "v1"
  std::string plural;   // "roles"
  bool namespaced = true;

  // "roles.rbac.authorization.k8s.io", or "pods" for the core group (kubectl's spelling).
  std::string describe() const;
  // "rbac.authorization.k8s.io/v1", or "v1" for the core group.
  std::string api_version() const;
};

// Well-known built-in kinds (generic Kubernetes; no tierguard kinds here).
namespace resources {
ResourceType namespaces();
ResourceType service_accounts();
ResourceType pods();
ResourceType secrets();
ResourceType config_maps();
ResourceType roles();
ResourceType cluster_roles();
ResourceType role_bindings();
ResourceType cluster_role_bindings();
ResourceType deployments();
ResourceType stateful_sets();
ResourceType daemon_sets();
ResourceType replica_sets();
ResourceType jobs();
ResourceType cron_jobs();
ResourceType leases();
ResourceType events();
}  // namespace resources

// Percent-encodes everything outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// Builds "/api/v1/namespaces/NS/pods/NAME/SUB" or "/apis/G/V/...". `ns` is used only for
// namespaced kinds and may be empty (all namespaces, for list/watch). Segments are
// percent-encoded; empty name/subresource are omitted. Throws Error(kConfig) for names
// that cannot be path segments ("", ".", "..", containing '/') when given.
std::string resource_path(const ResourceType& type, std::string_view ns,
                          std::string_view name = {}, std::string_view subresource = {});

// Ordered query parameters, encoded on str() as "?k=v&k2=v2" (empty when none).
class Query {
 public:
  Query& add(std::string_view key, std::string_view value);
  // Adds only when `value` is not empty.
  Query& add_if(std::string_view key, std::string_view value);
  std::string str() const;
  bool empty() const { return params_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace tierguard::kube
