#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace tierguard::state {

// One object read from a manifest file: where it came from and its JSON.
struct ManifestDocument {
  std::string file;
  size_t index = 0;      // 0-based document index within the file
  std::string item;      // "items[3]" when the object came from a kind: List; else empty
  rapidjson::Document json;

  // "examples/tiers.yaml#2" or "all.yaml#0 items[3]" — how messages point at it.
  std::string location() const;
};

// A file that cannot be read or parsed; names the file and, when known, the document.
class ManifestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ManifestLimits {
  std::uintmax_t max_file_bytes = 64u << 20;
  size_t max_files = 10'000;
};

// Reads files and directories (walked recursively, *.yaml, *.yml and *.json, in sorted order).
// YAML files may hold several documents; a kind: List is flattened into its items. Throws
// ManifestError naming the file (and document) on the first unreadable input.
std::vector<ManifestDocument> read_manifests(const std::vector<std::string>& paths,
                                             const ManifestLimits& limits = {});

// Parses one file's contents (exposed for tests and the fuzzer).
std::vector<ManifestDocument> parse_manifest_text(const std::string& file, std::string_view text);

}  // namespace tierguard::state
