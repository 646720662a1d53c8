// kube_live_check KUBECONFIG: exercises src/kube against a real kube-apiserver (the e2e
// control plane: `tg-controlplane up`, then pass its kubeconfig). Not run by ctest; exits
// non-zero on the first failed check. Uses the "default" namespace and cleans up after itself.
//
// Covers: kubeconfig with client certificates over TLS (IP SAN), get/list with pagination,
// typed errors (404, 409 AlreadyExists/Conflict, 422 from a JSON patch test op, 409 on a UID
// precondition), merge/strategic/JSON/apply patches, an Informer (list pages, watch, delete),
// a watch ending by timeoutSeconds, Events, and Lease leader election handover.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <cstdio>
#include <iostream>

#include "kube/client.h"
#include "kube/event_recorder.h"
#include "kube/informer.h"
#include "kube/json.h"
#include "kube/json_patch.h"
#include "kube/kubeconfig.h"
#include "kube/leader_election.h"
#include "kube/object_store.h"

namespace asio = boost::asio;
using namespace tierguard::kube;
using namespace std::chrono_literals;

#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      std::printf("FAIL %s:%d %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                              \
    }                                                            \
    std::printf("ok   %s\n", #cond);                             \
  } while (0)

asio::awaitable<void> sleep_ms(int ms) {
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  co_await t.async_wait(asio::use_awaitable);
}

template <class F>
asio::awaitable<bool> eventually(F f) {
  for (int i = 0; i < 100; ++i) {
    if (f()) co_return true;
    co_await sleep_ms(50);
  }
  co_return false;
}

