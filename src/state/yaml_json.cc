#include "state/yaml_json.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tierguard::state {
namespace {

constexpr std::array<std::string_view, 4> kNulls{"~", "null", "Null", "NULL"};
constexpr std::array<std::string_view, 11> kTrues{"y", "Y", "yes", "Yes", "YES", "true", "True",
                                                  "TRUE", "on", "On", "ON"};
constexpr std::array<std::string_view, 11> kFalses{"n", "N", "no", "No", "NO", "false", "False",
                                                   "FALSE", "off", "Off", "OFF"};

template <size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view s) {
  for (auto v : set)
    if (!v.empty() && v == s) return true;
  return false;
}

std::string where(const YAML::Mark& mark) {
  if (mark.line < 0) return "";
  return " at line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// Integer forms go-yaml v2 accepts: decimal, 0x hex, 0o or leading-0 octal, 0b binary, with
// optional sign and "_" separators.
bool parse_integer(std::string_view text, rapidjson::Value& out) {
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  if (digits.empty()) return false;
  bool negative = false;
  std::string_view s = digits;
  if (s.front() == '+' || s.front() == '-') {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return false;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  } else if (s.size() > 1 && s[0] == '0') {
    base = 8;
    s.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    out.SetInt64(magnitude == static_cast<uint64_t>(INT64_MAX) + 1 ? INT64_MIN
                                                                    : -static_cast<int64_t>(magnitude));
  } else if (magnitude <= static_cast<uint64_t>(INT64_MAX)) {
    out.SetInt64(static_cast<int64_t>(magnitude));
  } else {
    out.SetUint64(magnitude);
  }
  return true;
}

bool is_float_syntax(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

class Converter {
 public:
  Converter(rapidjson::Document::AllocatorType& alloc, const YamlLimits& limits)
      : alloc_(alloc), limits_(limits) {}

  void convert(const YAML::Node& node, rapidjson::Value& out, size_t depth) {
    if (++nodes_ > limits_.max_nodes) {
      throw YamlError("document expands to more than " + std::to_string(limits_.max_nodes) +
                      " nodes (aliases or sheer size)" + where(node.Mark()));
    }
    if (depth > limits_.max_depth) {
      throw YamlError("nesting deeper than " + std::to_string(limits_.max_depth) + where(node.Mark()));
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: out.SetNull(); return;
      case YAML::NodeType::Scalar: scalar(node, out); return;
      case YAML::NodeType::Sequence:
        out.SetArray();
        for (const auto& item : node) {
          rapidjson::Value v;
          convert(item, v, depth + 1);
          out.PushBack(v, alloc_);
        }
        return;
      case YAML::NodeType::Map:
        out.SetObject();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) throw YamlError("map keys must be scalars" + where(kv.first.Mark()));
          if (is_merge_key(kv.first)) {
            merge(kv.second, out, depth + 1);
            continue;
          }
          rapidjson::Value v;
          convert(kv.second, v, depth + 1);
          set_member(out, kv.first.Scalar(), v);
        }
        return;
    }
  }

 private:
  // A repeated key keeps the last value, as sigs.k8s.io/yaml does.
  void set_member(rapidjson::Value& object, const std::string& key, rapidjson::Value& value) {
    auto existing = object.FindMember(key);
    if (existing != object.MemberEnd()) {
      existing->value = value;
    } else {
      object.AddMember(rapidjson::Value(key, alloc_), value, alloc_);
    }
  }

  // "<<: *base" (YAML 1.1 merge key, as go-yaml v2 reads it): the merged map's keys are set at
  // that point of the mapping, so keys written after it win; in a list of maps, earlier maps win.
  static bool is_merge_key(const YAML::Node& key) {
    return key.Scalar() == "<<" && (key.Tag() == "?" || key.Tag() == "tag:yaml.org,2002:merge");
  }

  void merge(const YAML::Node& value, rapidjson::Value& out, size_t depth) {
    std::vector<YAML::Node> maps;
    if (value.IsMap()) {
      maps.push_back(value);
    } else if (value.IsSequence()) {
      for (size_t i = value.size(); i-- > 0;) maps.push_back(value[i]);
    }
    if (maps.empty() && !(value.IsSequence() && value.size() == 0)) {
      throw YamlError("map merge (<<) requires a map or a list of maps" + where(value.Mark()));
    }
    for (const auto& m : maps) {
      if (!m.IsMap()) throw YamlError("map merge (<<) requires a map or a list of maps" + where(m.Mark()));
      rapidjson::Value merged;
      convert(m, merged, depth);
      for (auto it = merged.MemberBegin(); it != merged.MemberEnd(); ++it) {
        set_member(out, std::string(it->name.GetString(), it->name.GetStringLength()), it->value);
      }
    }
  }

  void scalar(const YAML::Node& node, rapidjson::Value& out) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary") {
      out.SetString(text, alloc_);
      return;
    }
    if (tag == "?" || tag.empty()) {
      resolve_plain(node, text, out);
      return;
    }
    if (tag == "tag:yaml.org,2002:int" && parse_integer(text, out)) return;
    if (tag == "tag:yaml.org,2002:bool" && (in(kTrues, text) || in(kFalses, text))) {
      out.SetBool(in(kTrues, text));
      return;
    }
    if (tag == "tag:yaml.org,2002:null") {
      out.SetNull();
      return;
    }
    if (tag == "tag:yaml.org,2002:float" && is_float_syntax(text)) {
      set_float(node, text, out);
      return;
    }
    throw YamlError("unsupported tag " + tag + " for value \"" + text.substr(0, 64) + "\"" + where(node.Mark()));
  }

  // kubectl turns YAML into JSON through Go's float64, which prints a whole number without a
  // fraction ("1e3" and "09" become 1000 and 9): keep those integers so integer fields read them.
  void set_float(const YAML::Node& node, const std::string& text, rapidjson::Value& out) {
    const double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) throw YamlError("number out of range: " + text.substr(0, 64) + where(node.Mark()));
    constexpr double kTwoTo63 = 9223372036854775808.0;
    if (std::trunc(d) == d && d > -kTwoTo63 && d < kTwoTo63) {
      out.SetInt64(static_cast<int64_t>(d));
    } else {
      out.SetDouble(d);
    }
  }

  void resolve_plain(const YAML::Node& node, const std::string& text, rapidjson::Value& out) {
    if (text.empty() || in(kNulls, text)) return out.SetNull(), void();
    if (in(kTrues, text)) return out.SetBool(true), void();
    if (in(kFalses, text)) return out.SetBool(false), void();
    const char first = text.front();
    const bool numeric_start = (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
    if (numeric_start) {
      if (parse_integer(text, out)) return;
      if (is_float_syntax(text)) {
        set_float(node, text, out);
        return;
      }
      static constexpr std::array<std::string_view, 12> kSpecial{".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                                                "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN"};
      for (auto s : kSpecial)
        if (text == s) throw YamlError("JSON cannot hold " + text + where(node.Mark()));
    }
    out.SetString(text, alloc_);
  }

  rapidjson::Document::AllocatorType& alloc_;
  const YamlLimits& limits_;
  size_t nodes_ = 0;
};

// Counts documents without building them: the second document of a chunk is trailing junk.
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last_start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  YAML::Mark last_start;
};

