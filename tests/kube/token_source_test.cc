#include "kube/token_source.h"

#include <gtest/gtest.h>

#include <thread>

#include "fake_clock.h"
#include "kube/error.h"
#include "temp_dir.h"

namespace tierguard::kube {
namespace {

using namespace std::chrono_literals;

TEST(TokenSource, FixedToken) {
  testing::FakeClock clock;
  TokenSource source(Credentials{"abc", {}}, clock);
  EXPECT_EQ(source.token(), "abc");
  EXPECT_FALSE(source.invalidate());
}

TEST(TokenSource, RereadsWhenTheFileChanges) {
  testing::FakeClock clock;
  testing::TempDir dir;
  const auto file = dir.write("token", "first\n");
  TokenSource source(Credentials{"", file}, clock);
  EXPECT_EQ(source.token(), "first");
  dir.write("token", "second-token");  // different size: detected on the next stat
  EXPECT_EQ(source.token(), "first");  // stat at most once a second
  clock.advance(1s);
  EXPECT_EQ(source.token(), "second-token");
}

TEST(TokenSource, RereadsEveryMinuteEvenIfStatLooksTheSame) {
  testing::FakeClock clock;
  testing::TempDir dir;
  const auto file = dir.write("token", "aaaa");
  TokenSource source(Credentials{"", file}, clock);
  EXPECT_EQ(source.token(), "aaaa");
  const auto mtime = std::filesystem::last_write_time(file);
  dir.write("token", "bbbb");
  std::filesystem::last_write_time(file, mtime);  // same size, same mtime
  clock.advance(2s);
  EXPECT_EQ(source.token(), "aaaa");
  clock.advance(60s);
  EXPECT_EQ(source.token(), "bbbb");
}

TEST(TokenSource, InvalidateForcesReadAndFailedReadKeepsOldToken) {
  testing::FakeClock clock;
  testing::TempDir dir;
  const auto file = dir.write("token", "one");
  TokenSource source(Credentials{"", file}, clock);
  EXPECT_EQ(source.token(), "one");
  std::filesystem::remove(file);
  EXPECT_TRUE(source.invalidate());
  EXPECT_EQ(source.token(), "one");  // kubelet mid-swap: keep the last good token
  dir.write("token", "two");
  EXPECT_TRUE(source.invalidate());
  EXPECT_EQ(source.token(), "two");
}

TEST(TokenSource, UnreadableFromTheStartIsAConfigError) {
  testing::FakeClock clock;
  TokenSource source(Credentials{"", "/nonexistent/token"}, clock);
  try {
    source.token();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
  }
}

}  // namespace
}  // namespace tierguard::kube
