// Graceful drain of the real server: stop accepting, close idle keep-alive connections,
// finish requests in flight (answered with Connection: close), cut what is left at the
// deadline, then let the worker threads end.

#include <gtest/gtest.h>

#include <future>

#include "test_client.h"
#include "test_data.h"
#include "test_server.h"

namespace tierguard::webhook {
namespace {

using namespace std::chrono_literals;
using testing::make_request;
using testing::read_test_data;
using testing::TcpClient;
using testing::TestServer;
using testing::TlsClient;

TEST(ServerDrain, ClosesIdleFinishesInFlightAndRefusesNewConnections) {
  TestServer server;
  const std::string request = make_request("POST", "/validate/pods",
                                           read_test_data("admission/pod-create.json"));
  TlsClient idle(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(idle.ok());
  ASSERT_TRUE(idle.exchange(make_request("GET", "/healthz", "", "")));  // now idle keep-alive

  TlsClient busy(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(busy.ok());
  const std::size_t split = request.size() - 100;
  ASSERT_TRUE(busy.send(request.substr(0, split)));  // a request in flight
  // The server has the first part once the in-flight gauge shows it.
  ASSERT_TRUE(testing::eventually([&] {
    return server.metrics_text().find("tierguard_webhook_requests_in_flight 1") !=
           std::string::npos;
  }));

  server.server->drain(10s);
  EXPECT_TRUE(idle.wait_closed(5s));
  EXPECT_TRUE(testing::eventually([&] { return !TcpClient(server.port(), 200ms).connected(); }));

  ASSERT_TRUE(busy.send(request.substr(split)));
  auto reply = busy.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_TRUE(reply->has_header("connection: close"));
  EXPECT_TRUE(busy.wait_closed(5s));

  auto waited = std::async(std::launch::async, [&] { server.server->wait(); });
  EXPECT_EQ(waited.wait_for(5s), std::future_status::ready);
}

TEST(ServerDrain, CutsRequestsStillRunningAtTheDeadline) {
  auto options = TestServer::short_timeouts();
  options.request_timeout = 30s;  // so only the drain deadline can end the stalled request
  TestServer server(options);
  TlsClient stalled(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(stalled.ok());
  ASSERT_TRUE(stalled.send("POST /validate/pods HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"));
  ASSERT_TRUE(testing::eventually([&] {
    return server.metrics_text().find("tierguard_webhook_requests_in_flight 1") !=
           std::string::npos;
  }));
  const auto started = std::chrono::steady_clock::now();
  server.server->drain(300ms);
  auto waited = std::async(std::launch::async, [&] { server.server->wait(); });
  ASSERT_EQ(waited.wait_for(5s), std::future_status::ready);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms);
  EXPECT_TRUE(stalled.wait_closed(2s));
}

TEST(ServerDrain, WithNoConnectionsEndsAtOnce) {
  TestServer server;
  server.server->drain(30s);
  auto waited = std::async(std::launch::async, [&] { server.server->wait(); });
  EXPECT_EQ(waited.wait_for(5s), std::future_status::ready);
}

}  // namespace
}  // namespace tierguard::webhook
