#include "policy/labels.h"

#include <algorithm>

#include "policy/text.h"

namespace tierguard::policy {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])? of at most 63 characters (empty allowed if allowed).
bool is_name_part(std::string_view s, bool allow_empty) {
  if (s.empty()) return allow_empty;
  if (s.size() > 63) return false;
  if (!is_alnum(s.front()) || !is_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (start <= s.size()) {
    size_t dot = s.find('.', start);
    if (dot == std::string_view::npos) dot = s.size();
    std::string_view label = s.substr(start, dot - start);
    // Like Kubernetes' IsDNS1123Subdomain: 253 characters in all, no per-label limit.
    if (label.empty()) return false;
    const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!lower_alnum(label.front()) || !lower_alnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [&](char c) { return lower_alnum(c) || c == '-'; }))
      return false;
    start = dot + 1;
  }
  return true;
}

std::string_view op_name(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kIn: return "in";
    case SelectorOperator::kNotIn: return "notin";
    case SelectorOperator::kExists: return "exists";
    case SelectorOperator::kDoesNotExist: return "!";
  }
  return "?";
}

}  // namespace

std::optional<std::string_view> find_label(const Labels& labels, std::string_view key) {
  auto it = labels.find(key);
  if (it == labels.end()) return std::nullopt;
  return std::string_view(it->second);
}

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& [key, value] : match_labels) {
    auto found = find_label(labels, key);
    if (!found || *found != value) return false;
  }
  for (const auto& req : match_expressions) {
    auto found = find_label(labels, req.key);
    const auto listed = [&] {
      return found && std::find(req.values.begin(), req.values.end(), *found) != req.values.end();
    };
    switch (req.op) {
      case SelectorOperator::kIn:
        if (!listed()) return false;
        break;
      case SelectorOperator::kNotIn:
        if (listed()) return false;
        break;
      case SelectorOperator::kExists:
        if (!found) return false;
        break;
      case SelectorOperator::kDoesNotExist:
        if (found) return false;
        break;
    }
  }
  return true;
}

std::string describe(const LabelSelector& selector) {
  if (selector.empty()) return "<everything>";
  std::string out;
  const auto sep = [&] {
    if (!out.empty()) out += ',';
  };
  for (const auto& [key, value] : selector.match_labels) {
    sep();
    out += key + "=" + value;
  }
  for (const auto& req : selector.match_expressions) {
    sep();
    switch (req.op) {
      case SelectorOperator::kIn:
      case SelectorOperator::kNotIn:
        out += req.key + " " + std::string(op_name(req.op)) + " (" + join(req.values, ",") + ")";
        break;
      case SelectorOperator::kExists: out += req.key; break;
      case SelectorOperator::kDoesNotExist: out += "!" + req.key; break;
    }
  }
  return out;
}

bool is_qualified_name(std::string_view key) {
  const auto slash = key.find('/');
  if (slash == std::string_view::npos) return is_name_part(key, false);
  if (key.find('/', slash + 1) != std::string_view::npos) return false;
  return is_dns_subdomain(key.substr(0, slash)) && is_name_part(key.substr(slash + 1), false);
}

bool is_label_value(std::string_view value) { return is_name_part(value, true); }

std::vector<std::string> validate(const LabelSelector& selector, const std::string& field) {
  std::vector<std::string> problems;
  for (const auto& [key, value] : selector.match_labels) {
    if (!is_qualified_name(key))
      problems.push_back(field + ".matchLabels: invalid label key \"" + key + "\"");
    if (!is_label_value(value))
      problems.push_back(field + ".matchLabels[" + key + "]: invalid label value \"" + value + "\"");
  }
  for (size_t i = 0; i < selector.match_expressions.size(); ++i) {
    const auto& req = selector.match_expressions[i];
    const std::string at = field + ".matchExpressions[" + std::to_string(i) + "]";
    if (!is_qualified_name(req.key))
      problems.push_back(at + ".key: invalid label key \"" + req.key + "\"");
    const bool needs_values =
        req.op == SelectorOperator::kIn || req.op == SelectorOperator::kNotIn;
    if (needs_values && req.values.empty())
      problems.push_back(at + ".values: must be non-empty for operator In/NotIn");
    if (!needs_values && !req.values.empty())
      problems.push_back(at + ".values: must be empty for operator Exists/DoesNotExist");
    for (const auto& v : req.values) {
      if (!is_label_value(v)) problems.push_back(at + ".values: invalid label value \"" + v + "\"");
    }
  }
  return problems;
}

}  // namespace tierguard::policy
