#include "cli/live_cluster.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <future>

#include "kube/config_loader.h"
#include "kube/error.h"

namespace tierguard::cli {
namespace {

using state::ObjectKind;

constexpr ObjectKind kWatchedKinds[] = {
    ObjectKind::kTier,        ObjectKind::kNamespace,          ObjectKind::kServiceAccount,
    ObjectKind::kRole,        ObjectKind::kClusterRole,        ObjectKind::kRoleBinding,
    ObjectKind::kClusterRoleBinding, ObjectKind::kPod,         ObjectKind::kDeployment,
    ObjectKind::kStatefulSet, ObjectKind::kDaemonSet,          ObjectKind::kReplicaSet,
    ObjectKind::kJob,         ObjectKind::kCronJob,
};

// One attempt, two seconds: the most a cache miss may add to an admission review.
constexpr std::chrono::milliseconds kFetchTimeout{2000};

kube::Logger bridge(telemetry::Logger& logger) {
  return [&logger](kube::LogLevel level, std::string_view message) {
    switch (level) {
      case kube::LogLevel::kDebug: logger.debug(message); break;
      case kube::LogLevel::kInfo: logger.info(message); break;
      case kube::LogLevel::kWarning: logger.warn(message); break;
      case kube::LogLevel::kError: logger.error(message); break;
    }
  };
}

}  // namespace

const kube::ResourceType& resource_of(ObjectKind kind) {
  static const kube::ResourceType kTiers{"tierguard.io", "v1alpha1", "privilegetiers", false};
  switch (kind) {
    case ObjectKind::kTier: return kTiers;
    case ObjectKind::kNamespace: return kube::resources::namespaces();
    case ObjectKind::kServiceAccount: return kube::resources::service_accounts();
    case ObjectKind::kRole: return kube::resources::roles();
    case ObjectKind::kClusterRole: return kube::resources::cluster_roles();
    case ObjectKind::kRoleBinding: return kube::resources::role_bindings();
    case ObjectKind::kClusterRoleBinding: return kube::resources::cluster_role_bindings();
    case ObjectKind::kPod: return kube::resources::pods();
    case ObjectKind::kDeployment: return kube::resources::deployments();
    case ObjectKind::kStatefulSet: return kube::resources::stateful_sets();
    case ObjectKind::kDaemonSet: return kube::resources::daemon_sets();
    case ObjectKind::kReplicaSet: return kube::resources::replica_sets();
    case ObjectKind::kJob: return kube::resources::jobs();
    case ObjectKind::kCronJob: return kube::resources::cron_jobs();
  }
  return kube::resources::pods();
}

// Adapts a KindFeed (src/state, which knows no client) to the informer's sink interface.
class LiveCluster::Feed final : public kube::ObjectSink {
 public:
  Feed(state::LiveState& state, ObjectKind kind, state::KindFeed::ErrorReporter on_error)
      : feed_(state, kind, std::move(on_error)) {}
  void init_start() override { feed_.init_start(); }
  void init_apply(const rapidjson::Value& object) override { feed_.init_apply(object); }
  void init_done() override { feed_.init_done(); }
  void apply(const rapidjson::Value& object) override { feed_.apply(object); }
  void remove(const rapidjson::Value& object) override { feed_.remove(object); }
  const state::KindFeed& feed() const { return feed_; }

