#include "kube/watcher.h"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "client_fixture.h"
#include "kube/object_store.h"
#include "recording_sink.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::bookmark_line;
using testing::event_line;
using testing::gone_line;
using testing::list_json;
using testing::object_json;
using testing::Reply;
using Phase = Watcher::Phase;
using Outcome = Watcher::Outcome;
using Calls = std::vector<std::string>;

const std::string kList = "/api/v1/namespaces?limit=500";
std::string watch_target(const std::string& rv) {
  return "/api/v1/namespaces?watch=true&resourceVersion=" + rv +
         "&allowWatchBookmarks=true&timeoutSeconds=450";
}

struct WatcherFixture : testing::ClientFixture {
  WatcherFixture() {
    ClientOptions o = options();
    o.retry.max_attempts = 1;  // the watcher's own recovery is under test
    client_ = client(o);
  }
  Watcher make(WatcherConfig config = {}) {
    return Watcher(*client_, resources::namespaces(), std::move(config));
  }
  Outcome step(Watcher& w, ObjectSink& sink) { return go(w.step(sink)); }
  Error step_fails(Watcher& w, ObjectSink& sink) { return fails(w.step(sink)); }

  std::unique_ptr<Client> client_;
};

TEST(Watcher, PagedListThenWatchWithEventsSplitAcrossChunks) {
  WatcherFixture f;
  f.peer.expect(
      "GET", "/api/v1/namespaces?limit=2",
      Reply::json(200, list_json({object_json("a", "3"), object_json("b", "4")}, "10", "p/2")));
  f.peer.expect("GET", "/api/v1/namespaces?limit=2&continue=p%2F2",
                Reply::json(200, list_json({object_json("c", "5")}, "10")));
  const std::string modified = event_line("MODIFIED", "a", "12");
  f.peer.expect(
      "GET", watch_target("10"),
      Reply::stream({event_line("ADDED", "d", "11") + modified.substr(0, 9), modified.substr(9, 20),
                     modified.substr(29) + bookmark_line("15"), event_line("DELETED", "b", "16")}));
  WatcherConfig config;
  config.page_size = 2;
  Watcher w = f.make(config);
  testing::RecordingSink sink;

  EXPECT_EQ(f.step(w, sink), Outcome::kTransition);
  EXPECT_EQ(w.phase(), Phase::kInitPage);
  EXPECT_EQ(f.step(w, sink), Outcome::kTransition);
  EXPECT_EQ(w.continue_token(), "p/2");
  EXPECT_EQ(f.step(w, sink), Outcome::kProgress);
  EXPECT_EQ(w.phase(), Phase::kInitListed);
  EXPECT_EQ(w.resource_version(), "10");
  EXPECT_EQ(sink.take(), (Calls{"init_start", "init_apply a@3", "init_apply b@4", "init_apply c@5",
                                "init_done"}));
  EXPECT_EQ(f.step(w, sink), Outcome::kTransition);
  EXPECT_EQ(w.phase(), Phase::kWatching);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(f.step(w, sink), Outcome::kProgress);
  EXPECT_EQ(sink.take(), (Calls{"apply d@11", "apply a@12", "remove b@16"}));
  EXPECT_EQ(w.resource_version(), "16");
  EXPECT_EQ(f.step(w, sink), Outcome::kTransition);  // clean end of the watch
  EXPECT_EQ(w.phase(), Phase::kInitListed);
  f.expect_script_done();
}

TEST(Watcher, BookmarkAdvancesTheResumePointWithoutOutput) {
  WatcherFixture f;
  f.peer.expect("GET", kList, Reply::json(200, list_json({}, "10")));
  f.peer.expect("GET", watch_target("10"), Reply::stream({bookmark_line("40")}));
  f.peer.expect("GET", watch_target("40"), Reply::stream({event_line("ADDED", "x", "41")}));
  Watcher w = f.make();
  testing::RecordingSink sink;
  for (int i = 0; i < 3; ++i) f.step(w, sink);     // start, list, watch
  EXPECT_EQ(f.step(w, sink), Outcome::kProgress);  // the bookmark
  EXPECT_EQ(w.resource_version(), "40");
  f.step(w, sink);  // end
  f.step(w, sink);  // resume at 40
  f.step(w, sink);
  EXPECT_EQ(sink.take(), (Calls{"init_start", "init_done", "apply x@41"}));
  f.expect_script_done();
}

