#include "kube/leader_election.h"

#include <algorithm>
#include <boost/asio/this_coro.hpp>

#include "kube/json.h"
#include "kube/time_format.h"

namespace tierguard::kube {
namespace {

using std::chrono::milliseconds;
constexpr double kAcquireJitter = 1.2;  // client-go's JitterFactor for the acquire loop

void set_member(rapidjson::Value& object, const char* name, rapidjson::Value value,
                rapidjson::Document::AllocatorType& alloc) {
  auto it = object.FindMember(name);
  if (it != object.MemberEnd()) {
    it->value = std::move(value);
  } else {
    object.AddMember(rapidjson::Value(name, alloc), std::move(value), alloc);
  }
}

rapidjson::Value& spec_of(rapidjson::Document& lease) {
  auto& alloc = lease.GetAllocator();
  auto it = lease.FindMember("spec");
  if (it == lease.MemberEnd() || !it->value.IsObject()) {
    set_member(lease, "spec", rapidjson::Value(rapidjson::kObjectType), alloc);
  }
  return lease["spec"];
}

std::int64_t int_at(const rapidjson::Value& object, std::string_view key) {
  const auto* value = find_member(object, {key});
  return value != nullptr && value->IsInt64() ? value->GetInt64() : 0;
}

std::chrono::milliseconds to_ms(Clock::Duration d) {
  return std::chrono::duration_cast<milliseconds>(d);
}

boost::asio::awaitable<void> sleep_for(Clock& clock, Clock::Duration d) {
  try {
    co_await clock.sleep(d);
  } catch (...) {
    rethrow_with_context("leader election", ErrorKind::kCancelled);
  }
}

}  // namespace

LeaderElector::LeaderElector(Client& client, LeaderElectionConfig config, LeaderCallbacks callbacks)
    : client_(client),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      leases_(resources::leases()) {}

std::string LeaderElector::observed_leader() const {
  std::lock_guard lock(mutex_);
  return observed_holder_;
}

void LeaderElector::set_leader(bool leader) {
  if (leader_.exchange(leader) == leader) return;
  client_.logger()(LogLevel::kInfo, "leader election " + config_.lease_namespace + "/" +
                                        config_.lease_name + ": " + config_.identity +
                                        (leader ? " started leading" : " stopped leading"));
  const auto& callback = leader ? callbacks_.on_started_leading : callbacks_.on_stopped_leading;
  if (callback) callback();
}

void LeaderElector::observe(const rapidjson::Value& lease) {
  const std::string holder(string_at(lease, {"spec", "holderIdentity"}));
  const std::string renew(string_at(lease, {"spec", "renewTime"}));
  const auto* spec = find_member(lease, {"spec"});
  std::int64_t seconds = spec != nullptr ? int_at(*spec, "leaseDurationSeconds") : 0;
  if (seconds <= 0) seconds = config_.lease_duration.count();
  bool new_leader = false;
  {
    std::lock_guard lock(mutex_);
    if (holder != observed_holder_ || renew != observed_renew_time_) {
      new_leader = holder != observed_holder_;
      observed_holder_ = holder;
      observed_renew_time_ = renew;
      observed_at_ = client_.clock().now();
    }
    observed_duration_ = std::chrono::seconds(seconds);
  }
  if (new_leader && !holder.empty() && callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

boost::asio::awaitable<bool> LeaderElector::try_update(rapidjson::Document lease, bool renewing,
                                                       milliseconds timeout) {
  auto& alloc = lease.GetAllocator();
  const std::string now = format_micro_time(client_.clock().wall_now());
  rapidjson::Value& spec = spec_of(lease);
  if (!renewing) {
    set_member(spec, "acquireTime", rapidjson::Value(now.c_str(), alloc), alloc);
    set_member(spec, "leaseTransitions", rapidjson::Value(int_at(spec, "leaseTransitions") + 1),
               alloc);
  }
  set_member(spec, "holderIdentity", rapidjson::Value(config_.identity.c_str(), alloc), alloc);
  set_member(spec, "leaseDurationSeconds",
             rapidjson::Value(static_cast<std::int64_t>(config_.lease_duration.count())), alloc);
  set_member(spec, "renewTime", rapidjson::Value(now.c_str(), alloc), alloc);
  rapidjson::Document updated;
  const CallOptions call{timeout, 1};
  try {
    updated = co_await client_.update(leases_, lease, no_options_, call);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCancelled) throw;
    client_.logger()(LogLevel::kDebug, e.what());
    cached_lease_.reset();
    co_return false;  // 409: someone else wrote first; anything else: try again later
  }
  observe(updated);
  cached_lease_ = std::move(updated);
  co_return true;
}

boost::asio::awaitable<bool> LeaderElector::try_acquire_or_renew(milliseconds timeout) {
  const CallOptions call{timeout, 1};
  if (is_leader() && cached_lease_) {  // fast path: update our own last write
    rapidjson::Document copy;
    copy.CopyFrom(*cached_lease_, copy.GetAllocator());
    if (co_await try_update(std::move(copy), true, timeout)) co_return true;
  }
  rapidjson::Document lease;
  bool absent = false;
  try {
    lease = co_await client_.get(leases_, config_.lease_namespace, config_.lease_name, call);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kCancelled) throw;
    if (!e.is_not_found()) {
      client_.logger()(LogLevel::kDebug, e.what());
      co_return false;
    }
    absent = true;
  }
  if (absent) {
    rapidjson::Document fresh;
    fresh.Parse(
        R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{},"spec":{}})");
    auto& alloc = fresh.GetAllocator();
    fresh["metadata"].AddMember("name", rapidjson::Value(config_.lease_name.c_str(), alloc), alloc);
    fresh["metadata"].AddMember("namespace",
                                rapidjson::Value(config_.lease_namespace.c_str(), alloc), alloc);
    const std::string now = format_micro_time(client_.clock().wall_now());
    auto& spec = fresh["spec"];
    spec.AddMember("holderIdentity", rapidjson::Value(config_.identity.c_str(), alloc), alloc);
    spec.AddMember("leaseDurationSeconds",
                   rapidjson::Value(static_cast<std::int64_t>(config_.lease_duration.count())),
                   alloc);
    spec.AddMember("acquireTime", rapidjson::Value(now.c_str(), alloc), alloc);
    spec.AddMember("renewTime", rapidjson::Value(now.c_str(), alloc), alloc);
    spec.AddMember("leaseTransitions", 0, alloc);
    rapidjson::Document created;
    try {
      created = co_await client_.create(leases_, config_.lease_namespace, fresh, no_options_, call);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kCancelled) throw;
      client_.logger()(LogLevel::kDebug, e.what());  // 409 AlreadyExists: someone was faster
      co_return false;
    }
    observe(created);
    cached_lease_ = std::move(created);
    co_return true;
  }
  observe(lease);
  const std::string holder(string_at(lease, {"spec", "holderIdentity"}));
  bool expired = false;
  {
    std::lock_guard lock(mutex_);
    expired = observed_at_ + observed_duration_ <= client_.clock().now();
  }
  if (!holder.empty() && holder != config_.identity && !expired) co_return false;
  co_return co_await try_update(std::move(lease), holder == config_.identity, timeout);
}

