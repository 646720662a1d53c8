#include "kube/status.h"

#include <gtest/gtest.h>

namespace tierguard::kube {
namespace {

TEST(Status, MapsCodesAndReasons) {
  EXPECT_EQ(kind_for_status(404, "NotFound"), ErrorKind::kNotFound);
  EXPECT_EQ(kind_for_status(409, "AlreadyExists"), ErrorKind::kAlreadyExists);
  EXPECT_EQ(kind_for_status(409, "Conflict"), ErrorKind::kConflict);
  EXPECT_EQ(kind_for_status(410, "Expired"), ErrorKind::kGone);
  EXPECT_EQ(kind_for_status(422, "Invalid"), ErrorKind::kInvalid);
  EXPECT_EQ(kind_for_status(403, "Forbidden"), ErrorKind::kForbidden);
  EXPECT_EQ(kind_for_status(503, ""), ErrorKind::kServer);
  EXPECT_EQ(kind_for_status(302, ""), ErrorKind::kApi);
}

TEST(Status, CarriesTheApiMessage) {
  const Error e = status_error(
      404,
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"x\" not found","reason":"NotFound","code":404})",
      "get pods ns/x");
  EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  EXPECT_EQ(e.http_status(), 404);
  EXPECT_EQ(e.reason(), "NotFound");
  EXPECT_EQ(e.api_message(), "pods \"x\" not found");
  EXPECT_STREQ(e.what(), "get pods ns/x: 404 NotFound: pods \"x\" not found");
}

TEST(Status, QuotesNonStatusBodiesSafely) {
  const Error e =
      status_error(502, std::string("<html>\x01 bad gateway") + std::string(400, 'x'), "list pods");
  EXPECT_EQ(e.kind(), ErrorKind::kServer);
  const std::string what = e.what();
  EXPECT_TRUE(what.starts_with("list pods: 502: \"<html>? bad gateway")) << what;
  EXPECT_LT(what.size(), 300u);
}

}  // namespace
}  // namespace tierguard::kube
