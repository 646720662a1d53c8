#pragma once

#include <string>
#include <vector>

#include "policy/labels.h"
#include "policy/objects.h"
#include "state/json_reader.h"

namespace tierguard::state {

// Annotations with this prefix are read; all others are skipped.
inline constexpr std::string_view kKeptAnnotationPrefix = "tierguard.io/";

// apiVersion, kind and the metadata tierguard reads from any object.
struct ObjectHeader {
  std::string api_version;
  std::string kind;
  std::string namespace_name;
  std::string name;
  std::string generate_name;
  policy::Labels labels;
  policy::Labels annotations;
  std::vector<policy::OwnerReference> owners;

  // The name, or "<generateName>*" for an object the apiserver has not named yet.
  std::string display_name() const;
};

ObjectHeader decode_header(const JsonReader& object);

}  // namespace tierguard::state
