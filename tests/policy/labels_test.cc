#include "policy/labels.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using testing::expression;
using testing::match;

TEST(FindLabel, ReturnsValueOrNothing) {
  const Labels labels{{"env", "prod"}, {"empty", ""}};
  EXPECT_EQ(find_label(labels, "env"), "prod");
  EXPECT_EQ(find_label(labels, "empty"), "");
  EXPECT_FALSE(find_label(labels, "missing").has_value());
}

TEST(LabelSelector, EmptySelectorMatchesEverything) {
  const LabelSelector all;
  EXPECT_TRUE(all.empty());
  EXPECT_TRUE(all.matches({}));
  EXPECT_TRUE(all.matches({{"anything", "at-all"}}));
}

TEST(LabelSelector, MatchLabelsNeedsEveryPairExactly) {
  const auto s = match({{"env", "prod"}, {"team", "a"}});
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.matches({{"env", "prod"}, {"team", "a"}, {"extra", "x"}}));
  EXPECT_FALSE(s.matches({{"env", "prod"}}));
  EXPECT_FALSE(s.matches({{"env", "prod"}, {"team", "b"}}));
  EXPECT_FALSE(s.matches({{"env", "Prod"}, {"team", "a"}}));
  EXPECT_FALSE(s.matches({}));
}

TEST(LabelSelector, MatchLabelsEmptyValueNeedsThePresentEmptyLabel) {
  const auto s = match({{"flag", ""}});
  EXPECT_TRUE(s.matches({{"flag", ""}}));
  EXPECT_FALSE(s.matches({}));
}

struct OperatorCase {
  const char* name;
  SelectorOperator op;
  std::vector<std::string> values;
  Labels labels;
  bool matches;
};

