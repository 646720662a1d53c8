#include "kube/json.h"

#include <gtest/gtest.h>

#include "kube/error.h"

namespace tierguard::kube {
namespace {

TEST(Json, ParsesAndReadsMetadata) {
  const auto doc = parse_json(
      R"({"metadata":{"name":"web","namespace":"prod","resourceVersion":"42","uid":"u-1"}})",
      "test");
  EXPECT_EQ(object_name(doc), "web");
  EXPECT_EQ(object_namespace(doc), "prod");
  EXPECT_EQ(object_resource_version(doc), "42");
  EXPECT_EQ(object_uid(doc), "u-1");
  EXPECT_EQ(object_key(doc), "prod/web");
  EXPECT_EQ(object_key("", "cluster-admin"), "cluster-admin");
}

TEST(Json, LookupsToleratesWrongTypes) {
  const auto doc = parse_json(R"({"metadata":"oops","spec":{"x":1}})", "test");
  EXPECT_EQ(object_name(doc), "");
  EXPECT_EQ(string_at(doc, {"spec", "x"}), "");
  EXPECT_NE(find_member(doc, {"spec", "x"}), nullptr);
  EXPECT_EQ(find_member(doc, {"spec", "x", "y"}), nullptr);
}

TEST(Json, RejectsGarbageAndTrailingBytesWithTypedError) {
  for (const char* bad : {"", "{", "{\"a\":1} x", "nul", "[1,]"}) {
    try {
      parse_json(bad, "body");
      FAIL() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kDecode);
      EXPECT_TRUE(std::string(e.what()).starts_with("body: invalid JSON")) << e.what();
    }
  }
}

TEST(Json, RejectsHostileNestingWithoutRecursing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  try {
    parse_json(deep, "body");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kDecode);
    EXPECT_NE(std::string(e.what()).find("nested deeper"), std::string::npos);
  }
  EXPECT_EQ(json_nesting_depth(R"({"a":"[[[[","b":[{}]})"), 3u);  // brackets in strings skipped
}

}  // namespace
}  // namespace tierguard::kube
