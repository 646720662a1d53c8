#include "kube/client.h"

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "kube/json.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;
using testing::Reply;

const char* kPod =
    R"({"kind":"Pod","metadata":{"name":"web-0","namespace":"prod","resourceVersion":"7"}})";

TEST(Client, GetSendsAuthAndDecodes) {
  testing::ClientFixture f;
  f.peer.expect("GET", "/api/v1/namespaces/prod/pods/web-0", Reply::json(200, kPod),
                [](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.header("authorization"), "Bearer tok");
                  EXPECT_EQ(r.header("accept"), "application/json");
                  EXPECT_EQ(r.header("user-agent"), "tierguard");
                  EXPECT_TRUE(r.header("host").starts_with("127.0.0.1:")) << r.header("host");
                });
  auto client = f.client();
  const auto pod = f.go(client->get(resources::pods(), "prod", "web-0"));
  EXPECT_EQ(object_resource_version(pod), "7");
  f.expect_script_done();
}

TEST(Client, TypedErrorsCarryStepAndStatusMessage) {
  testing::ClientFixture f;
  f.peer.expect("GET", "/api/v1/namespaces/prod/pods/x",
                Reply::status_error(404, "NotFound", "pods \\\"x\\\" not found"));
  f.peer.expect("GET", "/apis/rbac.authorization.k8s.io/v1/clusterroles/admin",
                Reply::status_error(403, "Forbidden", "no"));
  auto client = f.client();
  Error e = f.fails(client->get(resources::pods(), "prod", "x"));
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_STREQ(e.what(), "get pods prod/x: 404 NotFound: pods \"x\" not found");
  e = f.fails(client->get(resources::cluster_roles(), "", "admin"));
  EXPECT_EQ(e.kind(), ErrorKind::kForbidden);
  EXPECT_STREQ(e.what(), "get clusterroles.rbac.authorization.k8s.io admin: 403 Forbidden: no");
  e = f.fails(client->get(resources::pods(), "", "x"));
  EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  f.expect_script_done();
}

TEST(Client, ListPagesAndConcatenates) {
  testing::ClientFixture f;
  f.peer.expect(
      "GET", "/api/v1/pods?labelSelector=app%3Dweb&limit=2",
      Reply::json(
          200,
          R"({"kind":"PodList","metadata":{"resourceVersion":"100","continue":"c/1=="},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]})"));
  f.peer.expect(
      "GET", "/api/v1/pods?labelSelector=app%3Dweb&limit=2&continue=c%2F1%3D%3D",
      Reply::json(
          200,
          R"({"kind":"PodList","metadata":{"resourceVersion":"100"},"items":[{"metadata":{"name":"c"}}]})"));
  auto client = f.client();
  ListOptions options;
  options.label_selector = "app=web";
  options.limit = 2;
  const auto all = f.go(client->list_all(resources::pods(), "", options));
  ASSERT_EQ(all["items"].Size(), 3u);
  EXPECT_EQ(object_name(all["items"][2]), "c");
  EXPECT_EQ(string_at(all, {"metadata", "continue"}), "");
  EXPECT_EQ(f.peer.server().connections(), 1);  // keep-alive reuse
  f.expect_script_done();
}

