#pragma once

#include <rapidjson/document.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kube/clock.h"
#include "kube/config.h"
#include "kube/http_transport.h"
#include "kube/log.h"
#include "kube/resource.h"
#include "kube/retry.h"
#include "kube/token_source.h"
#include "kube/watch_stream.h"

namespace tierguard::kube {

struct ClientOptions {
  TransportOptions transport;
  // One attempt of a non-watch call, from connect to the last body byte.
  std::chrono::milliseconds request_timeout{60'000};
  // A watch that sends nothing (not even a bookmark, ~1/min) for this long is dropped.
  std::chrono::milliseconds watch_idle_timeout{150'000};
  std::size_t max_event_bytes = 16u << 20;
  RetryPolicy retry;
  std::string user_agent = "tierguard";
  Clock* clock = nullptr;  // nullptr: SystemClock::instance()
  RandomSource random;     // empty: default_random()
  Logger logger;           // empty: stderr_logger()
};

// Per call: an overall bound (all attempts and the waits between them) and attempt cap.
// `{.timeout = 2s, .max_attempts = 1}` is the single bounded GET of an admission cache miss.
struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<int> max_attempts;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;        // "" = most recent (quorum read), "0" = any
  std::string resource_version_match;  // "NotOlderThan" | "Exact" | ""
  std::uint32_t limit = 0;             // page size, 0 = unpaged
  std::string continue_token;
};

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
};

enum class PatchType { kJson, kMerge, kStrategicMerge, kApply };
std::string_view content_type(PatchType type);

struct PatchOptions {
  std::string subresource;  // e.g. "status"
  std::string field_manager;
  bool force = false;  // server-side apply: take ownership of conflicting fields
  bool dry_run = false;
};

struct DeleteOptions {
  std::string precondition_uid;
  std::string precondition_resource_version;
  std::string propagation_policy;  // "Foreground" | "Background" | "Orphan" | ""
  std::optional<std::int64_t> grace_period_seconds;
  bool dry_run = false;
};

// The asynchronous Kubernetes API client. Objects are JSON documents. Every call is bounded
// in time, retried per RetryPolicy, and fails with a typed Error whose message names the
// step ("get pods default/web-0: 404 NotFound: pods \"web-0\" not found").
// Not thread-safe: use from one executor (strand); stores read from any thread.
//
// GCC 12 note: a prvalue of a class type with a destructor (std::string{...}, ListOptions{},
// a function returning std::string by value) inside a co_await operand is destroyed twice
// by GCC 12's coroutine lowering. Bind such arguments to local variables before
// `co_await client.x(...)`. String literals, string_views, CallOptions{...} and the
// resources::*() references are safe.
class Client {
 public:
  // Throws Error(kConfig) when the TLS material does not load.
  Client(boost::asio::any_io_executor executor, Config config, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  boost::asio::awaitable<rapidjson::Document> get(const ResourceType& type, std::string_view ns,
                                                  std::string_view name, CallOptions call = {});
  // One page: the List object (items, metadata.resourceVersion, metadata.continue).
  boost::asio::awaitable<rapidjson::Document> list(const ResourceType& type, std::string_view ns,
                                                   const ListOptions& options,
                                                   CallOptions call = {});
  // Every page, items concatenated into the first page's List (CLI/tests; informers page).
  boost::asio::awaitable<rapidjson::Document> list_all(const ResourceType& type,
                                                       std::string_view ns, ListOptions options,
                                                       CallOptions call = {});
  // Opens a watch (no retries: the watcher owns recovery). An HTTP error status throws
  // (410 → kGone); events then come from WatchStream::next().
  boost::asio::awaitable<std::unique_ptr<WatchStream>> watch(const ResourceType& type,
                                                             std::string_view ns,
                                                             const WatchOptions& options);
  // Writes. Each has an overload without its options struct, so that no class-type default
  // argument is ever created inside a caller's co_await (see the GCC 12 note above).
  boost::asio::awaitable<rapidjson::Document> create(const ResourceType& type, std::string_view ns,
                                                     const rapidjson::Value& object,
                                                     CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> create(const ResourceType& type, std::string_view ns,
                                                     const rapidjson::Value& object,
                                                     const WriteOptions& options,
                                                     CallOptions call = {});
  // PUT to the object's own metadata.namespace/name. With metadata.resourceVersion set the
  // server rejects a stale write with 409 (kConflict).
  boost::asio::awaitable<rapidjson::Document> update(const ResourceType& type,
                                                     const rapidjson::Value& object,
                                                     CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> update(const ResourceType& type,
                                                     const rapidjson::Value& object,
                                                     const WriteOptions& options,
                                                     CallOptions call = {});
  // PUT to the status subresource.
  boost::asio::awaitable<rapidjson::Document> update_status(const ResourceType& type,
                                                            const rapidjson::Value& object,
                                                            CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> update_status(const ResourceType& type,
                                                            const rapidjson::Value& object,
                                                            const WriteOptions& options,
                                                            CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> patch(const ResourceType& type, std::string_view ns,
                                                    std::string_view name, PatchType patch_type,
                                                    std::string_view body, CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> patch(const ResourceType& type, std::string_view ns,
                                                    std::string_view name, PatchType patch_type,
                                                    std::string_view body,
                                                    const PatchOptions& options,
                                                    CallOptions call = {});
  // Returns the deleted object (or the Status the server sends).
  boost::asio::awaitable<rapidjson::Document> remove(const ResourceType& type, std::string_view ns,
                                                     std::string_view name, CallOptions call = {});
  boost::asio::awaitable<rapidjson::Document> remove(const ResourceType& type, std::string_view ns,
                                                     std::string_view name,
                                                     const DeleteOptions& options,
                                                     CallOptions call = {});

  // Any other request; returns a 2xx response, else throws the typed error. `step` names it.
  boost::asio::awaitable<HttpResponse> request(HttpRequest request, std::string_view step,
                                               CallOptions call = {});

  const Config& config() const { return config_; }
  const ClientOptions& options() const { return options_; }
  Clock& clock() const { return *clock_; }
  const Logger& logger() const { return logger_; }
  const RandomSource& random() const { return random_; }
  const HttpTransport& transport() const { return transport_; }
  boost::asio::any_io_executor executor() const { return transport_.executor(); }

 private:
  void authorize(HttpRequest& request);
  boost::asio::awaitable<rapidjson::Document> json_call(HttpRequest request, std::string step,
                                                        CallOptions call);

  Config config_;
  ClientOptions options_;
  Clock* clock_;
  RandomSource random_;
  Logger logger_;
  TokenSource tokens_;
  HttpTransport transport_;
};

}  // namespace tierguard::kube
