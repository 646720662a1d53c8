#pragma once

// Internal helpers shared by client.cc and client_writes.cc; not part of the API.

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>

#include "kube/http_types.h"
#include "kube/resource.h"

namespace tierguard::kube::detail {

// "pods prod/web-0", "roles.rbac.authorization.k8s.io in prod", "pods (all namespaces)".
std::string where(const ResourceType& type, std::string_view ns, std::string_view name = {});
// Error(kConfig) when a namespaced kind is addressed without a namespace.
void require_namespace(const ResourceType& type, std::string_view ns, const std::string& step);
HttpRequest json_request(boost::beast::http::verb method, std::string target, std::string body = {},
                         std::string_view content_type = "application/json");

}  // namespace tierguard::kube::detail
