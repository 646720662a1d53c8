#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "async_test.h"
#include "kube/json.h"
#include "test_server.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::RecordedRequest;
using testing::Reply;

const std::string kPath = "/apis/coordination.k8s.io/v1/namespaces/ops/leases/tierguard";

// An apiserver double that holds one Lease in memory with real resourceVersion semantics
// (create-if-absent, conditional update → 409), plus switches to inject failures.
class LeaseServer {
 public:
  explicit LeaseServer(boost::asio::io_context& ioc)
      : server_(ioc, [this](const RecordedRequest& r) { return handle(r); }) {}

  Config config() const { return server_.config(); }
  bool exists() const { return !lease_.empty(); }
  rapidjson::Document lease() const { return parse_json(lease_, "lease"); }
  std::string holder() const { return std::string(string_at(lease(), {"spec", "holderIdentity"})); }
  std::int64_t transitions() const {
    const auto doc = lease();
    return find_member(doc, {"spec", "leaseTransitions"})->GetInt64();
  }
  int writes = 0;
  bool fail_writes = false;            // PUT/POST answer 500
  bool steal_before_next_put = false;  // someone else writes between our GET and PUT

 private:
  Reply handle(const RecordedRequest& r) {
    if (r.method == "GET" && r.target == kPath) {
      if (lease_.empty())
        return Reply::status_error(404, "NotFound", "leases \\\"tierguard\\\" not found");
      return Reply::json(200, lease_);
    }
    if ((r.method == "PUT" && r.target == kPath) ||
        (r.method == "POST" && r.target == "/apis/coordination.k8s.io/v1/namespaces/ops/leases")) {
      if (fail_writes) return Reply::status_error(500, "InternalError", "etcd unavailable");
      if (steal_before_next_put && r.method == "PUT") {
        steal_before_next_put = false;
        auto current = parse_json(lease_, "lease");  // another writer touched it
        set_version(current, ++version_);
        lease_ = to_json(current);
      }
      auto doc = parse_json(r.body, "request");
      const std::string sent(object_resource_version(doc));
      if (r.method == "POST" && !lease_.empty()) {
        return Reply::status_error(409, "AlreadyExists", "exists");
      }
      if (r.method == "PUT" && sent != std::to_string(version_)) {
        return Reply::status_error(409, "Conflict", "the object has been modified");
      }
      ++writes;
      set_version(doc, ++version_);
      lease_ = to_json(doc);
      return Reply::json(r.method == "POST" ? 201 : 200, lease_);
    }
    return Reply::json(418, "{}");
  }

  static void set_version(rapidjson::Document& doc, int version) {
    auto& alloc = doc.GetAllocator();
    doc["metadata"].RemoveMember("resourceVersion");
    doc["metadata"].AddMember("resourceVersion",
                              rapidjson::Value(std::to_string(version).c_str(), alloc), alloc);
  }

  std::string lease_;
  int version_ = 0;
  testing::TestServer server_;
};

struct Candidate {
  Candidate(boost::asio::io_context& ioc, testing::FakeClock& clock, const Config& config,
            const std::string& identity, bool release_on_cancel = true) {
    ClientOptions options;
    options.clock = &clock;
    options.random = [] { return 0.0; };  // acquire retries exactly every retry_period
    options.logger = null_logger();
    client = std::make_unique<Client>(ioc.get_executor(), config, options);
    LeaderElectionConfig le;
    le.lease_namespace = "ops";
    le.lease_name = "tierguard";
    le.identity = identity;
    le.release_on_cancel = release_on_cancel;
    LeaderCallbacks callbacks;
    callbacks.on_started_leading = [this] { ++started; };
    callbacks.on_stopped_leading = [this] { ++stopped; };
    callbacks.on_new_leader = [this](const std::string& who) { leaders.push_back(who); };
    elector = std::make_unique<LeaderElector>(*client, le, callbacks);
    done = boost::asio::co_spawn(
        ioc, elector->run(),
        boost::asio::bind_cancellation_slot(cancel.slot(), boost::asio::use_future));
  }
  bool finished() { return done.wait_for(0s) == std::future_status::ready; }

  std::unique_ptr<Client> client;
  std::unique_ptr<LeaderElector> elector;
  boost::asio::cancellation_signal cancel;
  std::future<void> done;
  int started = 0;
  int stopped = 0;
  std::vector<std::string> leaders;
};

struct Fixture {
  boost::asio::io_context ioc;
  testing::FakeClock clock;
  LeaseServer server{ioc};
  // Runs until `done`, advancing simulated time whenever `sleepers` electors are all asleep.
  void until(const std::function<bool()>& done, std::size_t sleepers = 1) {
    testing::drive(ioc, clock, done, sleepers);
  }
  void run_for(Clock::Duration d, std::size_t sleepers) {
    const auto end = clock.now() + d;
    until([&] { return clock.now() >= end; }, sleepers);
  }
};

