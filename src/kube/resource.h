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

// Well-known built-in kinds (generic Kubernetes; no tierguard kinds here). They return
// references to constants, so `co_await client.get(resources::pods(), ...)` creates no
// temporary (see the GCC 12 note in client.h).
namespace resources {
const ResourceType& namespaces();
const ResourceType& service_accounts();
const ResourceType& pods();
const ResourceType& secrets();
const ResourceType& config_maps();
const ResourceType& roles();
const ResourceType& cluster_roles();
const ResourceType& role_bindings();
const ResourceType& cluster_role_bindings();
const ResourceType& deployments();
const ResourceType& stateful_sets();
const ResourceType& daemon_sets();
const ResourceType& replica_sets();
const ResourceType& jobs();
const ResourceType& cron_jobs();
const ResourceType& leases();
const ResourceType& events();
}  // namespace resources

// Percent-encodes everything outside RFC 3986 "unreserved" (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view text);

// Builds "/api/v1/namespaces/NS/pods/NAME/SUB" or "/apis/G/V/...". `ns` is used only for
// namespaced kinds and may be empty (all namespaces, for list/watch). Segments are
// percent-encoded; empty name/subresource are omitted. Throws Error(kConfig) for names
// that cannot be path segments ("", ".", "..", containing '/') when given.
std::string resource_path(const ResourceType& type, std::string_view ns, std::string_view name = {},
                          std::string_view subresource = {});

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
