// Integration tests: the real server on an ephemeral loopback port, driven by real TLS and
// TCP clients. Each bad-input case also checks that other clients are still served.

#include "webhook/server.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <future>
#include <thread>

#include "test_client.h"
#include "test_data.h"
#include "test_server.h"

namespace tierguard::webhook {
namespace {

using namespace std::chrono_literals;
using testing::HttpReply;
using testing::make_request;
using testing::read_test_data;
using testing::TcpClient;
using testing::TestServer;
using testing::TlsClient;
using testing::TlsClientOptions;

rapidjson::Document parse_json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  EXPECT_FALSE(doc.HasParseError()) << body;
  return doc;
}

std::string with_namespace(std::string body, const std::string& ns) {
  const std::string from = R"("namespace":"payments","operation")";
  const auto at = body.find(from);
  if (at != std::string::npos) body.replace(at, from.size(), R"("namespace":")" + ns + R"(","operation")");
  return body;
}

std::string pod_review() { return read_test_data("admission/pod-create.json"); }

class ServerTest : public ::testing::Test {
 protected:
  // A complete, allowed review on a brand-new connection: the server is still serving.
  void expect_serving() {
    TlsClient client(server.port(), server.pki.ca_cert_pem());
    ASSERT_TRUE(client.ok()) << client.error();
    auto reply = client.exchange(make_request("POST", "/validate/pods", pod_review()));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_TRUE(parse_json(reply->body)["response"]["allowed"].GetBool());
  }

  std::string metric_line(const std::string& prefix) {
    const std::string text = "\n" + server.metrics_text();
    const auto at = text.find("\n" + prefix + " ");
    if (at == std::string::npos) return "";
    return text.substr(at + 1, text.find('\n', at + 1) - at - 1);
  }

  TestServer server;
};

TEST_F(ServerTest, ServesAllowedDeniedAndWarnedPodsWorkloadsAndBindingsOnOneConnection) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok()) << client.error();

  auto allowed = client.exchange(make_request("POST", "/validate/pods", pod_review()));
  ASSERT_TRUE(allowed);
  EXPECT_EQ(allowed->status, 200);
  EXPECT_TRUE(allowed->has_header("content-type: application/json"));
  auto doc = parse_json(allowed->body);
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_TRUE(doc["response"]["allowed"].GetBool());

  auto denied = client.exchange(make_request(
      "POST", "/validate/rbac",
      with_namespace(read_test_data("admission/rolebinding-create.json"), "forbidden")));
  ASSERT_TRUE(denied);
  doc = parse_json(denied->body);
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70");
  EXPECT_FALSE(doc["response"]["allowed"].GetBool());
  EXPECT_EQ(doc["response"]["status"]["code"].GetInt(), 403);

  auto warned = client.exchange(make_request(
      "POST", "/validate/workloads",
      with_namespace(read_test_data("admission/deployment-update.json"), "warned")));
  ASSERT_TRUE(warned);
  doc = parse_json(warned->body);
  EXPECT_TRUE(doc["response"]["allowed"].GetBool());
  EXPECT_EQ(doc["response"]["warnings"].Size(), 1u);

  auto denied_pod = client.exchange(
      make_request("POST", "/validate/pods", with_namespace(pod_review(), "forbidden")));
  ASSERT_TRUE(denied_pod);
  EXPECT_FALSE(parse_json(denied_pod->body)["response"]["allowed"].GetBool());
  auto denied_workload = client.exchange(make_request(
      "POST", "/validate/workloads",
      with_namespace(read_test_data("admission/deployment-update.json"), "forbidden")));
  ASSERT_TRUE(denied_workload);
  doc = parse_json(denied_workload->body);
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "b8e6f2a0-4c3d-4e5f-9a1b-2c3d4e5f6a7b");
  EXPECT_FALSE(doc["response"]["allowed"].GetBool());
  EXPECT_STREQ(doc["response"]["status"]["message"].GetString(),
               "tier standard does not allow namespace forbidden");

  auto seen = server.reviewer.seen();
  ASSERT_EQ(seen.size(), 5u);
  EXPECT_EQ(seen[0].route, Route::kPods);
  EXPECT_EQ(seen[1].route, Route::kRbac);
  EXPECT_EQ(seen[2].route, Route::kWorkloads);
  EXPECT_EQ(seen[4].route, Route::kWorkloads);
  EXPECT_EQ(server.server->open_connections(), 1u);
}