TEST(Watcher, DroppedStreamResumesFromTheLastDeliveredVersion) {
  WatcherFixture f;
  f.peer.expect("GET", kList, Reply::json(200, list_json({object_json("a", "3")}, "10")));
  Reply dropped =
      Reply::stream({event_line("ADDED", "b", "11"), "{\"type\":\"MODIFIED\",\"obj"}, false);
  dropped.close_after = true;  // connection reset mid-event
  f.peer.expect("GET", watch_target("10"), dropped);
  f.peer.expect("GET", watch_target("11"), Reply::stream({event_line("MODIFIED", "b", "12")}));
  Watcher w = f.make();
  testing::RecordingSink sink;
  for (int i = 0; i < 4; ++i) f.step(w, sink);  // start, list, watch, event
  const Error e = f.step_fails(w, sink);
  EXPECT_EQ(e.kind(), ErrorKind::kTransport) << e.what();
  EXPECT_TRUE(std::string(e.what()).starts_with("watch namespaces: ")) << e.what();
  EXPECT_EQ(w.phase(), Phase::kInitListed);
  EXPECT_EQ(w.resource_version(), "11");
  f.step(w, sink);
  f.step(w, sink);
  EXPECT_EQ(sink.take(),
            (Calls{"init_start", "init_apply a@3", "init_done", "apply b@11", "apply b@12"}));
  f.expect_script_done();
}

TEST(Watcher, GoneEventRelistsAndSwapsTheStoreAtomically) {
  WatcherFixture f;
  f.peer.expect(
      "GET", kList,
      Reply::json(
          200,
          list_json({object_json("a", "3"), object_json("b", "4"), object_json("c", "5")}, "10")));
  f.peer.expect("GET", watch_target("10"), Reply::stream({gone_line()}, false));
  f.peer.expect(
      "GET", kList,
      Reply::json(200, list_json({object_json("a", "21"), object_json("d", "22")}, "30")));
  Watcher w = f.make();
  ObjectStore store;
  for (int i = 0; i < 3; ++i) f.step(w, store);
  EXPECT_EQ(store.size(), 3u);
  const Error e = f.step_fails(w, store);
  EXPECT_EQ(e.kind(), ErrorKind::kGone);
  EXPECT_EQ(e.reason(), "Expired");
  EXPECT_NE(std::string(e.what()).find("ERROR event: 410 Expired: too old resource version"),
            std::string::npos)
      << e.what();
  EXPECT_EQ(w.phase(), Phase::kEmpty);
  f.step(w, store);  // init_start: readers still see the old, complete state
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(f.step(w, store), Outcome::kProgress);  // relist done: swapped in whole
  EXPECT_EQ(store.size(), 2u);
  EXPECT_EQ(object_resource_version(*store.get("", "a")), "21");
  EXPECT_EQ(store.get("", "b"), nullptr);  // deleted while we were not watching
  EXPECT_EQ(store.get("", "c"), nullptr);
  EXPECT_NE(store.get("", "d"), nullptr);
  EXPECT_EQ(w.resource_version(), "30");
  f.expect_script_done();
}

TEST(Watcher, GoneStatusOnWatchRequestRelists) {
  WatcherFixture f;
  f.peer.expect("GET", kList, Reply::json(200, list_json({}, "10")));
  f.peer.expect("GET", watch_target("10"), Reply::status_error(410, "Expired", "too old"));
  Watcher w = f.make();
  testing::RecordingSink sink;
  f.step(w, sink);
  f.step(w, sink);
  EXPECT_EQ(f.step_fails(w, sink).kind(), ErrorKind::kGone);
  EXPECT_EQ(w.phase(), Phase::kEmpty);
  f.expect_script_done();
}

