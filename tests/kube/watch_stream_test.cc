#include "kube/watch_stream.h"

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "kube/json.h"
#include "recording_sink.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::event_line;
using testing::Reply;

const std::string kWatch =
    "/api/v1/namespaces/prod/pods?watch=true&resourceVersion=5&allowWatchBookmarks=true";

struct StreamFixture : testing::ClientFixture {
  std::unique_ptr<WatchStream> open(ClientOptions o) {
    client_ = client(std::move(o));
    WatchOptions options;
    options.resource_version = "5";
    return go(client_->watch(resources::pods(), "prod", options));
  }
  std::unique_ptr<WatchStream> open() { return open(options()); }
  std::unique_ptr<Client> client_;
};

TEST(WatchStream, ManyEventsPerChunkInOrderThenCleanEnd) {
  StreamFixture f;
  std::string burst;
  for (int i = 0; i < 50; ++i)
    burst += event_line("ADDED", "p" + std::to_string(i), std::to_string(10 + i), "prod");
  f.peer.expect("GET", kWatch, Reply::stream({burst}));
  auto stream = f.open();
  for (int i = 0; i < 50; ++i) {
    auto event = f.go(stream->next());
    ASSERT_TRUE(event);
    EXPECT_EQ(object_name(event->object), "p" + std::to_string(i));
  }
  EXPECT_FALSE(f.go(stream->next()));
  EXPECT_FALSE(f.go(stream->next()));  // stays ended
  f.expect_script_done();
}

TEST(WatchStream, HttpErrorsAreTyped) {
  StreamFixture f;
  f.peer.expect("GET", kWatch, Reply::status_error(403, "Forbidden", "pods is forbidden"));
  f.client_ = f.client();
  WatchOptions options;
  options.resource_version = "5";
  const Error e = f.fails(f.client_->watch(resources::pods(), "prod", options));
  EXPECT_EQ(e.kind(), ErrorKind::kForbidden);
  EXPECT_STREQ(e.what(), "watch pods in prod: 403 Forbidden: pods is forbidden");
  f.expect_script_done();
}

TEST(WatchStream, NonGoneErrorEventIsTyped) {
  StreamFixture f;
  f.peer.expect("GET", kWatch,
                Reply::stream({"{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":500,"
                               "\"reason\":\"InternalError\",\"message\":\"etcd\"}}\n",
                               event_line("ADDED", "never", "9", "prod")},
                              false));
  auto stream = f.open();
  const Error e = f.fails(stream->next());
  EXPECT_EQ(e.kind(), ErrorKind::kServer);
  EXPECT_FALSE(f.go(stream->next()));  // nothing after an ERROR
  f.expect_script_done();
}

TEST(WatchStream, OversizedEventIsRefused) {
  StreamFixture f;
  f.peer.expect("GET", kWatch,
                Reply::stream({std::string(3000, 'x'), std::string(3000, 'x')}, false));
  ClientOptions options = f.options();
  options.max_event_bytes = 4096;
  auto stream = f.open(options);
  const Error e = f.fails(stream->next());
  EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
  EXPECT_TRUE(std::string(e.what()).starts_with("watch pods in prod: decode event: event exceeds"))
      << e.what();
  f.expect_script_done();
}

TEST(WatchStream, SilenceLongerThanTheIdleTimeoutDrops) {
  StreamFixture f;
  f.peer.expect("GET", kWatch, Reply::stream({event_line("ADDED", "a", "6", "prod")}, false));
  ClientOptions options = f.options();
  options.watch_idle_timeout = 100ms;
  auto stream = f.open(options);
  EXPECT_TRUE(f.go(stream->next()));
  const Error e = f.fails(stream->next());
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout) << e.what();
  f.expect_script_done();
}

TEST(WatchStream, TruncatedChunkedBodyIsATransportError) {
  StreamFixture f;
  Reply truncated;
  truncated.raw =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
      "10\r\n{\"type\":\"ADDED\"";  // chunk says 16 bytes, then the peer vanishes
  f.peer.expect("GET", kWatch, truncated);
  auto stream = f.open();
  const Error e = f.fails(stream->next());
  EXPECT_EQ(e.kind(), ErrorKind::kTransport) << e.what();
  f.expect_script_done();
}

}  // namespace
}  // namespace tierguard::kube