struct Chunk {
  std::string text;
  int first_line = 0;  // 0-based line of the chunk's first line in the whole stream
};

// Splits a stream at "---" lines the way kubectl's YAML reader does: a separator line may
// carry only whitespace or a comment after the dashes.
std::vector<Chunk> split_documents(std::string_view text) {
  std::vector<Chunk> chunks(1);
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (line.substr(0, 3) == "---") {
      std::string_view rest = line.substr(3);
      while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t' || rest.front() == '\r'))
        rest.remove_prefix(1);
      if (!rest.empty() && rest.front() != '#') {
        throw YamlError("content after the document separator at line " + std::to_string(line_no + 1) +
                        " (put it on the next line)");
      }
      chunks.push_back(Chunk{"", line_no + 1});
    } else {
      chunks.back().text.append(line);
      chunks.back().text += '\n';
    }
    pos = end + 1;
    ++line_no;
  }
  return chunks;
}

YAML::Mark shifted(YAML::Mark mark, int lines) {
  if (mark.line >= 0) mark.line += lines;
  return mark;
}

}  // namespace

std::vector<rapidjson::Document> yaml_to_json(std::string_view text, const YamlLimits& limits) {
  if (text.find('\0') != std::string_view::npos) throw YamlError("input contains NUL bytes; not YAML text");
  std::vector<rapidjson::Document> docs;
  for (const auto& chunk : split_documents(text)) {
    YAML::Node node;
    try {
      // yaml-cpp 0.7 ignores content after the first document (and LoadAll can loop forever on
      // a stray ","), so count documents first and reject a second one as trailing junk.
      std::istringstream stream(chunk.text);
      YAML::Parser parser(stream);
      DocumentCounter counter;
      if (!parser.HandleNextDocument(counter)) continue;
      if (parser.HandleNextDocument(counter)) {
        throw YamlError("YAML syntax error" + where(shifted(counter.last_start, chunk.first_line)) +
                        ": unexpected content after the end of the document");
      }
      node = YAML::Load(chunk.text);
    } catch (const YAML::DeepRecursion& e) {
      // yaml-cpp reports its own nesting guard as "bad file".
      throw YamlError("YAML nesting too deep" + where(shifted(e.mark, chunk.first_line)));
    } catch (const YAML::Exception& e) {
      throw YamlError("YAML syntax error" + where(shifted(e.mark, chunk.first_line)) + ": " + e.msg);
    }
    if (node.IsNull() || !node.IsDefined()) continue;  // empty documents, as kubectl skips them
    rapidjson::Document doc;
    Converter converter(doc.GetAllocator(), limits);
    try {
      converter.convert(node, doc, 0);
    } catch (const YAML::Exception& e) {
      throw YamlError("YAML error" + where(shifted(e.mark, chunk.first_line)) + ": " + e.msg);
    }
    docs.push_back(std::move(doc));
  }
  return docs;
}

}  // namespace tierguard::state