TEST(Client, WritesUseTheRightVerbsBodiesAndErrors) {
  testing::ClientFixture f;
  f.peer.expect("POST", "/api/v1/namespaces/prod/pods?fieldManager=tg",
                Reply::status_error(409, "AlreadyExists", "exists"),
                [](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.body, kPod);
                  EXPECT_EQ(r.header("content-type"), "application/json");
                });
  f.peer.expect("PUT", "/api/v1/namespaces/prod/pods/web-0",
                Reply::status_error(409, "Conflict", "the object has been modified"));
  f.peer.expect("PUT", "/api/v1/namespaces/prod/pods/web-0/status", Reply::json(200, kPod));
  f.peer.expect("PATCH", "/api/v1/namespaces/prod/pods/web-0",
                Reply::status_error(422, "Invalid", "test failed"),
                [](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.header("content-type"), "application/json-patch+json");
                });
  f.peer.expect("PATCH", "/api/v1/namespaces/prod/pods/web-0/status?fieldManager=tg&force=true",
                Reply::json(200, kPod), [](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.header("content-type"), "application/apply-patch+yaml");
                });
  f.peer.expect(
      "DELETE", "/api/v1/namespaces/prod/pods/web-0",
      Reply::json(200, R"({"kind":"Status","status":"Success"})"),
      [](const testing::RecordedRequest& r) {
        EXPECT_EQ(
            r.body,
            R"({"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"u1","resourceVersion":"7"},"propagationPolicy":"Background"})");
      });
  auto client = f.client();
  const auto pod = parse_json(kPod, "pod");
  Error e = f.fails(client->create(resources::pods(), "", pod, WriteOptions{"tg", false}));
  EXPECT_EQ(e.kind(), ErrorKind::kAlreadyExists);
  e = f.fails(client->update(resources::pods(), pod));
  EXPECT_EQ(e.kind(), ErrorKind::kConflict);
  EXPECT_NE(std::string(e.what()).find("update pods prod/web-0: 409 Conflict"), std::string::npos);
  f.go(client->update_status(resources::pods(), pod));
  e = f.fails(client->patch(resources::pods(), "prod", "web-0", PatchType::kJson,
                            R"([{"op":"test","path":"/metadata/resourceVersion","value":"6"}])"));
  EXPECT_EQ(e.kind(), ErrorKind::kInvalid);
  PatchOptions apply;
  apply.subresource = "status";
  apply.field_manager = "tg";
  apply.force = true;
  f.go(client->patch(resources::pods(), "prod", "web-0", PatchType::kApply, "{}", apply));
  DeleteOptions del;
  del.precondition_uid = "u1";
  del.precondition_resource_version = "7";
  del.propagation_policy = "Background";
  f.go(client->remove(resources::pods(), "prod", "web-0", del));
  f.expect_script_done();
}

TEST(Client, RetriesTooManyRequestsHonouringRetryAfter) {
  testing::ClientFixture f;
  Reply busy = Reply::status_error(429, "TooManyRequests", "slow down");
  busy.headers.emplace_back("Retry-After", "3");
  f.peer.expect("POST", "/api/v1/namespaces/prod/pods", busy);
  f.peer.expect("POST", "/api/v1/namespaces/prod/pods", Reply::json(201, kPod));
  auto client = f.client();
  f.go(client->create(resources::pods(), "prod", parse_json(kPod, "pod")));
  ASSERT_EQ(f.clock.history().size(), 1u);
  EXPECT_EQ(f.clock.history()[0], std::chrono::seconds(3));
  f.expect_script_done();
}

TEST(Client, RetriesServerErrorsWithExponentialBackoffThenGivesUp) {
  testing::ClientFixture f;
  for (int i = 0; i < 5; ++i) {
    f.peer.expect("GET", "/api/v1/namespaces/a", Reply::status_error(500, "InternalError", "boom"));
  }
  auto client = f.client();
  const Error e = f.fails(client->get(resources::namespaces(), "", "a"));
  EXPECT_EQ(e.kind(), ErrorKind::kServer);
  const std::vector<Clock::Duration> expected{250ms, 500ms, 1000ms, 2000ms};
  EXPECT_EQ(f.clock.history(), expected);
  f.expect_script_done();
}

TEST(Client, DoesNotRetryNonIdempotentServerErrorsWithoutRetryAfter) {
  testing::ClientFixture f;
  f.peer.expect("POST", "/api/v1/namespaces", Reply::status_error(500, "InternalError", "boom"));
  Reply unavailable = Reply::status_error(503, "ServiceUnavailable", "later");
  unavailable.headers.emplace_back("Retry-After", "1");
  f.peer.expect("PATCH", "/api/v1/namespaces/a", unavailable);
  f.peer.expect("PATCH", "/api/v1/namespaces/a", Reply::json(200, "{}"));
  auto client = f.client();
  EXPECT_EQ(f.fails(client->create(resources::namespaces(), "", parse_json("{}", "x"))).kind(),
            ErrorKind::kServer);
  f.go(client->patch(resources::namespaces(), "", "a", PatchType::kMerge, "{}"));
  f.expect_script_done();
}