TEST_F(ServerTest, NegotiatesTls13ByDefaultAndAcceptsTls12) {
  TlsClient modern(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(modern.ok()) << modern.error();
  EXPECT_EQ(modern.negotiated_version(), TLS1_3_VERSION);
  TlsClient tls12(server.port(), server.pki.ca_cert_pem(),
                  TlsClientOptions{TLS1_2_VERSION, TLS1_2_VERSION, true, nullptr});
  ASSERT_TRUE(tls12.ok()) << tls12.error();
  EXPECT_EQ(tls12.negotiated_version(), TLS1_2_VERSION);
}

TEST_F(ServerTest, RefusesTls12WithoutForwardSecrecyOrAead) {
  TlsClient weak(server.port(), server.pki.ca_cert_pem(),
                 TlsClientOptions{TLS1_2_VERSION, TLS1_2_VERSION, true, "AES128-SHA:AES256-SHA"});
  EXPECT_FALSE(weak.ok());
  expect_serving();
}

struct OldProtocol {
  const char* name;
  int version;
};

class ServerRefusesOldTls : public ServerTest, public ::testing::WithParamInterface<OldProtocol> {};

TEST_P(ServerRefusesOldTls, AtHandshakeAndKeepsServing) {
  const auto before = metric_line(R"(tierguard_webhook_errors_total{step="tls-handshake"})");
  TlsClient old(server.port(), server.pki.ca_cert_pem(),
                TlsClientOptions{GetParam().version, GetParam().version, true,
                                 "DEFAULT:@SECLEVEL=0"});
  EXPECT_FALSE(old.ok());
  // The refusal came from the server (a protocol_version alert), not from our own client.
  EXPECT_NE(old.error().find("protocol version"), std::string::npos) << old.error();
  expect_serving();
  EXPECT_NE(metric_line(R"(tierguard_webhook_errors_total{step="tls-handshake"})"), before);
}

INSTANTIATE_TEST_SUITE_P(Versions, ServerRefusesOldTls,
                         ::testing::Values(OldProtocol{"Tls10", TLS1_VERSION},
                                           OldProtocol{"Tls11", TLS1_1_VERSION}),
                         [](const ::testing::TestParamInfo<OldProtocol>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST_F(ServerTest, AnswersPlainHttpOnTheTlsPortWith400AndKeepsServing) {
  TcpClient plain(server.port());
  ASSERT_TRUE(plain.connected());
  ASSERT_TRUE(plain.send(make_request("POST", "/validate/pods", "{}")));
  const std::string reply = plain.read_until_closed();
  EXPECT_EQ(reply.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("HTTP request to an HTTPS server"), std::string::npos);
  expect_serving();
}

struct BadRequest {
  const char* name;
  std::string request;
  int status;
  const char* step;
};

class ServerRejectsBadRequests : public ServerTest,
                                 public ::testing::WithParamInterface<BadRequest> {};

TEST_P(ServerRejectsBadRequests, WithJsonErrorAndKeepsServing) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok()) << client.error();
  auto reply = client.exchange(GetParam().request);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, GetParam().status) << reply->body;
  EXPECT_STREQ(parse_json(reply->body)["step"].GetString(), GetParam().step);
  EXPECT_TRUE(server.reviewer.seen().empty());
  expect_serving();
}

