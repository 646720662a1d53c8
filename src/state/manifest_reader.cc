#include "state/manifest_reader.h"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include "state/yaml_json.h"

namespace tierguard::state {
namespace fs = std::filesystem;
namespace {

// As deep as YAML may nest (YamlLimits::max_depth): deeper JSON is hostile, and copying it (a
// kind: List item) or writing it recurses once per level.
constexpr size_t kMaxJsonDepth = YamlLimits{}.max_depth;

// Whether `root` nests arrays and objects deeper than `limit`, without recursing.
bool nested_deeper_than(const rapidjson::Value& root, size_t limit) {
  std::vector<std::pair<const rapidjson::Value*, size_t>> pending{{&root, 0}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > limit) return true;
    if (value->IsArray()) {
      for (const auto& item : value->GetArray()) pending.emplace_back(&item, depth + 1);
    } else if (value->IsObject()) {
      for (auto it = value->MemberBegin(); it != value->MemberEnd(); ++it) pending.emplace_back(&it->value, depth + 1);
    }
  }
  return false;
}

bool is_manifest_file(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

std::string read_file(const fs::path& path, const ManifestLimits& limits) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw ManifestError(path.string() + ": cannot read: " + ec.message());
  if (size > limits.max_file_bytes) {
    throw ManifestError(path.string() + ": file is " + std::to_string(size) + " bytes, over the " +
                        std::to_string(limits.max_file_bytes) + "-byte limit");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ManifestError(path.string() + ": cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void add_document(std::vector<ManifestDocument>& out, const std::string& file, size_t index,
                  rapidjson::Document json) {
  // kind: List (as `kubectl get -o yaml` writes) is flattened into its items.
  if (json.IsObject()) {
    auto kind = json.FindMember("kind");
    auto items = json.FindMember("items");
    if (kind != json.MemberEnd() && kind->value.IsString() && std::string_view(kind->value.GetString()) == "List") {
      if (items == json.MemberEnd() || !items->value.IsArray()) {
        throw ManifestError(file + "#" + std::to_string(index) + ": kind List without an items list");
      }
      for (rapidjson::SizeType i = 0; i < items->value.Size(); ++i) {
        ManifestDocument doc;
        doc.file = file;
        doc.index = index;
        doc.item = "items[" + std::to_string(i) + "]";
        doc.json.CopyFrom(items->value[i], doc.json.GetAllocator());
        out.push_back(std::move(doc));
      }
      return;
    }
  }
  ManifestDocument doc;
  doc.file = file;
  doc.index = index;
  doc.json = std::move(json);
  out.push_back(std::move(doc));
}

}  // namespace

std::string ManifestDocument::location() const {
  std::string out = file + "#" + std::to_string(index);
  if (!item.empty()) out += " " + item;
  return out;
}

std::vector<ManifestDocument> parse_manifest_text(const std::string& file, std::string_view text) {
  std::vector<ManifestDocument> out;
  const bool json_file = file.size() >= 5 && file.compare(file.size() - 5, 5, ".json") == 0;
  if (json_file) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
    if (doc.HasParseError()) {
      throw ManifestError(file + ": invalid JSON at byte " + std::to_string(doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (nested_deeper_than(doc, kMaxJsonDepth)) {
      throw ManifestError(file + ": JSON nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    add_document(out, file, 0, std::move(doc));
    return out;
  }
  std::vector<rapidjson::Document> docs;
  try {
    docs = yaml_to_json(text);
  } catch (const YamlError& e) {
    throw ManifestError(file + ": " + e.what());
  }
  for (size_t i = 0; i < docs.size(); ++i) add_document(out, file, i, std::move(docs[i]));
  return out;
}

std::vector<ManifestDocument> read_manifests(const std::vector<std::string>& paths,
                                             const ManifestLimits& limits) {
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    const auto status = fs::status(p, ec);
    if (ec || !fs::exists(status)) throw ManifestError(p + ": no such file or directory");
    if (fs::is_directory(status)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file() && is_manifest_file(it->path())) found.push_back(it->path());
        if (found.size() > limits.max_files) throw ManifestError(p + ": more than " + std::to_string(limits.max_files) + " manifest files");
      }
      if (ec) throw ManifestError(p + ": cannot walk directory: " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.emplace_back(p);
    }
  }
  std::vector<ManifestDocument> out;
  for (const auto& f : files) {
    auto docs = parse_manifest_text(f.string(), read_file(f, limits));
    for (auto& d : docs) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace tierguard::state