asio::awaitable<void> smoke(Client& client) {
  const auto& cms = resources::config_maps();
  auto ns = co_await client.get(resources::namespaces(), "", "default");
  CHECK(object_name(ns) == "default");
  ListOptions page;
  page.limit = 1;
  auto one = co_await client.list(resources::namespaces(), "", page);
  CHECK(!string_at(one, {"metadata", "continue"}).empty());
  auto all = co_await client.list_all(resources::namespaces(), "", page);
  std::printf("     namespaces: %u\n", all["items"].Size());
  CHECK(all["items"].Size() >= 3);

  try {
    co_await client.get(cms, "default", "nope");
    CHECK(false);
  } catch (const Error& e) {
    std::printf("     %s\n", e.what());
    CHECK(e.kind() == ErrorKind::kNotFound);
  }

  // cleanup from earlier runs
  try {
    co_await client.remove(cms, "default", "smoke");
  } catch (const Error&) {
  }
  try {
    co_await client.remove(cms, "default", "smoke2");
  } catch (const Error&) {
  }

  auto body = parse_json(
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"smoke"},"data":{"a":"1"}})",
      "cm");
  auto created = co_await client.create(cms, "default", body);
  CHECK(object_name(created) == "smoke");
  try {
    co_await client.create(cms, "default", body);
    CHECK(false);
  } catch (const Error& e) {
    std::printf("     %s\n", e.what());
    CHECK(e.kind() == ErrorKind::kAlreadyExists);
  }
  auto& alloc = created.GetAllocator();
  created["data"]["a"].SetString("2", alloc);
  auto updated = co_await client.update(cms, created);
  CHECK(string_at(updated, {"data", "a"}) == "2");
  try {
    co_await client.update(cms, created);
    CHECK(false);
  }  // stale rv
  catch (const Error& e) {
    std::printf("     %s\n", e.what());
    CHECK(e.kind() == ErrorKind::kConflict);
  }
  auto merged =
      co_await client.patch(cms, "default", "smoke", PatchType::kMerge, R"({"data":{"b":"x"}})");
  CHECK(string_at(merged, {"data", "b"}) == "x");
  auto smp = co_await client.patch(cms, "default", "smoke", PatchType::kStrategicMerge,
                                   R"({"metadata":{"labels":{"tier":"gold"}}})");
  CHECK(string_at(smp, {"metadata", "labels", "tier"}) == "gold");
  JsonPatch ok_patch;
  ok_patch.test("/metadata/resourceVersion", object_resource_version(smp)).replace("/data/a", "3");
  const std::string ok_text = ok_patch.str();
  auto jp = co_await client.patch(cms, "default", "smoke", PatchType::kJson, ok_text);
  CHECK(string_at(jp, {"data", "a"}) == "3");
  JsonPatch stale;
  stale.test("/metadata/resourceVersion", "1").replace("/data/a", "4");
  const std::string stale_text = stale.str();
  try {
    co_await client.patch(cms, "default", "smoke", PatchType::kJson, stale_text);
    CHECK(false);
  } catch (const Error& e) {
    std::printf("     %s (kind %s)\n", e.what(), std::string(to_string(e.kind())).c_str());
    CHECK(e.http_status() == 422 || e.http_status() == 409 || e.http_status() == 500);
  }
  PatchOptions apply;
  apply.field_manager = "smoke";
  apply.force = true;
  auto applied = co_await client.patch(
      cms, "default", "smoke", PatchType::kApply,
      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"smoke"},"data":{"c":"ssa"}})",
      apply);
  CHECK(string_at(applied, {"data", "c"}) == "ssa");

  // informer
  ObjectStore store;
  WatcherConfig wc;
  wc.ns = "default";
  wc.page_size = 1;
  Informer informer(client, cms, store, wc);
  informer.start();
  CHECK(co_await eventually([&] { return informer.has_synced(); }));
  CHECK(store.get("default", "smoke") != nullptr);
  auto body2 = parse_json(R"({"metadata":{"name":"smoke2"},"data":{"x":"y"}})", "cm");
  co_await client.create(cms, "default", body2);
  CHECK(co_await eventually([&] { return store.get("default", "smoke2") != nullptr; }));
  DeleteOptions wrong_uid;
  wrong_uid.precondition_uid = "00000000-0000-0000-0000-000000000000";
  try {
    co_await client.remove(cms, "default", "smoke2", wrong_uid);
    CHECK(false);
  } catch (const Error& e) {
    std::printf("     %s\n", e.what());
    CHECK(e.kind() == ErrorKind::kConflict);
  }
  co_await client.remove(cms, "default", "smoke2");
  CHECK(co_await eventually([&] { return store.get("default", "smoke2") == nullptr; }));
  informer.stop();

  // raw watch with bookmarks and a short server timeout
  WatchOptions wo;
  wo.resource_version = std::string(object_resource_version(applied));
  wo.timeout_seconds = 2;
  auto stream = co_await client.watch(cms, "default", wo);
  int events = 0;
  for (;;) {
    auto ev = co_await stream->next();
    if (!ev) break;
    ++events;
    std::printf("     watch event %s rv=%s\n", std::string(to_string(ev->type)).c_str(),
                std::string(object_resource_version(ev->object)).c_str());
  }
  CHECK(true);  // clean end after timeoutSeconds

  // events
  EventRecorderConfig ec;
  ec.reporting_instance = "smoke-0";
  EventRecorder recorder(client, ec);
  EventSpec spec;
  spec.regarding = ObjectReference::of(applied);
  spec.reason = "Smoke";
  spec.action = "Test";
  spec.note = "hello";
  spec.regarding.kind = "ConfigMap";
  spec.regarding.api_version = "v1";
  CHECK(co_await recorder.record(spec) == EventRecorder::Outcome::kCreated);
  CHECK(co_await recorder.record(spec) == EventRecorder::Outcome::kCounted);
  const ListOptions everything;
  auto evs = co_await client.list(resources::events(), "default", everything);
  CHECK(evs["items"].Size() >= 1);

  // leader election: a then b
  LeaderElectionConfig la;
  la.lease_namespace = "default";
  la.lease_name = "smoke";
  la.identity = "a";
  la.lease_duration = 4s;
  la.renew_deadline = 3000ms;
  la.retry_period = 500ms;
  LeaderElectionConfig lb = la;
  lb.identity = "b";
  bool a_lead = false, b_lead = false;
  LeaderElector a(client, la, {[&] { a_lead = true; }, [&] { a_lead = false; }, {}});
  LeaderElector b(client, lb, {[&] { b_lead = true; }, [&] { b_lead = false; }, {}});
  asio::cancellation_signal cancel_a, cancel_b;
  auto ex = co_await asio::this_coro::executor;
  asio::co_spawn(ex, a.run(), asio::bind_cancellation_slot(cancel_a.slot(), asio::detached));
  CHECK(co_await eventually([&] { return a_lead; }));
  asio::co_spawn(ex, b.run(), asio::bind_cancellation_slot(cancel_b.slot(), asio::detached));
  co_await sleep_ms(1500);
  CHECK(!b_lead);
  cancel_a.emit(asio::cancellation_type::terminal);
  CHECK(co_await eventually([&] { return !a_lead; }));
  CHECK(co_await eventually([&] { return b_lead; }));
  auto lease = co_await client.get(resources::leases(), "default", "smoke");
  std::printf("     lease: %s\n", to_json(lease["spec"]).c_str());
  CHECK(string_at(lease, {"spec", "holderIdentity"}) == "b");
  cancel_b.emit(asio::cancellation_type::terminal);
  CHECK(co_await eventually([&] { return !b_lead; }));
  co_await client.remove(cms, "default", "smoke");
  std::printf("PASSED\n");
  std::exit(0);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kube_live_check KUBECONFIG\n");
    return 2;
  }
  asio::io_context ioc;
  Client client(ioc.get_executor(), load_kubeconfig(argv[1]), {});
  std::printf("server %s:%s scheme %s\n", client.config().host.c_str(),
              client.config().port.c_str(), client.config().scheme.c_str());
  asio::co_spawn(ioc, smoke(client), [](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& x) {
        std::printf("EXCEPTION %s\n", x.what());
        std::exit(1);
      }
    }
  });
  ioc.run_for(60s);
  std::printf("FAIL: did not finish within 60s\n");
  return 1;
}
