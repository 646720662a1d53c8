#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <future>
#include <thread>
#include <vector>

#include "kube/client.h"
#include "kube/informer.h"
#include "state/kind_feed.h"
#include "state/live_state.h"
#include "state/missing_object_fetcher.h"
#include "telemetry/log.h"
#include "telemetry/metrics.h"

namespace tierguard::cli {

struct LiveClusterOptions {
  std::string kubeconfig;  // "" : $KUBECONFIG, in-cluster, ~/.kube/config (client-go's order)
  std::string context;     // "" : the kubeconfig's current context
};

// The live cluster as tierguard's state: one informer per kind decisions read (tiers,
// namespaces, ServiceAccounts, roles, bindings, pods, workloads), each feeding a KindFeed
// into the shared LiveState, on one I/O thread. The state turns ready once every initial list
// is in. Also the bounded GET that fills a cache miss on the admission path.
class LiveCluster final : public state::MissingObjectFetcher {
 public:
  // Throws kube::Error when the configuration cannot be loaded.
  LiveCluster(const LiveClusterOptions& options, std::shared_ptr<state::LiveState> state,
              telemetry::Registry& registry, telemetry::Logger& logger);
  ~LiveCluster() override;
  LiveCluster(const LiveCluster&) = delete;
  LiveCluster& operator=(const LiveCluster&) = delete;

  void start();
  void stop();

  std::vector<std::optional<rapidjson::Document>> fetch(const std::vector<state::ObjectRef>& refs) override;

 private:
  class Feed;
  void watch_readiness();
  void expire_pending();

  std::shared_ptr<state::LiveState> state_;
  telemetry::Logger& logger_;
  telemetry::Family<telemetry::Counter>& decode_errors_;
  telemetry::Family<telemetry::Counter>& fetches_;
  telemetry::Family<telemetry::Gauge>& synced_;
  boost::asio::io_context ioc_;
  std::unique_ptr<kube::Client> client_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::vector<std::unique_ptr<kube::Informer>> informers_;
  boost::asio::steady_timer readiness_timer_;
  std::thread thread_;
  std::promise<void> stopped_;  // set when the I/O thread's run() returns
  bool started_ = false;
};

// The API resource each kind is read from.
const kube::ResourceType& resource_of(state::ObjectKind kind);

}  // namespace tierguard::cli