TEST(Watcher, ExpiredContinueTokenRestartsTheList) {
  WatcherFixture f;
  f.peer.expect("GET", "/api/v1/namespaces?limit=1",
                Reply::json(200, list_json({object_json("a", "3")}, "10", "tok")));
  f.peer.expect("GET", "/api/v1/namespaces?limit=1&continue=tok",
                Reply::status_error(410, "Expired", "continue token expired"));
  f.peer.expect("GET", "/api/v1/namespaces?limit=1",
                Reply::json(200, list_json({object_json("b", "7")}, "20")));
  WatcherConfig config;
  config.page_size = 1;
  Watcher w = f.make(config);
  testing::RecordingSink sink;
  f.step(w, sink);
  f.step(w, sink);
  EXPECT_EQ(f.step_fails(w, sink).kind(), ErrorKind::kGone);
  EXPECT_EQ(w.phase(), Phase::kEmpty);
  f.step(w, sink);
  f.step(w, sink);
  EXPECT_EQ(sink.take(),
            (Calls{"init_start", "init_apply a@3", "init_start", "init_apply b@7", "init_done"}));
  f.expect_script_done();
}

TEST(Watcher, TransientListErrorRetriesTheSamePage) {
  WatcherFixture f;
  f.peer.expect("GET", "/api/v1/namespaces?limit=1",
                Reply::json(200, list_json({object_json("a", "3")}, "10", "tok")));
  f.peer.expect("GET", "/api/v1/namespaces?limit=1&continue=tok",
                Reply::status_error(500, "InternalError", "etcd hiccup"));
  f.peer.expect("GET", "/api/v1/namespaces?limit=1&continue=tok",
                Reply::json(200, list_json({object_json("b", "4")}, "10")));
  WatcherConfig config;
  config.page_size = 1;
  Watcher w = f.make(config);
  testing::RecordingSink sink;
  f.step(w, sink);
  f.step(w, sink);
  EXPECT_EQ(f.step_fails(w, sink).kind(), ErrorKind::kServer);
  EXPECT_EQ(w.phase(), Phase::kInitPage);
  f.step(w, sink);
  EXPECT_EQ(sink.take(), (Calls{"init_start", "init_apply a@3", "init_apply b@4", "init_done"}));
  f.expect_script_done();
}

TEST(Watcher, GarbageAndMissingVersions) {
  WatcherFixture f;
  f.peer.expect("GET", kList, Reply::json(200, list_json({}, "10")));
  f.peer.expect("GET", watch_target("10"), Reply::stream({"<html>proxy error</html>\n"}, false));
  f.peer.expect(
      "GET", watch_target("10"),
      Reply::stream({"{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"n\"}}}\n"}, false));
  f.peer.expect("GET", kList, Reply::json(200, "{\"kind\":\"List\",\"items\":[]}"));
  Watcher w = f.make();
  testing::RecordingSink sink;
  for (int i = 0; i < 3; ++i) f.step(w, sink);
  Error e = f.step_fails(w, sink);
  EXPECT_EQ(e.kind(), ErrorKind::kDecode);
  EXPECT_TRUE(std::string(e.what()).starts_with("watch namespaces: decode event: ")) << e.what();
  EXPECT_EQ(w.phase(), Phase::kInitListed);  // resume, the version is still good
  f.step(w, sink);
  e = f.step_fails(w, sink);
  EXPECT_NE(std::string(e.what()).find("without metadata.resourceVersion"), std::string::npos);
  EXPECT_EQ(w.phase(), Phase::kEmpty);  // cannot resume safely: relist
  f.step(w, sink);
  e = f.step_fails(w, sink);
  EXPECT_NE(std::string(e.what()).find("no metadata.resourceVersion"), std::string::npos);
  f.expect_script_done();
}