TEST(LeaderElection, AcquiresAnAbsentLeaseAndRenews) {
  Fixture f;
  Candidate a(f.ioc, f.clock, f.server.config(), "a");
  f.until([&] { return a.started == 1; });
  EXPECT_TRUE(a.elector->is_leader());
  EXPECT_EQ(f.server.holder(), "a");
  EXPECT_EQ(f.server.transitions(), 0);
  const auto lease = f.server.lease();
  EXPECT_EQ(find_member(lease, {"spec", "leaseDurationSeconds"})->GetInt(), 15);
  EXPECT_EQ(string_at(lease, {"spec", "renewTime"}), "2024-05-01T12:00:00.000000Z");
  f.run_for(10s, 1);
  f.until([&] { return f.server.writes == 1 + 5; });  // create + a renewal every 2s
  EXPECT_EQ(string_at(f.server.lease(), {"spec", "renewTime"}), "2024-05-01T12:00:10.000000Z");
  EXPECT_TRUE(a.elector->is_leader());
  EXPECT_EQ(a.stopped, 0);
}

TEST(LeaderElection, StandbyWaitsAndTakesOverAfterTheLeaseExpires) {
  Fixture f;
  Candidate a(f.ioc, f.clock, f.server.config(), "a", /*release_on_cancel=*/false);
  f.until([&] { return a.started == 1; });
  Candidate b(f.ioc, f.clock, f.server.config(), "b");
  f.run_for(30s, 2);
  EXPECT_EQ(b.started, 0);  // a keeps renewing
  EXPECT_EQ(b.elector->observed_leader(), "a");
  a.cancel.emit(boost::asio::cancellation_type::terminal);  // a crashes: no release
  f.until([&] { return a.finished(); }, 1);
  EXPECT_EQ(a.stopped, 1);
  EXPECT_EQ(f.server.holder(), "a");
  const auto crashed_at = f.clock.now();
  f.until([&] { return b.started == 1; }, 1);
  const auto waited = f.clock.now() - crashed_at;
  EXPECT_GE(waited, 13s);  // a's last renewal was < 2s before the crash; 15s lease
  EXPECT_LE(waited, 17s);
  EXPECT_EQ(f.server.holder(), "b");
  EXPECT_EQ(f.server.transitions(), 1);
  EXPECT_EQ(b.leaders, (std::vector<std::string>{"a", "b"}));
}

TEST(LeaderElection, ReleaseOnShutdownLetsTheStandbyTakeOverAtOnce) {
  Fixture f;
  Candidate a(f.ioc, f.clock, f.server.config(), "a");
  f.until([&] { return a.started == 1; });
  Candidate b(f.ioc, f.clock, f.server.config(), "b");
  f.run_for(5s, 2);
  a.cancel.emit(boost::asio::cancellation_type::terminal);
  f.until([&] { return a.finished(); }, 1);
  EXPECT_EQ(f.server.holder(), "");
  try {
    a.done.get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCancelled);
  }
  const auto released_at = f.clock.now();
  f.until([&] { return b.started == 1; }, 1);
  EXPECT_LE(f.clock.now() - released_at, 2s);  // its next retry, not a lease expiry
  EXPECT_EQ(f.server.holder(), "b");
}

TEST(LeaderElection, ConflictMeansSomeoneElseWonThisRound) {
  Fixture f;
  f.server.steal_before_next_put = true;
  Candidate a(f.ioc, f.clock, f.server.config(), "a");
  f.until([&] { return a.started == 1; });  // created with POST
  EXPECT_EQ(f.server.holder(), "a");
  // a's first renewal (a PUT of its cached copy) meets a concurrent write: 409. a re-reads
  // the lease, still finds itself holder, renews, and stays leader.
  f.until([&] { return f.server.writes == 1 + 3; });
  EXPECT_FALSE(f.server.steal_before_next_put);  // the conflict did happen
  EXPECT_TRUE(a.elector->is_leader());
  EXPECT_EQ(a.stopped, 0);
}

TEST(LeaderElection, LosesLeadershipWhenRenewalFailsPastTheDeadline) {
  Fixture f;
  Candidate a(f.ioc, f.clock, f.server.config(), "a");
  f.until([&] { return a.started == 1; });
  f.server.fail_writes = true;
  const auto failing_since = f.clock.now();
  f.until([&] { return a.finished(); });
  EXPECT_EQ(a.stopped, 1);
  EXPECT_FALSE(a.elector->is_leader());
  EXPECT_GE(f.clock.now() - failing_since, 10s);
  EXPECT_LE(f.clock.now() - failing_since, 12s);
  a.done.get();  // returns normally: leadership lost
}

}  // namespace
}  // namespace tierguard::kube
