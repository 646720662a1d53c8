#include "kube/retry.h"

#include <gtest/gtest.h>

namespace tierguard::kube {
namespace {

namespace http = boost::beast::http;

TEST(Retry, StatusPolicy) {
  EXPECT_TRUE(should_retry_status(429, http::verb::post, false));
  EXPECT_TRUE(should_retry_status(500, http::verb::get, false));
  EXPECT_TRUE(should_retry_status(503, http::verb::put, false));
  EXPECT_FALSE(should_retry_status(500, http::verb::post, false));
  EXPECT_TRUE(should_retry_status(503, http::verb::patch, true));
  EXPECT_FALSE(should_retry_status(404, http::verb::get, true));
  EXPECT_FALSE(should_retry_status(409, http::verb::put, false));
}

TEST(Retry, ErrorPolicy) {
  Error refused(ErrorKind::kTransport, "connect: refused");
  EXPECT_TRUE(should_retry_error(refused, http::verb::post));
  Error reset(ErrorKind::kTransport, "read: reset");
  reset.with_request_sent(true);
  EXPECT_FALSE(should_retry_error(reset, http::verb::post));
  EXPECT_TRUE(should_retry_error(reset, http::verb::get));
  EXPECT_FALSE(should_retry_error(Error(ErrorKind::kTls, "bad cert"), http::verb::get));
  EXPECT_FALSE(should_retry_error(Error(ErrorKind::kTooLarge, "x"), http::verb::get));
}

TEST(Retry, ParsesRetryAfterSeconds) {
  EXPECT_EQ(parse_retry_after("3"), std::chrono::seconds(3));
  EXPECT_EQ(parse_retry_after(" 0 "), std::chrono::seconds(0));
  EXPECT_FALSE(parse_retry_after(""));
  EXPECT_FALSE(parse_retry_after("-1"));
  EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
  EXPECT_FALSE(parse_retry_after("99999999999999"));
}

}  // namespace
}  // namespace tierguard::kube