TEST(Client, CallBudgetStopsRetriesEarly) {
  testing::ClientFixture f;
  Reply busy = Reply::status_error(429, "TooManyRequests", "slow down");
  busy.headers.emplace_back("Retry-After", "5");
  f.peer.expect("GET", "/api/v1/namespaces/a", busy);
  auto client = f.client();
  const Error e = f.fails(client->get(resources::namespaces(), "", "a", CallOptions{2s, {}}));
  EXPECT_EQ(e.kind(), ErrorKind::kTooManyRequests);
  EXPECT_EQ(e.retry_after(), std::chrono::seconds(5));
  EXPECT_TRUE(f.clock.history().empty());
  f.expect_script_done();
}

TEST(Client, DroppedConnectionIsRetriedForGetButNotForPost) {
  testing::ClientFixture f;
  Reply drop;
  drop.drop = true;
  f.peer.expect("GET", "/api/v1/namespaces/a", drop);
  f.peer.expect("GET", "/api/v1/namespaces/a", Reply::json(200, "{}"));
  f.peer.expect("POST", "/api/v1/namespaces", drop);
  auto client = f.client();
  f.go(client->get(resources::namespaces(), "", "a"));
  const Error e = f.fails(client->create(resources::namespaces(), "", parse_json("{}", "x")));
  EXPECT_EQ(e.kind(), ErrorKind::kTransport);
  EXPECT_TRUE(e.request_sent());
  EXPECT_NE(std::string(e.what()).find("create namespaces: read response header"),
            std::string::npos)
      << e.what();
  f.expect_script_done();
}

TEST(Client, ConnectionCloseIsHonoured) {
  testing::ClientFixture f;
  Reply closing = Reply::json(200, "{}");
  closing.close_after = true;
  f.peer.expect("GET", "/api/v1/namespaces/a", closing);
  f.peer.expect("GET", "/api/v1/namespaces/b", Reply::json(200, "{}"));
  f.peer.expect("GET", "/api/v1/namespaces/c", Reply::json(200, "{}"));
  auto client = f.client();
  f.go(client->get(resources::namespaces(), "", "a"));
  f.go(client->get(resources::namespaces(), "", "b"));
  f.go(client->get(resources::namespaces(), "", "c"));
  EXPECT_EQ(f.peer.server().connections(), 2);
  f.expect_script_done();
}

TEST(Client, OversizedBodyIsATypedError) {
  testing::ClientFixture f;
  f.peer.expect("GET", "/api/v1/namespaces/a",
                Reply::json(200, "{\"x\":\"" + std::string(5000, 'y') + "\"}"));
  ClientOptions options = f.options();
  options.transport.max_body_bytes = 4096;
  auto client = f.client(options);
  const Error e = f.fails(client->get(resources::namespaces(), "", "a"));
  EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
  f.expect_script_done();
}

TEST(Client, GarbageResponsesAreTypedErrors) {
  testing::ClientFixture f;
  Reply garbage;
  garbage.raw = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
  f.peer.expect("GET", "/api/v1/namespaces/a", garbage);
  f.peer.expect("GET", "/api/v1/namespaces/b", Reply::json(200, "{\"items\": [1,"));
  Reply huge_header = Reply::json(200, "{}");
  huge_header.headers.emplace_back("X-Junk", std::string(70000, 'j'));
  f.peer.expect("GET", "/api/v1/namespaces/c", huge_header);
  auto client = f.client();
  Error e = f.fails(client->get(resources::namespaces(), "", "a"));
  EXPECT_EQ(e.kind(), ErrorKind::kProtocol) << e.what();
  e = f.fails(client->get(resources::namespaces(), "", "b"));
  EXPECT_EQ(e.kind(), ErrorKind::kDecode);
  EXPECT_TRUE(std::string(e.what()).starts_with("get namespaces b: decode response: invalid JSON"))
      << e.what();
  e = f.fails(client->get(resources::namespaces(), "", "c"));
  EXPECT_EQ(e.kind(), ErrorKind::kTooLarge);
  f.expect_script_done();
}

