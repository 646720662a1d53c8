#include "kube/json_patch.h"

#include "kube/json.h"

namespace tierguard::kube {

JsonPatch::JsonPatch() {
  ops_.SetArray();
}

JsonPatch& JsonPatch::op(std::string_view name, std::string_view path,
                         const rapidjson::Value* value) {
  auto& alloc = ops_.GetAllocator();
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember(
      "op", rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size()), alloc),
      alloc);
  entry.AddMember(
      "path", rapidjson::Value(path.data(), static_cast<rapidjson::SizeType>(path.size()), alloc),
      alloc);
  if (value != nullptr) entry.AddMember("value", rapidjson::Value(*value, alloc), alloc);
  ops_.PushBack(entry, alloc);
  return *this;
}

JsonPatch& JsonPatch::test(std::string_view path, const rapidjson::Value& value) {
  return op("test", path, &value);
}

JsonPatch& JsonPatch::test(std::string_view path, std::string_view value) {
  const rapidjson::Value v(rapidjson::StringRef(value.data(), value.size()));
  return op("test", path, &v);
}

JsonPatch& JsonPatch::add(std::string_view path, const rapidjson::Value& value) {
  return op("add", path, &value);
}

JsonPatch& JsonPatch::replace(std::string_view path, const rapidjson::Value& value) {
  return op("replace", path, &value);
}

JsonPatch& JsonPatch::replace(std::string_view path, std::string_view value) {
  const rapidjson::Value v(rapidjson::StringRef(value.data(), value.size()));
  return op("replace", path, &v);
}

JsonPatch& JsonPatch::remove(std::string_view path) {
  return op("remove", path, nullptr);
}

std::string JsonPatch::str() const {
  return to_json(ops_);
}

std::string json_pointer_token(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace tierguard::kube
