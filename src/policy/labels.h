#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tierguard::policy {

// Labels or annotations of an object.
using Labels = std::map<std::string, std::string, std::less<>>;

std::optional<std::string_view> find_label(const Labels& labels, std::string_view key);

enum class SelectorOperator { kIn, kNotIn, kExists, kDoesNotExist };

struct SelectorRequirement {
  std::string key;
  SelectorOperator op = SelectorOperator::kIn;
  std::vector<std::string> values;
};

// A metav1.LabelSelector. An empty selector ({}) matches everything; whether an absent selector
// matches is decided by the field that holds it, never here.
struct LabelSelector {
  Labels match_labels;
  std::vector<SelectorRequirement> match_expressions;

  bool matches(const Labels& labels) const;
  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
};

// Kubernetes' selector syntax: "env=prod,tier in (a,b),!legacy"; "{}" renders as "<everything>".
std::string describe(const LabelSelector& selector);

// Checks a selector the way the apiserver validates one: qualified-name keys, valid label
// values, operators with the right number of values. Returns one message per problem, each
// prefixed by `field` (e.g. "spec.placement.namespaceSelector.matchExpressions[0].values").
std::vector<std::string> validate(const LabelSelector& selector, const std::string& field);

// Label key syntax: optional DNS-subdomain prefix + "/" + name of at most 63 characters.
bool is_qualified_name(std::string_view key);
bool is_label_value(std::string_view value);

}  // namespace tierguard::policy
