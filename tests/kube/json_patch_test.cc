#include "kube/json_patch.h"

#include <gtest/gtest.h>

#include "kube/json.h"

namespace tierguard::kube {
namespace {

TEST(JsonPatch, BuildsConditionalPatches) {
  const auto labels = parse_json(R"({"a":"b"})", "v");
  JsonPatch patch;
  patch.test("/metadata/resourceVersion", "42")
      .replace("/metadata/labels", labels)
      .add("/metadata/labels/" + json_pointer_token("tierguard.io/tier"),
           parse_json("\"gold\"", "v"))
      .remove("/spec/x");
  EXPECT_EQ(patch.str(),
            R"([{"op":"test","path":"/metadata/resourceVersion","value":"42"},)"
            R"({"op":"replace","path":"/metadata/labels","value":{"a":"b"}},)"
            R"({"op":"add","path":"/metadata/labels/tierguard.io~1tier","value":"gold"},)"
            R"({"op":"remove","path":"/spec/x"}])");
  EXPECT_EQ(json_pointer_token("a~b/c"), "a~0b~1c");
  EXPECT_EQ(JsonPatch().str(), "[]");
}

}  // namespace
}  // namespace tierguard::kube