 private:
  state::KindFeed feed_;
};

LiveCluster::LiveCluster(const LiveClusterOptions& options, std::shared_ptr<state::LiveState> state,
                         telemetry::Registry& registry, telemetry::Logger& logger)
    : state_(std::move(state)),
      logger_(logger),
      decode_errors_(registry.counter("tierguard_state_decode_errors_total",
                                      "Objects from the API server that could not be decoded and were skipped",
                                      {"kind"})),
      fetches_(registry.counter("tierguard_state_fetches_total",
                                "Bounded GETs that filled a cache miss on the admission path", {"kind", "result"})),
      synced_(registry.gauge("tierguard_state_synced",
                             "1 once the initial list of a kind is in the state", {"kind"})),
      readiness_timer_(ioc_) {
  kube::ClientOptions client_options;
  client_options.logger = bridge(logger_);
  client_ = std::make_unique<kube::Client>(ioc_.get_executor(),
                                           kube::load_config(options.kubeconfig, options.context),
                                           client_options);
  for (ObjectKind kind : kWatchedKinds) {
    auto feed = std::make_unique<Feed>(*state_, kind, [this](ObjectKind k, const std::string& what) {
      decode_errors_.with({state::kind_name(k)}).inc();
      logger_.warn("skipped an object tierguard cannot read", {{"error", what}});
    });
    informers_.push_back(std::make_unique<kube::Informer>(*client_, resource_of(kind), *feed));
    feeds_.push_back(std::move(feed));
    synced_.with({state::kind_name(kind)}).set(0);
  }
}

LiveCluster::~LiveCluster() { stop(); }

void LiveCluster::start() {
  if (started_) return;
  started_ = true;
  for (auto& informer : informers_) informer->start();
  watch_readiness();
  thread_ = std::thread([this] {
    ioc_.run();
    stopped_.set_value();
  });
  logger_.info("watching the cluster", {{"kinds", static_cast<int64_t>(informers_.size())}});
}

void LiveCluster::stop() {
  if (!started_) return;
  started_ = false;
  boost::asio::post(ioc_, [this] {
    readiness_timer_.cancel();
    for (auto& informer : informers_) informer->stop();
  });
  // Let the cancelled watches unwind on their own thread (run() returns when no work is
  // left), so no coroutine frame is destroyed mid-flight; force it after a bound.
  if (stopped_.get_future().wait_for(std::chrono::seconds(3)) != std::future_status::ready) ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

void LiveCluster::watch_readiness() {
  bool all = true;
  for (const auto& feed : feeds_) {
    const bool synced = feed->feed().synced();
    synced_.with({state::kind_name(feed->feed().kind())}).set(synced ? 1 : 0);
    all = all && synced;
  }
  if (all && !state_->ready()) {
    state_->set_ready(true);
    logger_.info("state synced: every initial list is in; ready");
  }
  expire_pending();
  readiness_timer_.expires_after(std::chrono::milliseconds(all ? 1000 : 100));
  readiness_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) watch_readiness();
  });
}

std::vector<std::optional<rapidjson::Document>> LiveCluster::fetch(const std::vector<state::ObjectRef>& refs) {
  using Result = std::optional<rapidjson::Document>;
  std::vector<std::future<Result>> pending;
  for (const auto& ref : refs) {
    auto promise = std::make_shared<std::promise<Result>>();
    pending.push_back(promise->get_future());
    const kube::ResourceType& type = resource_of(ref.kind);
    std::string ns = type.namespaced ? ref.namespace_name : std::string();
    std::string name = ref.name;
    boost::asio::co_spawn(
        ioc_,
        [this, &type, ns, name, promise]() -> boost::asio::awaitable<void> {
          try {
            auto doc = co_await client_->get(type, ns, name, kube::CallOptions{kFetchTimeout, 1});
            promise->set_value(std::move(doc));
          } catch (const kube::Error& e) {
            if (e.kind() != kube::ErrorKind::kNotFound) {
              logger_.warn("cache-miss fetch failed", {{"error", e.what()}});
            }
            promise->set_value(std::nullopt);
          } catch (const std::exception& e) {
            logger_.warn("cache-miss fetch failed", {{"error", e.what()}});
            promise->set_value(std::nullopt);
          }
        },
        boost::asio::detached);
  }
  // One deadline for all of them: the lookup adds at most ~2 s to a review.
  const auto deadline = std::chrono::steady_clock::now() + kFetchTimeout + std::chrono::milliseconds(500);
  std::vector<Result> results;
  for (size_t i = 0; i < pending.size(); ++i) {
    const auto kind_label = state::kind_name(refs[i].kind);
    if (pending[i].wait_until(deadline) != std::future_status::ready) {
      fetches_.with({kind_label, "timeout"}).inc();
      results.emplace_back(std::nullopt);
      continue;
    }
    auto doc = pending[i].get();
    fetches_.with({kind_label, doc ? "found" : "missing"}).inc();
    results.push_back(std::move(doc));
  }
  return results;
}

void LiveCluster::expire_pending() {
  if (state_->read([](const state::Snapshot& s) { return s.pending_count(); }) == 0) return;
  state_->write([](state::Snapshot& s) { s.expire_pending(std::chrono::steady_clock::now()); });
}

}  // namespace tierguard::cli
