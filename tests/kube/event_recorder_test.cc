#include "kube/event_recorder.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "client_fixture.h"
#include "kube/json.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::RecordedRequest;
using testing::Reply;
using Outcome = EventRecorder::Outcome;

const char* kEvents = "/apis/events.k8s.io/v1/namespaces/prod/events";

EventSpec spec(const std::string& note = "granted edit to ci-bot for 1h") {
  EventSpec s;
  s.regarding = {"tierguard.io/v1alpha1", "Elevation", "prod", "deploy-fix", "uid-1", "42"};
  s.reason = "ElevationGranted";
  s.action = "Grant";
  s.note = note;
  return s;
}

EventRecorderConfig config() {
  EventRecorderConfig c;
  c.reporting_instance = "tierguard-0";
  return c;
}

std::string name_at(const Clock& clock, std::uint64_t sequence) {
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.wall_now().time_since_epoch())
          .count();
  char suffix[24];
  std::snprintf(suffix, sizeof suffix, ".%016llx",
                static_cast<unsigned long long>(nanos) + sequence);
  return std::string("deploy-fix") + suffix;
}

TEST(EventRecorder, MakesAnEventsV1Event) {
  EventSpec s = spec();
  s.type = EventType::kWarning;
  s.related =
      ObjectReference{"rbac.authorization.k8s.io/v1", "RoleBinding", "prod", "jit-1", "", ""};
  const auto event = make_event(s, config(), "deploy-fix.1",
                                std::chrono::sys_days(std::chrono::year(2024) / 5 / 1));
  EXPECT_EQ(
      to_json(event),
      R"({"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"deploy-fix.1","namespace":"prod"},)"
      R"("eventTime":"2024-05-01T00:00:00.000000Z","reportingController":"tierguard.io/tierguard",)"
      R"("reportingInstance":"tierguard-0","action":"Grant","reason":"ElevationGranted",)"
      R"("note":"granted edit to ci-bot for 1h","type":"Warning",)"
      R"("regarding":{"apiVersion":"tierguard.io/v1alpha1","kind":"Elevation","namespace":"prod","name":"deploy-fix","uid":"uid-1","resourceVersion":"42"},)"
      R"("related":{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","namespace":"prod","name":"jit-1"}})");
  EventSpec cluster_scoped = spec();
  cluster_scoped.regarding.ns.clear();
  const auto e2 = make_event(cluster_scoped, config(), "n", {});
  EXPECT_EQ(string_at(e2, {"metadata", "namespace"}), "default");
}

TEST(EventRecorder, TruncatesNoteAtAUtf8Boundary) {
  std::string note(1023, 'a');
  note += "\xC3\xA9tail";  // é straddles byte 1024
  const auto event = make_event(spec(note), config(), "n", {});
  const std::string_view stored = string_at(event, {"note"});
  EXPECT_EQ(stored.size(), 1023u);
  EXPECT_EQ(truncate_utf8("\xE2\x82\xAC\xE2\x82\xAC", 4), "\xE2\x82\xAC");
  EXPECT_EQ(truncate_utf8("short", 1024), "short");
}

TEST(EventRecorder, CreatesThenCountsThenPatchesTheSeries) {
  testing::ClientFixture f;
  auto client = f.client();
  EventRecorder recorder(*client, config());
  const std::string first = name_at(f.clock, 0);
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"), [&](const RecordedRequest& r) {
    const auto body = parse_json(r.body, "event");
    EXPECT_EQ(string_at(body, {"metadata", "name"}), first);
    EXPECT_EQ(string_at(body, {"reason"}), "ElevationGranted");
  });
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kCreated);
  f.clock.advance(10s);
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kCounted);  // no API call
  f.clock.advance(25s);
  f.peer.expect("PATCH", std::string(kEvents) + "/" + first, Reply::json(200, "{}"),
                [](const RecordedRequest& r) {
                  EXPECT_EQ(r.header("content-type"), "application/merge-patch+json");
                  EXPECT_EQ(
                      r.body,
                      R"({"series":{"count":3,"lastObservedTime":"2024-05-01T12:00:35.000000Z"}})");
                });
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kSeriesUpdated);
  f.clock.advance(7min);  // outside the series window: a fresh Event
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"));
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kCreated);
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"));  // a different note is another event
  EXPECT_EQ(f.go(recorder.record(spec("something else"))), Outcome::kCreated);
  f.expect_script_done();
}

TEST(EventRecorder, TokenBucketStopsAHotLoop) {
  testing::ClientFixture f;
  auto client = f.client();
  EventRecorderConfig c = config();
  c.burst = 3;
  EventRecorder recorder(*client, c);
  for (int i = 0; i < 3; ++i) f.peer.expect("POST", kEvents, Reply::json(201, "{}"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(f.go(recorder.record(spec("n" + std::to_string(i)))), Outcome::kCreated);
  }
  EXPECT_EQ(f.go(recorder.record(spec("n3"))), Outcome::kRateLimited);
  EXPECT_EQ(recorder.dropped(), 1u);
  f.clock.advance(1s);
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"));
  EXPECT_EQ(f.go(recorder.record(spec("n4"))), Outcome::kCreated);
  f.expect_script_done();
}

TEST(EventRecorder, FailuresAreReportedNotThrownAndExpiredSeriesAreRecreated) {
  testing::ClientFixture f;
  ClientOptions options = f.options();
  options.retry.max_attempts = 1;
  auto client = f.client(options);
  EventRecorder recorder(*client, config());
  f.peer.expect("POST", kEvents, Reply::status_error(403, "Forbidden", "cannot create events"));
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kFailed);
  const std::string name = name_at(f.clock, 1);
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"));
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kCreated);
  f.clock.advance(40s);
  f.peer.expect("PATCH", std::string(kEvents) + "/" + name,
                Reply::status_error(404, "NotFound", "gone"));
  f.peer.expect("POST", kEvents, Reply::json(201, "{}"));
  EXPECT_EQ(f.go(recorder.record(spec())), Outcome::kCreated);
  f.expect_script_done();
}

}  // namespace
}  // namespace tierguard::kube