TEST(Client, SilentServerTimesOut) {
  testing::ClientFixture f;
  Reply hang;
  hang.hang = true;
  f.peer.expect("GET", "/api/v1/namespaces/a", hang);
  ClientOptions options = f.options();
  options.transport.read_timeout = 100ms;
  auto client = f.client(options);
  const Error e = f.fails(client->get(resources::namespaces(), "", "a", CallOptions{{}, 1}));
  EXPECT_EQ(e.kind(), ErrorKind::kTimeout) << e.what();
  f.expect_script_done();
}

TEST(Client, ConnectionRefusedIsRetriedThenTransportError) {
  boost::asio::io_context ioc;
  testing::FakeClock clock;
  Config config;
  config.scheme = "http";
  config.host = "127.0.0.1";
  {
    boost::asio::ip::tcp::acceptor probe(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    config.port = std::to_string(probe.local_endpoint().port());
  }  // closed: nothing listens there now
  ClientOptions options;
  options.clock = &clock;
  options.random = [] { return 0.5; };
  options.logger = null_logger();
  Client client(ioc.get_executor(), config, options);
  auto future = boost::asio::co_spawn(ioc, client.get(resources::namespaces(), "", "a"),
                                      boost::asio::use_future);
  testing::drive(ioc, clock, [&] { return future.wait_for(0s) == std::future_status::ready; });
  try {
    future.get();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTransport);
    EXPECT_NE(std::string(e.what()).find("get namespaces a: connect 127.0.0.1:"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(clock.history().size(), 4u);
}

TEST(Client, UnauthorizedRereadsARotatedTokenOnce) {
  testing::ClientFixture f;
  testing::TempDir dir;
  const auto token = dir.write("token", "old");
  f.peer.expect("GET", "/api/v1/namespaces/a", Reply::status_error(401, "Unauthorized", "expired"),
                [&](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.header("authorization"), "Bearer old");
                  dir.write("token", "new");  // the kubelet rotated it meanwhile
                });
  f.peer.expect("GET", "/api/v1/namespaces/a", Reply::json(200, "{}"),
                [](const testing::RecordedRequest& r) {
                  EXPECT_EQ(r.header("authorization"), "Bearer new");
                });
  f.peer.expect("GET", "/api/v1/namespaces/b", Reply::status_error(401, "Unauthorized", "no"));
  f.peer.expect("GET", "/api/v1/namespaces/b", Reply::status_error(401, "Unauthorized", "no"));
  Config config = f.peer.config();
  config.credentials.token_file = token;
  Client client(f.ioc.get_executor(), config, f.options());
  f.go(client.get(resources::namespaces(), "", "a"));
  EXPECT_EQ(f.fails(client.get(resources::namespaces(), "", "b")).kind(), ErrorKind::kUnauthorized);
  f.expect_script_done();
}

TEST(Client, PoolBoundsConcurrentRequests) {
  testing::ClientFixture f;
  f.peer.expect("GET", "/api/v1/namespaces/a", Reply::json(200, "{}"));
  f.peer.expect("GET", "/api/v1/namespaces/b", Reply::json(200, "{}"));
  f.peer.expect("GET", "/api/v1/namespaces/c", Reply::json(200, "{}"));
  ClientOptions options = f.options();
  options.transport.max_connections = 1;
  auto client = f.client(options);
  auto a = boost::asio::co_spawn(f.ioc, client->get(resources::namespaces(), "", "a"),
                                 boost::asio::use_future);
  auto b = boost::asio::co_spawn(f.ioc, client->get(resources::namespaces(), "", "b"),
                                 boost::asio::use_future);
  auto c = boost::asio::co_spawn(f.ioc, client->get(resources::namespaces(), "", "c"),
                                 boost::asio::use_future);
  testing::drive(f.ioc, f.clock, [&] { return c.wait_for(0s) == std::future_status::ready; });
  a.get();
  b.get();
  c.get();
  EXPECT_EQ(f.peer.server().connections(), 1);
  EXPECT_EQ(client->transport().pool().active(), 0u);
  EXPECT_EQ(client->transport().pool().idle(), 1u);
  f.expect_script_done();
}

}  // namespace
}  // namespace tierguard::kube
