#include "policy/rule_summary.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "policy/rule_coverage.h"

namespace tierguard::policy {
namespace {

using testing::rule;
using testing::url_rule;

TEST(SummarizeRules, FoldsVerbsThenResourcesThenUrls) {
  EXPECT_EQ(summarize_rules(break_down(rule({"get", "list"}, {""}, {"pods", "services"}))),
            std::vector<PolicyRule>{rule({"get", "list"}, {""}, {"pods", "services"})});
  EXPECT_EQ(summarize_rules(break_down(url_rule({"get", "post"}, {"/a", "/b"}))),
            std::vector<PolicyRule>{url_rule({"get", "post"}, {"/a", "/b"})});
}

TEST(SummarizeRules, KeepsGroupsAndNamesApart) {
  const auto folded = summarize_rules(break_down(rule({"get"}, {"", "apps"}, {"x"}, {"a", "b"})));
  EXPECT_EQ(folded, (std::vector<PolicyRule>{rule({"get"}, {""}, {"x"}, {"a"}), rule({"get"}, {""}, {"x"}, {"b"}),
                                             rule({"get"}, {"apps"}, {"x"}, {"a"}), rule({"get"}, {"apps"}, {"x"}, {"b"})}));
}

TEST(SummarizeRules, DoesNotMergeRulesWithDifferentVerbSets) {
  // get+list on pods, get only on secrets: the resource fold must not claim list on secrets.
  const std::vector<PolicyRule> atomic{rule({"get"}, {""}, {"pods"}), rule({"list"}, {""}, {"pods"}),
                                       rule({"get"}, {""}, {"secrets"})};
  const auto folded = summarize_rules(atomic);
  EXPECT_EQ(folded, (std::vector<PolicyRule>{rule({"get", "list"}, {""}, {"pods"}), rule({"get"}, {""}, {"secrets"})}));
}

TEST(SummarizeRules, GrantsExactlyWhatTheAtomicRulesGrant) {
  const std::vector<std::vector<PolicyRule>> inputs{
      {rule({"get", "list", "watch"}, {"", "apps"}, {"pods", "deployments", "pods/exec"}, {"a"}),
       url_rule({"get"}, {"/metrics", "/healthz"})},
      {rule({"get"}, {""}, {"pods"}), rule({"delete"}, {""}, {"secrets"}), rule({"get"}, {""}, {"secrets"}),
       rule({"delete"}, {""}, {"pods"}, {"x"})},
  };
  for (const auto& rules : inputs) {
    SCOPED_TRACE(describe(rules));
    std::vector<PolicyRule> atomic;
    for (const auto& r : rules)
      for (auto& a : break_down(r)) atomic.push_back(std::move(a));
    const auto folded = summarize_rules(atomic);
    EXPECT_LE(folded.size(), atomic.size());
    // Same permissions both ways.
    EXPECT_TRUE(check_coverage(atomic, folded).covered) << describe(folded);
    EXPECT_TRUE(check_coverage(folded, atomic).covered) << describe(folded);
  }
}

TEST(SummarizeRules, EmptyStaysEmpty) { EXPECT_TRUE(summarize_rules({}).empty()); }

}  // namespace
}  // namespace tierguard::policy
