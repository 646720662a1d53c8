#include "state/json_reader.h"

#include <algorithm>

#include "state/decode_error.h"

namespace tierguard::state {
namespace {

constexpr size_t kMaxStringBytes = 1 << 20;  // no Kubernetes field we read is longer

}  // namespace

std::string_view json_type_name(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType: return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType: return "boolean";
    case rapidjson::kObjectType: return "object";
    case rapidjson::kArrayType: return "array";
    case rapidjson::kStringType: return "string";
    case rapidjson::kNumberType: return "number";
  }
  return "unknown";
}

JsonReader::JsonReader(const rapidjson::Value& value, std::string path)
    : value_(value), path_(std::move(path)) {
  if (!value_.IsObject()) {
    throw DecodeError(path_, "expected an object, got " + std::string(json_type_name(value_)));
  }
}

std::string JsonReader::field_path(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return path_ + "." + std::string(key);
}

const rapidjson::Value* JsonReader::member(std::string_view key) const {
  auto it = value_.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == value_.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

bool JsonReader::has(std::string_view key) const { return member(key) != nullptr; }

std::optional<std::string> JsonReader::string(std::string_view key) const {
  const auto* v = member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsString()) {
    throw DecodeError(field_path(key), "expected a string, got " + std::string(json_type_name(*v)));
  }
  if (v->GetStringLength() > kMaxStringBytes) throw DecodeError(field_path(key), "string too long");
  return std::string(v->GetString(), v->GetStringLength());
}

std::string JsonReader::required_string(std::string_view key) const {
  auto s = string(key);
  if (!s || s->empty()) throw DecodeError(field_path(key), "required field is missing or empty");
  return *s;
}

std::optional<bool> JsonReader::boolean(std::string_view key) const {
  const auto* v = member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsBool()) {
    throw DecodeError(field_path(key), "expected a boolean, got " + std::string(json_type_name(*v)));
  }
  return v->GetBool();
}

std::optional<int64_t> JsonReader::integer(std::string_view key) const {
  const auto* v = member(key);
  if (v == nullptr) return std::nullopt;
  if (!v->IsInt64()) {
    throw DecodeError(field_path(key), v->IsNumber() ? "expected an integer that fits in 64 bits"
                                                     : "expected an integer, got " +
                                                           std::string(json_type_name(*v)));
  }
  return v->GetInt64();
}

std::vector<std::string> JsonReader::string_list(std::string_view key) const {
  std::vector<std::string> out;
  const auto* v = member(key);
  if (v == nullptr) return out;
  if (!v->IsArray()) {
    throw DecodeError(field_path(key), "expected a list of strings, got " + std::string(json_type_name(*v)));
  }
  out.reserve(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const auto& e = (*v)[i];
    if (!e.IsString()) {
      throw DecodeError(field_path(key) + "[" + std::to_string(i) + "]",
                        "expected a string, got " + std::string(json_type_name(e)));
    }
    if (e.GetStringLength() > kMaxStringBytes) {
      throw DecodeError(field_path(key) + "[" + std::to_string(i) + "]", "string too long");
    }
    out.emplace_back(e.GetString(), e.GetStringLength());
  }
  return out;
}

policy::Labels JsonReader::string_map(std::string_view key, std::string_view key_prefix) const {
  policy::Labels out;
  const auto* v = member(key);
  if (v == nullptr) return out;
  if (!v->IsObject()) {
    throw DecodeError(field_path(key), "expected a map of strings, got " + std::string(json_type_name(*v)));
  }
  for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
    const std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!it->value.IsString()) {
      throw DecodeError(field_path(key) + "[" + std::string(name) + "]",
                        "expected a string, got " + std::string(json_type_name(it->value)));
    }
    if (name.substr(0, key_prefix.size()) != key_prefix) continue;
    std::string k(name);
    out.insert_or_assign(std::move(k), std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return out;
}

std::optional<JsonReader> JsonReader::object(std::string_view key) const {
  const auto* v = member(key);
  if (v == nullptr) return std::nullopt;
  return JsonReader(*v, field_path(key));
}

JsonReader JsonReader::required_object(std::string_view key) const {
  auto o = object(key);
  if (!o) throw DecodeError(field_path(key), "required field is missing");
  return *o;
}

std::vector<JsonReader> JsonReader::object_list(std::string_view key) const {
  std::vector<JsonReader> out;
  const auto* v = member(key);
  if (v == nullptr) return out;
  if (!v->IsArray()) {
    throw DecodeError(field_path(key), "expected a list, got " + std::string(json_type_name(*v)));
  }
  out.reserve(v->Size());
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    out.emplace_back((*v)[i], field_path(key) + "[" + std::to_string(i) + "]");
  }
  return out;
}

void JsonReader::reject_unknown(std::initializer_list<std::string_view> known) const {
  for (auto it = value_.MemberBegin(); it != value_.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw DecodeError(field_path(name), "unknown field");
    }
  }
}

}  // namespace tierguard::state