INSTANTIATE_TEST_SUITE_P(
    Checklist, ServerRejectsBadRequests,
    ::testing::Values(
        BadRequest{"EmptyBody", make_request("POST", "/validate/pods", ""), 400, "empty-body"},
        BadRequest{"WrongContentType",
                   make_request("POST", "/validate/pods", pod_review(), "application/yaml"), 415,
                   "content-type"},
        BadRequest{"TruncatedJson",
                   make_request("POST", "/validate/pods", pod_review().substr(0, 4000)), 400,
                   "json-syntax"},
        BadRequest{"V1beta1",
                   make_request("POST", "/validate/pods",
                                R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}})"),
                   400, "envelope"},
        BadRequest{"WrongKind",
                   make_request("POST", "/validate/pods",
                                R"({"apiVersion":"admission.k8s.io/v1","kind":"ConversionReview"})"),
                   400, "envelope"},
        BadRequest{"MissingUid",
                   make_request("POST", "/validate/pods",
                                R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}})"),
                   400, "request-field"},
        BadRequest{"UnknownPath", make_request("POST", "/validate/secrets", pod_review()), 404,
                   "route"},
        BadRequest{"OversizedHeaders",
                   make_request("POST", "/validate/pods", "{}", "application/json",
                                "X-Padding: " + std::string(20000, 'p') + "\r\n"),
                   431, "header-limit"},
        BadRequest{"MalformedHttp", "POST /validate/pods HTTP/1.1\r\nContent-Length: zz\r\n\r\n",
                   400, "http-syntax"}),
    [](const ::testing::TestParamInfo<BadRequest>& param_info) {
      return std::string(param_info.param.name);
    });

TEST_F(ServerTest, Answers413ToAnEightMebibyteBodyAndCloses) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok()) << client.error();
  const std::size_t size = 8 * 1024 * 1024;
  // Headers first: the server answers from Content-Length without reading the body.
  std::string head = "POST /validate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: " + std::to_string(size) + "\r\n\r\n";
  ASSERT_TRUE(client.send(head));
  auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_STREQ(parse_json(reply->body)["step"].GetString(), "body-limit");
  EXPECT_TRUE(client.wait_closed(2s));
  expect_serving();
}

TEST_F(ServerTest, Answers413ToAChunkedBodyThatGrowsPastTheLimitAndTheClientReadsIt) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send("POST /validate/pods HTTP/1.1\r\nHost: x\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk(1024 * 1024, 'x');
  const std::string framed = "100000\r\n" + chunk + "\r\n";
  // The whole 8 MiB goes out without a reset: after refusing, the server's bounded TLS
  // shutdown keeps reading (and discarding) until we are done, so the refusal is still there
  // for us to read afterwards rather than destroyed by a connection reset.
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(client.send(framed)) << "chunk " << i;
  auto reply = client.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_TRUE(reply->has_header("connection: close"));
  EXPECT_TRUE(client.wait_closed(5s));
  expect_serving();
}

TEST_F(ServerTest, AcceptsABodyJustUnderTheLimit) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok());
  std::string review = pod_review();
  // Pad the object with a large annotation so the body is just under 7 MiB.
  const std::string marker = R"("annotations":{)";
  const auto at = review.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::size_t pad = 7 * 1024 * 1024 - review.size() - 64;
  review.insert(at + marker.size(), R"("pad":")" + std::string(pad, 'p') + R"(",)");
  ASSERT_LT(review.size(), 7u * 1024 * 1024);
  auto reply = client.exchange(make_request("POST", "/validate/pods", review));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body.substr(0, 200);
}

