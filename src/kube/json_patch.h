#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace tierguard::kube {

// Builds an RFC 6902 JSON Patch. A `test` first makes the patch conditional, e.g. on the
// resourceVersion or on a field's current value, so a concurrent change fails with 422
// instead of being overwritten:
//
//   JsonPatch p;
//   p.test("/metadata/resourceVersion", "42").replace("/spec/suspend", true_value);
//   co_await client.patch(type, ns, name, PatchType::kJson, p.str());
class JsonPatch {
 public:
  JsonPatch();
  JsonPatch& test(std::string_view path, const rapidjson::Value& value);
  JsonPatch& test(std::string_view path, std::string_view value);
  JsonPatch& add(std::string_view path, const rapidjson::Value& value);
  JsonPatch& replace(std::string_view path, const rapidjson::Value& value);
  JsonPatch& replace(std::string_view path, std::string_view value);
  JsonPatch& remove(std::string_view path);
  std::string str() const;

 private:
  JsonPatch& op(std::string_view name, std::string_view path, const rapidjson::Value* value);
  rapidjson::Document ops_;
};

// Escapes one JSON Pointer reference token ("~" → "~0", "/" → "~1"), e.g. for label keys:
//   "/metadata/labels/" + json_pointer_token("tierguard.io/tier")
std::string json_pointer_token(std::string_view token);

}  // namespace tierguard::kube
