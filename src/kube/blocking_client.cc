#include "kube/blocking_client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

namespace tierguard::kube {

BlockingClient::BlockingClient(Config config, ClientOptions options)
    : client_(
          std::make_unique<Client>(ioc_.get_executor(), std::move(config), std::move(options))) {}

BlockingClient::~BlockingClient() {
  client_.reset();  // closes pooled connections before the io_context goes
}

template <class T>
T BlockingClient::run(boost::asio::awaitable<T> work) {
  auto future = boost::asio::co_spawn(ioc_, std::move(work), boost::asio::use_future);
  ioc_.restart();
  ioc_.run();  // returns when the call is done: idle pooled connections hold no work
  return future.get();
}

rapidjson::Document BlockingClient::get(const ResourceType& type, std::string_view ns,
                                        std::string_view name, CallOptions call) {
  return run(client_->get(type, ns, name, call));
}

rapidjson::Document BlockingClient::list(const ResourceType& type, std::string_view ns,
                                         const ListOptions& options, CallOptions call) {
  return run(client_->list(type, ns, options, call));
}

rapidjson::Document BlockingClient::list_all(const ResourceType& type, std::string_view ns,
                                             const ListOptions& options, CallOptions call) {
  return run(client_->list_all(type, ns, options, call));
}

rapidjson::Document BlockingClient::create(const ResourceType& type, std::string_view ns,
                                           const rapidjson::Value& object,
                                           const WriteOptions& options, CallOptions call) {
  return run(client_->create(type, ns, object, options, call));
}

rapidjson::Document BlockingClient::update(const ResourceType& type, const rapidjson::Value& object,
                                           const WriteOptions& options, CallOptions call) {
  return run(client_->update(type, object, options, call));
}

rapidjson::Document BlockingClient::update_status(const ResourceType& type,
                                                  const rapidjson::Value& object,
                                                  const WriteOptions& options, CallOptions call) {
  return run(client_->update_status(type, object, options, call));
}

rapidjson::Document BlockingClient::patch(const ResourceType& type, std::string_view ns,
                                          std::string_view name, PatchType patch_type,
                                          std::string_view body, const PatchOptions& options,
                                          CallOptions call) {
  return run(client_->patch(type, ns, name, patch_type, body, options, call));
}

rapidjson::Document BlockingClient::remove(const ResourceType& type, std::string_view ns,
                                           std::string_view name, const DeleteOptions& options,
                                           CallOptions call) {
  return run(client_->remove(type, ns, name, options, call));
}

}  // namespace tierguard::kube
