#pragma once

#include <rapidjson/document.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string_view>

#include "kube/client.h"

namespace tierguard::kube {

// A synchronous facade for CLI subcommands and tools: each call runs the async Client on a
// private io_context until it completes. Same errors, retries and limits as Client. Not
// thread-safe; not for use inside an io_context that is already running.
//
//   BlockingClient kube(load_kubeconfig(default_kubeconfig_path()));
//   auto pod = kube.get(resources::pods(), "default", "web-0");
class BlockingClient {
 public:
  explicit BlockingClient(Config config, ClientOptions options = {});
  ~BlockingClient();

  rapidjson::Document get(const ResourceType& type, std::string_view ns, std::string_view name,
                          CallOptions call = {});
  rapidjson::Document list(const ResourceType& type, std::string_view ns,
                           const ListOptions& options = {}, CallOptions call = {});
  // All pages, items concatenated.
  rapidjson::Document list_all(const ResourceType& type, std::string_view ns,
                               const ListOptions& options = {}, CallOptions call = {});
  rapidjson::Document create(const ResourceType& type, std::string_view ns,
                             const rapidjson::Value& object, const WriteOptions& options = {},
                             CallOptions call = {});
  rapidjson::Document update(const ResourceType& type, const rapidjson::Value& object,
                             const WriteOptions& options = {}, CallOptions call = {});
  rapidjson::Document update_status(const ResourceType& type, const rapidjson::Value& object,
                                    const WriteOptions& options = {}, CallOptions call = {});
  rapidjson::Document patch(const ResourceType& type, std::string_view ns, std::string_view name,
                            PatchType patch_type, std::string_view body,
                            const PatchOptions& options = {}, CallOptions call = {});
  rapidjson::Document remove(const ResourceType& type, std::string_view ns, std::string_view name,
                             const DeleteOptions& options = {}, CallOptions call = {});

  Client& async() { return *client_; }

 private:
  template <class T>
  T run(boost::asio::awaitable<T> work);

  boost::asio::io_context ioc_;
  std::unique_ptr<Client> client_;
};

}  // namespace tierguard::kube
