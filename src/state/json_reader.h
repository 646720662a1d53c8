#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/labels.h"

namespace tierguard::state {

// Reads typed fields of one JSON object and names the exact path in every DecodeError.
// Absent and null fields read as "not set"; a field of the wrong type is an error.
class JsonReader {
 public:
  JsonReader(const rapidjson::Value& value, std::string path);

  const std::string& path() const { return path_; }
  const rapidjson::Value& value() const { return value_; }
  std::string field_path(std::string_view key) const;

  bool has(std::string_view key) const;
  const rapidjson::Value* member(std::string_view key) const;  // null when absent or null

  std::optional<std::string> string(std::string_view key) const;
  std::string required_string(std::string_view key) const;
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<int64_t> integer(std::string_view key) const;
  std::vector<std::string> string_list(std::string_view key) const;
  // A map of strings; with `key_prefix`, only the entries whose key starts with it are read
  // (the rest is skipped, but must still be strings).
  policy::Labels string_map(std::string_view key, std::string_view key_prefix = {}) const;

  // A nested object (null when absent); throws when the field is not an object.
  std::optional<JsonReader> object(std::string_view key) const;
  JsonReader required_object(std::string_view key) const;
  // Elements of an array of objects.
  std::vector<JsonReader> object_list(std::string_view key) const;

  // Every member not in `known` is an error (strict decoding for tierguard's own kinds).
  void reject_unknown(std::initializer_list<std::string_view> known) const;

 private:
  const rapidjson::Value& value_;
  std::string path_;
};

// "object", "string", … — the JSON type of a value, for messages.
std::string_view json_type_name(const rapidjson::Value& value);

}  // namespace tierguard::state
