#include "kube/blocking_client.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <thread>

#include "kube/json.h"
#include "test_server.h"

namespace tierguard::kube {
namespace {

using testing::Reply;

// The peer runs on its own thread: the facade owns and drives its private io_context.
struct ServerThread {
  ServerThread() : work(boost::asio::make_work_guard(ioc)), peer(ioc) {}
  void start() {
    thread = std::thread([this] { ioc.run(); });
  }
  ~ServerThread() {
    work.reset();
    ioc.stop();
    if (thread.joinable()) thread.join();
  }
  boost::asio::io_context ioc;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  testing::ScriptedPeer peer;
  std::thread thread;
};

TEST(BlockingClient, RunsCallsToCompletionAndKeepsTheConnection) {
  ServerThread server;
  server.peer.expect("GET", "/api/v1/namespaces/default",
                     Reply::json(200, R"({"metadata":{"name":"default"}})"));
  server.peer.expect(
      "GET", "/api/v1/namespaces?limit=1",
      Reply::json(200, R"({"metadata":{"continue":"x"},"items":[{"metadata":{"name":"a"}}]})"));
  server.peer.expect("GET", "/api/v1/namespaces?limit=1&continue=x",
                     Reply::json(200, R"({"metadata":{},"items":[{"metadata":{"name":"b"}}]})"));
  server.peer.expect("POST", "/api/v1/namespaces",
                     Reply::json(201, R"({"metadata":{"name":"c"}})"));
  server.peer.expect("DELETE", "/api/v1/namespaces/c",
                     Reply::status_error(404, "NotFound", "namespaces \\\"c\\\" not found"));
  const Config config = server.peer.config();
  server.start();
  ClientOptions options;
  options.logger = null_logger();
  BlockingClient kube(config, options);
  EXPECT_EQ(object_name(kube.get(resources::namespaces(), "", "default")), "default");
  ListOptions paged;
  paged.limit = 1;
  EXPECT_EQ(kube.list_all(resources::namespaces(), "", paged)["items"].Size(), 2u);
  EXPECT_EQ(object_name(kube.create(resources::namespaces(), "", parse_json("{}", "ns"))), "c");
  try {
    kube.remove(resources::namespaces(), "", "c");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
}

}  // namespace
}  // namespace tierguard::kube