boost::asio::awaitable<void> LeaderElector::acquire_loop() {
  for (;;) {
    if (co_await try_acquire_or_renew(config_.renew_deadline)) break;
    const double r = std::clamp(client_.random()(), 0.0, 1.0);
    const auto delay =
        std::chrono::duration_cast<milliseconds>(config_.retry_period * (1.0 + kAcquireJitter * r));
    co_await sleep_for(client_.clock(), delay);
  }
  set_leader(true);
}

boost::asio::awaitable<void> LeaderElector::renew_loop() {
  Clock& clock = client_.clock();
  auto last_renew = clock.now();
  for (;;) {
    co_await sleep_for(clock, config_.retry_period);
    const auto elapsed = to_ms(clock.now() - last_renew);
    if (elapsed >= config_.renew_deadline) break;
    if (co_await try_acquire_or_renew(config_.renew_deadline - elapsed)) {
      last_renew = clock.now();
    } else if (clock.now() - last_renew >= config_.renew_deadline) {
      break;
    }
  }
  cached_lease_.reset();
  set_leader(false);
}

boost::asio::awaitable<bool> LeaderElector::release_once(rapidjson::Document lease) {
  if (string_at(lease, {"spec", "holderIdentity"}) != config_.identity) co_return true;
  auto& alloc = lease.GetAllocator();
  const std::string now = format_micro_time(client_.clock().wall_now());
  rapidjson::Value& spec = spec_of(lease);
  set_member(spec, "holderIdentity", rapidjson::Value(""), alloc);
  set_member(spec, "leaseDurationSeconds", rapidjson::Value(1), alloc);
  set_member(spec, "acquireTime", rapidjson::Value(now.c_str(), alloc), alloc);
  set_member(spec, "renewTime", rapidjson::Value(now.c_str(), alloc), alloc);
  const CallOptions call{config_.renew_deadline, 1};
  try {
    co_await client_.update(leases_, lease, no_options_, call);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConflict) throw;
    co_return false;
  }
  co_return true;
}

boost::asio::awaitable<void> LeaderElector::release() {
  // Our cached copy may be one write behind (a renewal cut short by the cancellation may
  // still have landed): on 409, read the lease and release what is really there.
  if (cached_lease_) {
    rapidjson::Document lease;
    lease.CopyFrom(*cached_lease_, lease.GetAllocator());
    cached_lease_.reset();
    if (co_await release_once(std::move(lease))) co_return;
  }
  const CallOptions call{config_.renew_deadline, 1};
  rapidjson::Document current =
      co_await client_.get(leases_, config_.lease_namespace, config_.lease_name, call);
  if (!co_await release_once(std::move(current))) {
    throw Error(ErrorKind::kConflict, "release lease: modified concurrently twice");
  }
}

boost::asio::awaitable<void> LeaderElector::run() {
  std::exception_ptr failure;
  try {
    co_await acquire_loop();
    co_await renew_loop();
    co_return;  // leadership lost
  } catch (...) {
    failure = std::current_exception();
  }
  if (leader_ && config_.release_on_cancel) {
    co_await boost::asio::this_coro::reset_cancellation_state();
    try {
      co_await release();
      client_.logger()(LogLevel::kInfo, "leader election: released " + config_.lease_namespace +
                                            "/" + config_.lease_name);
    } catch (const std::exception& e) {
      client_.logger()(LogLevel::kWarning, std::string("leader election: release: ") + e.what());
    }
  }
  set_leader(false);
  std::rethrow_exception(failure);
}

}  // namespace tierguard::kube
