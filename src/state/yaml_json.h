#pragma once

#include <rapidjson/document.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tierguard::state {

// YAML that cannot become JSON: a syntax error (with line and column), a structure JSON cannot
// hold (non-scalar keys, .inf/.nan), or input over the limits below.
class YamlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct YamlLimits {
  size_t max_depth = 128;           // nesting of maps and sequences
  size_t max_nodes = 2'000'000;     // nodes emitted, counting every expansion of an alias
};

// Parses a multi-document YAML stream into one JSON document per non-empty YAML document,
// resolving plain scalars the way kubectl does (YAML 1.1 via sigs.k8s.io/yaml: yes/no/on/off
// are booleans, 0755 is octal, ~ is null). Alias expansion counts against max_nodes, so a
// "billion laughs" document fails fast instead of exhausting memory.
std::vector<rapidjson::Document> yaml_to_json(std::string_view text, const YamlLimits& limits = {});

}  // namespace tierguard::state
