#include "kube/config.h"

#include <gtest/gtest.h>

#include "kube/error.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

Config parse(std::string_view url) {
  Config c;
  set_server_url(c, url, "server");
  return c;
}

TEST(ServerUrl, SplitsSchemeHostPortAndPath) {
  auto c = parse("https://10.0.0.1:6443");
  EXPECT_EQ(c.scheme, "https");
  EXPECT_EQ(c.host, "10.0.0.1");
  EXPECT_EQ(c.port, "6443");
  EXPECT_EQ(c.base_path, "");
  c = parse("https://api.example.com/k8s/clusters/c-1/");
  EXPECT_EQ(c.host, "api.example.com");
  EXPECT_EQ(c.port, "443");
  EXPECT_EQ(c.base_path, "/k8s/clusters/c-1");
  c = parse("http://[::1]:8080");
  EXPECT_EQ(c.scheme, "http");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, "8080");
  EXPECT_FALSE(c.is_tls());
}

TEST(ServerUrl, RejectsWhatItCannotReach) {
  for (const char* bad :
       {"", "10.0.0.1:6443", "ftp://x", "https://", "https://:443", "https://h:99999",
        "https://h:12a", "https://[::1", "https://u@h", "https://h/?q=1", "https://h:"}) {
    try {
      parse(bad);
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kConfig);
      EXPECT_TRUE(std::string(e.what()).starts_with("server: ")) << e.what();
    }
  }
}

TEST(ReadConfigFile, EnforcesSizeAndNamesTheField) {
  testing::TempDir dir;
  const auto small = dir.write("ok", "abc");
  EXPECT_EQ(read_config_file(small, 3, "ca"), "abc");
  try {
    read_config_file(small, 2, "certificate-authority");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("certificate-authority"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("exceeds the limit"), std::string::npos);
  }
  EXPECT_THROW(read_config_file(dir.path() / "missing", 10, "x"), Error);
  EXPECT_THROW(read_config_file(dir.path(), 10, "x"), Error);  // a directory
}

}  // namespace
}  // namespace tierguard::kube