TEST(LabelSelector, OperatorsFollowKubernetes) {
  const OperatorCase cases[] = {
      {"In listed", SelectorOperator::kIn, {"a", "b"}, {{"k", "b"}}, true},
      {"In not listed", SelectorOperator::kIn, {"a", "b"}, {{"k", "c"}}, false},
      {"In absent key", SelectorOperator::kIn, {"a"}, {}, false},
      {"In empty value listed", SelectorOperator::kIn, {""}, {{"k", ""}}, true},
      {"NotIn listed", SelectorOperator::kNotIn, {"a", "b"}, {{"k", "a"}}, false},
      {"NotIn not listed", SelectorOperator::kNotIn, {"a", "b"}, {{"k", "c"}}, true},
      {"NotIn absent key matches", SelectorOperator::kNotIn, {"a"}, {}, true},
      {"Exists present", SelectorOperator::kExists, {}, {{"k", ""}}, true},
      {"Exists absent", SelectorOperator::kExists, {}, {{"other", "x"}}, false},
      {"DoesNotExist absent", SelectorOperator::kDoesNotExist, {}, {{"other", "x"}}, true},
      {"DoesNotExist present", SelectorOperator::kDoesNotExist, {}, {{"k", "x"}}, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(expression("k", c.op, c.values).matches(c.labels), c.matches);
  }
}

TEST(LabelSelector, LabelsAndExpressionsAreAnded) {
  LabelSelector s = match({{"env", "prod"}});
  s.match_expressions.push_back({"tier", SelectorOperator::kIn, {"web", "api"}});
  s.match_expressions.push_back({"legacy", SelectorOperator::kDoesNotExist, {}});
  EXPECT_TRUE(s.matches({{"env", "prod"}, {"tier", "api"}}));
  EXPECT_FALSE(s.matches({{"env", "dev"}, {"tier", "api"}}));
  EXPECT_FALSE(s.matches({{"env", "prod"}, {"tier", "db"}}));
  EXPECT_FALSE(s.matches({{"env", "prod"}, {"tier", "api"}, {"legacy", "true"}}));
}

TEST(Describe, UsesKubernetesSelectorSyntax) {
  EXPECT_EQ(describe(LabelSelector{}), "<everything>");
  LabelSelector s = match({{"env", "prod"}});
  s.match_expressions.push_back({"tier", SelectorOperator::kIn, {"a", "b"}});
  s.match_expressions.push_back({"zone", SelectorOperator::kNotIn, {"x"}});
  s.match_expressions.push_back({"legacy", SelectorOperator::kDoesNotExist, {}});
  s.match_expressions.push_back({"owner", SelectorOperator::kExists, {}});
  EXPECT_EQ(describe(s), "env=prod,tier in (a,b),zone notin (x),!legacy,owner");
}

TEST(IsQualifiedName, NameRules) {
  for (const char* ok : {"a", "env", "A1", "a-b_c.d", "tierguard.io/tier", "x.example.com/a",
                         "kubernetes.io/bootstrapping", "1a"}) {
    EXPECT_TRUE(is_qualified_name(ok)) << ok;
  }
  for (const char* bad : {"", "-a", "a-", "_a", "a_", ".a", "a b", "a/b/c", "/a", "a/", "Upper.io/x",
                          "under_score.io/x", "-x.io/a", "x..io/a", "x.io/-a", "é"}) {
    EXPECT_FALSE(is_qualified_name(bad)) << bad;
  }
}

TEST(IsQualifiedName, LengthLimits) {
  const std::string name63(63, 'a'), name64(64, 'a');
  EXPECT_TRUE(is_qualified_name(name63));
  EXPECT_FALSE(is_qualified_name(name64));
  EXPECT_TRUE(is_qualified_name("example.com/" + name63));
  EXPECT_FALSE(is_qualified_name("example.com/" + name64));

  // Prefix: a DNS subdomain of at most 253 characters.
  std::string prefix253;
  while (prefix253.size() < 253) prefix253 += prefix253.empty() ? std::string(61, 'p') : "." + std::string(61, 'p');
  prefix253.resize(253);
  ASSERT_NE(prefix253.back(), '.');
  EXPECT_TRUE(is_qualified_name(prefix253 + "/name"));
  EXPECT_FALSE(is_qualified_name(prefix253 + "q/name"));
  // The apiserver checks the prefix's total length only, not each DNS label's.
  EXPECT_TRUE(is_qualified_name(std::string(100, 'p') + ".example.com/name"));
}

TEST(IsLabelValue, ValueRules) {
  EXPECT_TRUE(is_label_value(""));
  EXPECT_TRUE(is_label_value("prod"));
  EXPECT_TRUE(is_label_value("v1.2_3-x"));
  EXPECT_TRUE(is_label_value(std::string(63, 'v')));
  EXPECT_FALSE(is_label_value(std::string(64, 'v')));
  EXPECT_FALSE(is_label_value("-x"));
  EXPECT_FALSE(is_label_value("x."));
  EXPECT_FALSE(is_label_value("a/b"));
  EXPECT_FALSE(is_label_value("a b"));
}

TEST(Validate, ValidSelectorHasNoProblems) {
  LabelSelector s = match({{"tierguard.io/environment", "prod"}});
  s.match_expressions.push_back({"team", SelectorOperator::kIn, {"a", "b"}});
  s.match_expressions.push_back({"legacy", SelectorOperator::kDoesNotExist, {}});
  EXPECT_TRUE(validate(s, "spec.x").empty());
  EXPECT_TRUE(validate(LabelSelector{}, "spec.x").empty());
}

TEST(Validate, EachProblemNamesItsField) {
  struct Case {
    const char* name;
    LabelSelector selector;
    const char* expected;
  };
  const Case cases[] = {
      {"bad matchLabels key", match({{"bad key", "v"}}), "spec.sel.matchLabels: invalid label key \"bad key\""},
      {"bad matchLabels value", match({{"k", "bad value"}}), "spec.sel.matchLabels[k]: invalid label value \"bad value\""},
      {"bad expression key", expression("a/b/c", SelectorOperator::kExists),
       "spec.sel.matchExpressions[0].key: invalid label key \"a/b/c\""},
      {"In without values", expression("k", SelectorOperator::kIn),
       "spec.sel.matchExpressions[0].values: must be non-empty for operator In/NotIn"},
      {"NotIn without values", expression("k", SelectorOperator::kNotIn),
       "spec.sel.matchExpressions[0].values: must be non-empty for operator In/NotIn"},
      {"Exists with values", expression("k", SelectorOperator::kExists, {"v"}),
       "spec.sel.matchExpressions[0].values: must be empty for operator Exists/DoesNotExist"},
      {"DoesNotExist with values", expression("k", SelectorOperator::kDoesNotExist, {"v"}),
       "spec.sel.matchExpressions[0].values: must be empty for operator Exists/DoesNotExist"},
      {"bad expression value", expression("k", SelectorOperator::kIn, {"ok", "-bad"}),
       "spec.sel.matchExpressions[0].values: invalid label value \"-bad\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto problems = validate(c.selector, "spec.sel");
    ASSERT_EQ(problems.size(), 1u) << testing::joined(problems);
    EXPECT_EQ(problems[0], c.expected);
  }
}

TEST(Validate, ReportsEveryProblemWithTheRightIndex) {
  LabelSelector s;
  s.match_expressions.push_back({"ok", SelectorOperator::kExists, {}});
  s.match_expressions.push_back({"-bad", SelectorOperator::kIn, {}});
  const auto problems = validate(s, "f");
  ASSERT_EQ(problems.size(), 2u) << testing::joined(problems);
  EXPECT_EQ(problems[0], "f.matchExpressions[1].key: invalid label key \"-bad\"");
  EXPECT_EQ(problems[1], "f.matchExpressions[1].values: must be non-empty for operator In/NotIn");
}

}  // namespace
}  // namespace tierguard::policy
