#include "kube/informer.h"

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "kube/object_store.h"
#include "recording_sink.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::event_line;
using testing::list_json;
using testing::object_json;
using testing::Reply;

TEST(Informer, SyncsFeedsTheStoreAndStops) {
  testing::ClientFixture f;
  f.peer.expect("GET", "/apis/rbac.authorization.k8s.io/v1/roles?limit=500",
                Reply::json(200, list_json({object_json("reader", "5", "prod")}, "10")));
  f.peer.expect("GET",
                "/apis/rbac.authorization.k8s.io/v1/roles?watch=true&resourceVersion=10"
                "&allowWatchBookmarks=true&timeoutSeconds=450",
                Reply::stream({event_line("ADDED", "writer", "11", "prod")}, false));
  auto client = f.client();
  ObjectStore roles;
  Informer informer(*client, resources::roles(), roles);
  EXPECT_FALSE(informer.has_synced());
  informer.start();
  EXPECT_TRUE(informer.running());
  testing::drive(f.ioc, f.clock, [&] { return roles.size() == 2; });
  EXPECT_TRUE(informer.has_synced());
  const Informer* all[] = {&informer};
  EXPECT_TRUE(all_synced(all));
  EXPECT_NE(roles.get("prod", "writer"), nullptr);
  informer.stop();
  testing::drive(f.ioc, f.clock, [&] { return !informer.running(); });
  EXPECT_TRUE(informer.has_synced());
  EXPECT_FALSE(informer.last_error());
  f.expect_script_done();
}

TEST(Informer, ReportsErrorsAndIsNotSyncedUntilTheListSucceeds) {
  testing::ClientFixture f;
  ClientOptions options = f.options();
  options.retry.max_attempts = 1;
  f.peer.expect("GET", "/api/v1/namespaces?limit=500",
                Reply::status_error(403, "Forbidden", "namespaces is forbidden"));
  f.peer.expect("GET", "/api/v1/namespaces?limit=500", Reply::json(200, list_json({}, "3")));
  f.peer.expect("GET",
                "/api/v1/namespaces?watch=true&resourceVersion=3&allowWatchBookmarks=true"
                "&timeoutSeconds=450",
                Reply::stream({}, false));
  auto client = f.client(options);
  testing::RecordingSink sink;
  Informer first(*client, resources::namespaces(), sink);
  Informer second(*client, resources::pods(), sink);
  first.start();
  testing::drive(f.ioc, f.clock, [&] { return first.last_error().has_value(); });
  EXPECT_FALSE(first.has_synced());
  EXPECT_NE(first.last_error()->find("list namespaces: 403 Forbidden"), std::string::npos);
  const Informer* only_first[] = {&first};
  EXPECT_TRUE(f.go(wait_for_sync(only_first, f.clock, std::chrono::seconds(10))));
  const Informer* all[] = {&first, &second};
  EXPECT_FALSE(all_synced(all));  // `second` never started
  EXPECT_FALSE(f.go(wait_for_sync(all, f.clock, std::chrono::seconds(1))));
  first.stop();
  testing::drive(f.ioc, f.clock, [&] { return !first.running(); });
  f.expect_script_done();
}

}  // namespace
}  // namespace tierguard::kube
