#include "webhook/certificate_reloader.h"

#include <gtest/gtest.h>

#include "test_client.h"
#include "test_data.h"
#include "test_server.h"
#include "webhook/tls_context.h"

namespace tierguard::webhook {
namespace {

using namespace std::chrono_literals;
using testing::KeyPair;
using testing::make_request;
using testing::replace_file;
using testing::TempDir;
using testing::TestPki;
using testing::TestServer;
using testing::TlsClient;
using testing::write_file;

class CertificateReloaderTest : public ::testing::Test {
 protected:
  CertificateReloaderTest() {
    write_file(cert(), first.cert_pem);
    write_file(key(), first.key_pem);
  }
  std::filesystem::path cert() const { return dir.path() / "tls.crt"; }
  std::filesystem::path key() const { return dir.path() / "tls.key"; }
  std::unique_ptr<CertificateReloader> make(std::chrono::milliseconds poll = 10s) {
    return std::make_unique<CertificateReloader>(cert().string(), key().string(), metrics,
                                                 telemetry::null_logger(), poll);
  }

  TempDir dir;
  TestPki pki;
  KeyPair first = pki.issue_server_cert(1);
  KeyPair second = pki.issue_server_cert(2);
  telemetry::Registry registry;
  WebhookMetrics metrics{registry};
};

TEST_F(CertificateReloaderTest, FailsToStartWithoutAValidPair) {
  write_file(key(), second.key_pem);  // does not match the certificate
  try {
    make();
    FAIL() << "accepted a mismatched pair";
  } catch (const TlsError& e) {
    EXPECT_EQ(e.step(), TlsStep::kKeyMismatch);
  }
  std::filesystem::remove(cert());
  try {
    make();
    FAIL() << "accepted a missing certificate";
  } catch (const TlsError& e) {
    EXPECT_EQ(e.step(), TlsStep::kReadCertificate);
  }
}

TEST_F(CertificateReloaderTest, ReloadsOnlyWhenContentChanges) {
  auto reloader = make();
  auto initial = reloader->current();
  EXPECT_FALSE(reloader->reload_if_changed());
  EXPECT_EQ(reloader->current(), initial);
  replace_file(cert(), second.cert_pem);
  replace_file(key(), second.key_pem);
  EXPECT_TRUE(reloader->reload_if_changed());
  EXPECT_NE(reloader->current(), initial);
  EXPECT_EQ(reloader->generation(), 1u);
  EXPECT_EQ(metrics.tls_reloads().value(), 1);
}

TEST_F(CertificateReloaderTest, KeepsTheOldCertificateWhenTheNewPairIsBrokenAndCountsOnce) {
  auto reloader = make();
  auto initial = reloader->current();
  replace_file(cert(), second.cert_pem);  // key not rotated yet: mismatch
  EXPECT_FALSE(reloader->reload_if_changed());
  EXPECT_FALSE(reloader->reload_if_changed());  // same bad content: not counted again
  EXPECT_EQ(reloader->current(), initial);
  EXPECT_EQ(metrics.tls_reload_errors().value(), 1);
  replace_file(cert(), "-----BEGIN CERTIFICATE-----\ngarbage\n");
  EXPECT_FALSE(reloader->reload_if_changed());
  EXPECT_EQ(metrics.tls_reload_errors().value(), 2);
  replace_file(key(), second.key_pem);
  replace_file(cert(), second.cert_pem);
  EXPECT_TRUE(reloader->reload_if_changed());
}

TEST_F(CertificateReloaderTest, WatcherPicksUpAKubernetesStyleSymlinkSwap) {
  // Secret volumes: tls.crt -> ..data/tls.crt, ..data -> ..2024_01; an update writes a new
  // timestamped directory and renames a fresh symlink over ..data.
  const auto volume = dir.path() / "volume";
  std::filesystem::create_directories(volume / "..v1");
  write_file(volume / "..v1" / "tls.crt", first.cert_pem);
  write_file(volume / "..v1" / "tls.key", first.key_pem);
  std::filesystem::create_directory_symlink("..v1", volume / "..data");
  std::filesystem::create_symlink("..data/tls.crt", volume / "tls.crt");
  std::filesystem::create_symlink("..data/tls.key", volume / "tls.key");
  CertificateReloader reloader((volume / "tls.crt").string(), (volume / "tls.key").string(),
                               metrics, telemetry::null_logger(), 60s);
  reloader.start();

  std::filesystem::create_directories(volume / "..v2");
  write_file(volume / "..v2" / "tls.crt", second.cert_pem);
  write_file(volume / "..v2" / "tls.key", second.key_pem);
  std::filesystem::create_directory_symlink("..v2", volume / "..data_tmp");
  std::filesystem::rename(volume / "..data_tmp", volume / "..data");

  // The poll interval is 60 s: only the inotify event can make this happen in time.
  EXPECT_TRUE(reloader.wait_for_generation(1, 5s));
  reloader.stop();
}

TEST_F(CertificateReloaderTest, PollingFindsChangesWithoutEvents) {
  auto reloader = make(50ms);
  reloader->start();
  // Writing in place also raises events; either path must lead to the reload.
  write_file(key(), second.key_pem);
  write_file(cert(), second.cert_pem);
  EXPECT_TRUE(reloader->wait_for_generation(1, 5s));
}

TEST(CertificateReloadEndToEnd, NewConnectionsSeeTheNewCertificateExistingOnesFinish) {
  TestServer server(TestServer::short_timeouts(), /*watch_files=*/true);
  const std::string request =
      make_request("POST", "/validate/pods", testing::read_test_data("admission/pod-create.json"));
  TlsClient before(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before.peer_serial(), 100);

  const KeyPair next = server.pki.issue_server_cert(101);
  replace_file(server.key_path(), next.key_pem);
  replace_file(server.cert_path(), next.cert_pem);
  ASSERT_TRUE(server.certificates->wait_for_generation(1, 5s));

  TlsClient after(server.port(), server.pki.ca_cert_pem());
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_EQ(after.peer_serial(), 101);
  auto reply = before.exchange(request);  // the old session keeps working
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(server.metrics_text().find("tierguard_webhook_tls_reloads_total 1"),
            std::string::npos);
}

}  // namespace
}  // namespace tierguard::webhook
