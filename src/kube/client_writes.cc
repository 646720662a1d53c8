#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "kube/client.h"
#include "kube/client_detail.h"
#include "kube/error.h"
#include "kube/json.h"

// The writing verbs of Client: create, update, update_status, patch, remove.

namespace tierguard::kube {
namespace {

namespace http = boost::beast::http;
using detail::json_request;
using detail::require_namespace;
using detail::where;

void add_write_options(Query& query, std::string_view field_manager, bool dry_run) {
  query.add_if("fieldManager", field_manager);
  if (dry_run) query.add("dryRun", "All");
}

std::string delete_body(const DeleteOptions& options) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("kind");
  w.String("DeleteOptions");
  w.Key("apiVersion");
  w.String("v1");
  if (!options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
    w.Key("preconditions");
    w.StartObject();
    if (!options.precondition_uid.empty()) {
      w.Key("uid");
      w.String(options.precondition_uid);
    }
    if (!options.precondition_resource_version.empty()) {
      w.Key("resourceVersion");
      w.String(options.precondition_resource_version);
    }
    w.EndObject();
  }
  if (!options.propagation_policy.empty()) {
    w.Key("propagationPolicy");
    w.String(options.propagation_policy);
  }
  if (options.grace_period_seconds) {
    w.Key("gracePeriodSeconds");
    w.Int64(*options.grace_period_seconds);
  }
  if (options.dry_run) {
    w.Key("dryRun");
    w.StartArray();
    w.String("All");
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The PUT of an object to its own path (or a subresource of it): the step that names it in
// errors, and the request. Shared by update and update_status.
std::pair<std::string, HttpRequest> put_request(const ResourceType& type, const rapidjson::Value& object,
                                                const WriteOptions& options, std::string_view subresource,
                                                std::string_view action) {
  const std::string_view ns = object_namespace(object);
  const std::string_view name = object_name(object);
  std::string step = std::string(action) + " " + where(type, ns, name);
  require_namespace(type, ns, step);
  if (name.empty()) throw Error(ErrorKind::kConfig, step + ": object has no metadata.name");
  Query query;
  add_write_options(query, options.field_manager, options.dry_run);
  HttpRequest request = json_request(http::verb::put, resource_path(type, ns, name, subresource) + query.str(),
                                     to_json(object));
  return {std::move(step), std::move(request)};
}

}  // namespace

boost::asio::awaitable<rapidjson::Document> Client::create(const ResourceType& type,
                                                           std::string_view ns,
                                                           const rapidjson::Value& object,
                                                           CallOptions call) {
  const WriteOptions options;
  co_return co_await create(type, ns, object, options, call);
}

boost::asio::awaitable<rapidjson::Document> Client::update(const ResourceType& type,
                                                           const rapidjson::Value& object,
                                                           CallOptions call) {
  const WriteOptions options;
  co_return co_await update(type, object, options, call);
}

boost::asio::awaitable<rapidjson::Document> Client::update_status(const ResourceType& type,
                                                                  const rapidjson::Value& object,
                                                                  CallOptions call) {
  const WriteOptions options;
  co_return co_await update_status(type, object, options, call);
}

boost::asio::awaitable<rapidjson::Document> Client::patch(const ResourceType& type,
                                                          std::string_view ns,
                                                          std::string_view name,
                                                          PatchType patch_type,
                                                          std::string_view body, CallOptions call) {
  const PatchOptions options;
  co_return co_await patch(type, ns, name, patch_type, body, options, call);
}

boost::asio::awaitable<rapidjson::Document> Client::remove(const ResourceType& type,
                                                           std::string_view ns,
                                                           std::string_view name,
                                                           CallOptions call) {
  const DeleteOptions options;
  co_return co_await remove(type, ns, name, options, call);
}

boost::asio::awaitable<rapidjson::Document> Client::create(const ResourceType& type,
                                                           std::string_view ns,
                                                           const rapidjson::Value& object,
                                                           const WriteOptions& options,
                                                           CallOptions call) {
  const std::string_view target_ns = ns.empty() ? object_namespace(object) : ns;
  const std::string step = "create " + where(type, target_ns, object_name(object));
  require_namespace(type, target_ns, step);
  Query query;
  add_write_options(query, options.field_manager, options.dry_run);
  HttpRequest request =
      json_request(http::verb::post, resource_path(type, target_ns) + query.str(), to_json(object));
  co_return co_await json_call(std::move(request), step, call);
}

boost::asio::awaitable<rapidjson::Document> Client::update(const ResourceType& type,
                                                           const rapidjson::Value& object,
                                                           const WriteOptions& options,
                                                           CallOptions call) {
  auto [step, request] = put_request(type, object, options, {}, "update");
  co_return co_await json_call(std::move(request), step, call);
}

boost::asio::awaitable<rapidjson::Document> Client::update_status(const ResourceType& type,
                                                                  const rapidjson::Value& object,
                                                                  const WriteOptions& options,
                                                                  CallOptions call) {
  auto [step, request] = put_request(type, object, options, "status", "update status of");
  co_return co_await json_call(std::move(request), step, call);
}

boost::asio::awaitable<rapidjson::Document> Client::patch(
    const ResourceType& type, std::string_view ns, std::string_view name, PatchType patch_type,
    std::string_view body, const PatchOptions& options, CallOptions call) {
  std::string step = "patch " + where(type, ns, name);
  if (!options.subresource.empty()) step += " (" + options.subresource + ")";
  require_namespace(type, ns, step);
  Query query;
  add_write_options(query, options.field_manager, options.dry_run);
  if (patch_type == PatchType::kApply) {
    if (options.field_manager.empty()) {
      throw Error(ErrorKind::kConfig, step + ": server-side apply needs a field manager");
    }
    if (options.force) query.add("force", "true");
  }
  HttpRequest request = json_request(
      http::verb::patch, resource_path(type, ns, name, options.subresource) + query.str(),
      std::string(body), content_type(patch_type));
  co_return co_await json_call(std::move(request), step, call);
}

boost::asio::awaitable<rapidjson::Document> Client::remove(const ResourceType& type,
                                                           std::string_view ns,
                                                           std::string_view name,
                                                           const DeleteOptions& options,
                                                           CallOptions call) {
  const std::string step = "delete " + where(type, ns, name);
  require_namespace(type, ns, step);
  const bool has_options = !options.precondition_uid.empty() ||
                           !options.precondition_resource_version.empty() ||
                           !options.propagation_policy.empty() ||
                           options.grace_period_seconds.has_value() || options.dry_run;
  std::string body;
  if (has_options) body = delete_body(options);
  HttpRequest request = json_request(http::verb::delete_, resource_path(type, ns, name), body);
  co_return co_await json_call(std::move(request), step, call);
}

}  // namespace tierguard::kube