TEST(Watcher, SelectorsNamespaceAndAnySemanticReachTheUrls) {
  WatcherFixture f;
  f.peer.expect(
      "GET",
      "/api/v1/namespaces/prod/pods?labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1"
      "&resourceVersion=0&resourceVersionMatch=NotOlderThan&limit=100",
      Reply::json(200, list_json({}, "10", "more")));
  f.peer.expect(
      "GET",
      "/api/v1/namespaces/prod/pods?labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1"
      "&limit=100&continue=more",
      Reply::json(200, list_json({}, "10")));
  f.peer.expect("GET",
                "/api/v1/namespaces/prod/pods?watch=true&labelSelector=app%3Dweb"
                "&fieldSelector=spec.nodeName%3Dn1&resourceVersion=10&timeoutSeconds=60",
                Reply::stream({}));
  WatcherConfig config;
  config.ns = "prod";
  config.label_selector = "app=web";
  config.field_selector = "spec.nodeName=n1";
  config.page_size = 100;
  config.list_semantic = ListSemantic::kAny;
  config.bookmarks = false;
  config.min_watch_timeout = 60s;
  config.max_watch_timeout = 60s;
  Watcher w(*f.client_, resources::pods(), config);
  testing::RecordingSink sink;
  for (int i = 0; i < 4; ++i) f.step(w, sink);         // start, two pages, watch
  EXPECT_EQ(f.step(w, sink), Outcome::kUnproductive);  // ended without a single event
  f.expect_script_done();
}

// run(): backoff grows while failures persist, resets after progress, honours Retry-After.
TEST(Watcher, RunBacksOffOnSimulatedTimeAndResetsAfterProgress) {
  WatcherFixture f;
  for (int i = 0; i < 3; ++i) {
    f.peer.expect("GET", kList, Reply::status_error(503, "ServiceUnavailable", "starting"));
  }
  f.peer.expect("GET", kList, Reply::json(200, list_json({object_json("a", "3")}, "10")));
  f.peer.expect("GET", watch_target("10"), Reply::status_error(500, "InternalError", "x"));
  Reply busy = Reply::status_error(429, "TooManyRequests", "later");
  busy.headers.emplace_back("Retry-After", "7");
  f.peer.expect("GET", watch_target("10"), busy);
  f.peer.expect("GET", watch_target("10"), Reply::stream({}));  // closes at once: unproductive
  Reply live = Reply::stream({event_line("ADDED", "b", "11")}, false);
  f.peer.expect("GET", watch_target("10"), live);
  Watcher w = f.make();
  std::vector<std::string> errors;
  w.on_error([&](const Error& e) { errors.push_back(e.what()); });
  testing::RecordingSink sink;
  boost::asio::cancellation_signal cancel;
  auto done = boost::asio::co_spawn(
      f.ioc, w.run(sink),
      boost::asio::bind_cancellation_slot(cancel.slot(), boost::asio::use_future));
  testing::drive(f.ioc, f.clock, [&] { return sink.calls.size() == 4; });
  cancel.emit(boost::asio::cancellation_type::terminal);
  testing::drive(f.ioc, f.clock, [&] { return done.wait_for(0s) == std::future_status::ready; });
  try {
    done.get();
    FAIL() << "run() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCancelled) << e.what();
  }
  EXPECT_EQ(sink.calls, (Calls{"init_start", "init_apply a@3", "init_done", "apply b@11"}));
  const std::vector<Clock::Duration> expected{800ms,  1600ms, 3200ms,  // list failing
                                              800ms,                   // reset by init_done
                                              7000ms,                  // Retry-After > 1600ms
                                              3200ms};                 // unproductive watch
  EXPECT_EQ(f.clock.history(), expected);
  EXPECT_EQ(errors.size(), 5u);
  f.expect_script_done();
}

}  // namespace
}  // namespace tierguard::kube
