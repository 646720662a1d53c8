#include "kube/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "kube/error.h"

namespace tierguard::kube {

std::size_t json_nesting_depth(std::string_view text) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '[':
      case '{':
        if (++depth > deepest) deepest = depth;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default:
        break;
    }
  }
  return deepest;
}

rapidjson::Document parse_json(std::string_view text, std::string_view what) {
  if (json_nesting_depth(text) > kMaxJsonDepth) {
    throw Error(ErrorKind::kDecode, std::string(what) + ": JSON nested deeper than " +
                                        std::to_string(kMaxJsonDepth) + " levels");
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    throw Error(ErrorKind::kDecode, std::string(what) + ": invalid JSON at offset " +
                                        std::to_string(doc.GetErrorOffset()) + ": " +
                                        rapidjson::GetParseError_En(doc.GetParseError()));
  }
  return doc;
}

std::string to_json(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const rapidjson::Value* find_member(const rapidjson::Value& object,
                                    std::initializer_list<std::string_view> path) {
  const rapidjson::Value* current = &object;
  for (std::string_view key : path) {
    if (!current->IsObject()) return nullptr;
    auto it = current->FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
    if (it == current->MemberEnd()) return nullptr;
    current = &it->value;
  }
  return current;
}

std::string_view string_at(const rapidjson::Value& object,
                           std::initializer_list<std::string_view> path) {
  const rapidjson::Value* value = find_member(object, path);
  if (value == nullptr || !value->IsString()) return {};
  return {value->GetString(), value->GetStringLength()};
}

std::string_view object_namespace(const rapidjson::Value& object) {
  return string_at(object, {"metadata", "namespace"});
}
std::string_view object_name(const rapidjson::Value& object) {
  return string_at(object, {"metadata", "name"});
}
std::string_view object_resource_version(const rapidjson::Value& object) {
  return string_at(object, {"metadata", "resourceVersion"});
}
std::string_view object_uid(const rapidjson::Value& object) {
  return string_at(object, {"metadata", "uid"});
}

std::string object_key(std::string_view ns, std::string_view name) {
  std::string key;
  key.reserve(ns.size() + name.size() + 1);
  if (!ns.empty()) {
    key += ns;
    key += '/';
  }
  key += name;
  return key;
}

std::string object_key(const rapidjson::Value& object) {
  return object_key(object_namespace(object), object_name(object));
}

}  // namespace tierguard::kube
