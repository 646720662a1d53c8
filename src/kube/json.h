#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tierguard::kube {

// Nesting limit for JSON from the network. Kubernetes objects nest a few dozen levels at
// most (CRD schemas are the deepest); the limit keeps recursive copies and writers safe.
inline constexpr std::size_t kMaxJsonDepth = 512;

// Parses untrusted JSON into a document. Throws Error(kDecode) naming `what` on syntax
// errors, trailing garbage or nesting deeper than kMaxJsonDepth. Never recurses on input.
rapidjson::Document parse_json(std::string_view text, std::string_view what);

// Deepest array/object nesting in `text` (strings are skipped). Linear, no allocation.
std::size_t json_nesting_depth(std::string_view text);

// Serialises a value compactly.
std::string to_json(const rapidjson::Value& value);

// Member lookups that never throw: nullptr / empty when absent or of another type.
const rapidjson::Value* find_member(const rapidjson::Value& object,
                                    std::initializer_list<std::string_view> path);
std::string_view string_at(const rapidjson::Value& object,
                           std::initializer_list<std::string_view> path);

// metadata.namespace, metadata.name, metadata.resourceVersion, metadata.uid.
std::string_view object_namespace(const rapidjson::Value& object);
std::string_view object_name(const rapidjson::Value& object);
std::string_view object_resource_version(const rapidjson::Value& object);
std::string_view object_uid(const rapidjson::Value& object);

// "namespace/name" for namespaced objects, "name" otherwise (client-go's cache key).
std::string object_key(const rapidjson::Value& object);
std::string object_key(std::string_view ns, std::string_view name);

}  // namespace tierguard::kube