TEST_F(ServerTest, CutsASlowlorisClientAtTheRequestTimeoutWhileServingOthers) {
  TlsClient slow(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(slow.ok());
  const std::string request = make_request("POST", "/validate/pods", pod_review());
  const auto started = std::chrono::steady_clock::now();
  // Headers byte by byte (one TLS record each), then stall before the blank line. On a slow
  // machine the server may cut us while we are still trickling: that is the point, so the
  // send result does not matter, only that the connection ends within the bound.
  slow.send_byte_by_byte(request.substr(0, request.find("\r\n\r\n")));
  expect_serving();  // others are served while the slow client stalls
  EXPECT_TRUE(slow.wait_closed(5s));
  // request_timeout is 1 s from the first byte; allow generous scheduling slack.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
  expect_serving();
  EXPECT_NE(metric_line(R"(tierguard_webhook_errors_total{step="read-timeout"})"), "");
}

TEST_F(ServerTest, SurvivesAClientThatDisconnectsMidBody) {
  {
    TlsClient quitter(server.port(), server.pki.ca_cert_pem());
    ASSERT_TRUE(quitter.ok());
    const std::string request = make_request("POST", "/validate/pods", pod_review());
    ASSERT_TRUE(quitter.send(request.substr(0, request.size() / 2)));
    expect_serving();
  }  // closes the socket mid-body
  TcpClient raw(server.port());
  ASSERT_TRUE(raw.connected());
  ASSERT_TRUE(raw.send(std::string("\x16\x03\x01", 3)));  // and one mid-ClientHello
  raw.close();
  expect_serving();
  // Both connections end on the server and nothing is left counted as in flight.
  EXPECT_TRUE(testing::eventually([&] { return server.server->open_connections() == 0; }));
  EXPECT_EQ(metric_line("tierguard_webhook_requests_in_flight"),
            "tierguard_webhook_requests_in_flight 0");
  EXPECT_NE(metric_line(R"(tierguard_webhook_errors_total{step="client-disconnect"})"), "");
}

TEST_F(ServerTest, CutsAClientThatNeverCompletesTheHandshake) {
  TcpClient silent(server.port());
  ASSERT_TRUE(silent.connected());
  expect_serving();
  EXPECT_TRUE(silent.wait_closed(5s));  // handshake_timeout is 2 s in these tests
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(client.send(make_request("POST", "/validate/pods", pod_review()) +
                          make_request("GET", "/healthz", "", "")));
  auto first = client.read_reply();
  auto second = client.read_reply();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_NE(first->body.find("AdmissionReview"), std::string::npos);
  EXPECT_EQ(second->body, "ok\n");
}

TEST_F(ServerTest, ServesManyConcurrentKeepAliveClients) {
  constexpr int kClients = 8;
  constexpr int kRequests = 25;
  std::vector<std::future<int>> results;
  for (int c = 0; c < kClients; ++c) {
    results.push_back(std::async(std::launch::async, [this, c] {
      TlsClient client(server.port(), server.pki.ca_cert_pem());
      if (!client.ok()) return 0;
      int allowed = 0;
      const std::string ns = c % 2 ? "payments" : "forbidden";
      for (int i = 0; i < kRequests; ++i) {
        auto reply = client.exchange(
            make_request("POST", "/validate/pods", with_namespace(pod_review(), ns)));
        if (!reply || reply->status != 200) return -1;
        const bool is_allowed = reply->body.find(R"("allowed":true)") != std::string::npos;
        if (is_allowed == (ns == "payments")) ++allowed;
      }
      return allowed;
    }));
  }
  for (auto& result : results) EXPECT_EQ(result.get(), kRequests);
  EXPECT_EQ(server.reviewer.seen().size(), static_cast<std::size_t>(kClients * kRequests));
}

TEST_F(ServerTest, ServesHealthReadinessAndMetrics) {
  TlsClient client(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client.exchange(make_request("GET", "/healthz", "", ""))->status, 200);
  server.reviewer.set_ready(false);
  EXPECT_EQ(client.exchange(make_request("GET", "/readyz", "", ""))->status, 503);
  server.reviewer.set_ready(true);
  EXPECT_EQ(client.exchange(make_request("GET", "/readyz", "", ""))->status, 200);
  auto metrics = client.exchange(make_request("GET", "/metrics", "", ""));
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("tierguard_webhook_open_connections 1"), std::string::npos);
  EXPECT_NE(metrics->body.find("tierguard_webhook_requests_in_flight 1"), std::string::npos);
}

}  // namespace
}  // namespace tierguard::webhook
