// RBAC rule coverage, case by case against Kubernetes' semantics: the escalation check in
// pkg/registry/rbac/validation/policy_comparator.go (break requested rules into atomic rules, each
// covered by one owner rule) with the authorizer's resource matching from
// pkg/apis/rbac/v1/evaluation_helpers.go ("*/sub" matches any resource's subresource "sub").
#include "policy/rule_coverage.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using testing::rule;
using testing::url_rule;

struct Case {
  const char* name;
  std::vector<PolicyRule> owner;
  std::vector<PolicyRule> requested;
  bool covered;
  std::vector<PolicyRule> uncovered;  // expected atomic rules, in order
};

std::vector<Case> coverage_cases() {
  return {
      // --- exact and wildcard verbs / groups / resources -------------------------------------
      {"exact match", {rule({"get"}, {""}, {"pods"})}, {rule({"get"}, {""}, {"pods"})}, true, {}},
      {"owner verbs superset", {rule({"get", "list", "watch"}, {""}, {"pods"})},
       {rule({"list", "get"}, {""}, {"pods"})}, true, {}},
      {"missing verb", {rule({"get"}, {""}, {"pods"})}, {rule({"get", "delete"}, {""}, {"pods"})}, false,
       {rule({"delete"}, {""}, {"pods"})}},
      {"owner * verb covers any verb", {rule({"*"}, {""}, {"pods"})},
       {rule({"get", "delete", "escalate"}, {""}, {"pods"})}, true, {}},
      {"owner * group covers any group", {rule({"get"}, {"*"}, {"deployments"})},
       {rule({"get"}, {"apps", "extensions", ""}, {"deployments"})}, true, {}},
      {"owner * resource covers any resource", {rule({"get"}, {"apps"}, {"*"})},
       {rule({"get"}, {"apps"}, {"deployments", "statefulsets"})}, true, {}},
      {"owner all wildcards covers everything resource-shaped", {rule({"*"}, {"*"}, {"*"})},
       {rule({"*"}, {"*"}, {"*"}), rule({"get"}, {"apps"}, {"deployments/scale"}, {"web"})}, true, {}},
      {"group mismatch", {rule({"get"}, {"apps"}, {"deployments"})},
       {rule({"get"}, {"extensions"}, {"deployments"})}, false, {rule({"get"}, {"extensions"}, {"deployments"})}},
      {"core group is the empty string, not *", {rule({"get"}, {""}, {"pods"})},
       {rule({"get"}, {"apps"}, {"pods"})}, false, {rule({"get"}, {"apps"}, {"pods"})}},
      {"resource mismatch", {rule({"get"}, {""}, {"pods"})}, {rule({"get"}, {""}, {"services"})}, false,
       {rule({"get"}, {""}, {"services"})}},
      {"verb * only verb missing", {rule({"*"}, {"apps"}, {"deployments"})},
       {rule({"get"}, {""}, {"deployments"})}, false, {rule({"get"}, {""}, {"deployments"})}},

      // --- requested wildcards are literal ----------------------------------------------------
      {"requested * verb needs owner *", {rule({"get", "list", "watch", "create", "update", "patch", "delete"}, {""}, {"pods"})},
       {rule({"*"}, {""}, {"pods"})}, false, {rule({"*"}, {""}, {"pods"})}},
      {"requested * verb with owner *", {rule({"*"}, {""}, {"pods"})}, {rule({"*"}, {""}, {"pods"})}, true, {}},
      {"requested * group needs owner *", {rule({"get"}, {"", "apps"}, {"pods"})}, {rule({"get"}, {"*"}, {"pods"})},
       false, {rule({"get"}, {"*"}, {"pods"})}},
      {"requested * resource needs owner *", {rule({"get"}, {""}, {"pods", "services"})},
       {rule({"get"}, {""}, {"*"})}, false, {rule({"get"}, {""}, {"*"})}},
      {"requested */scale needs owner */scale or *", {rule({"get"}, {"apps"}, {"deployments/scale"})},
       {rule({"get"}, {"apps"}, {"*/scale"})}, false, {rule({"get"}, {"apps"}, {"*/scale"})}},
      {"requested */scale with owner */scale", {rule({"get"}, {"apps"}, {"*/scale"})},
       {rule({"get"}, {"apps"}, {"*/scale"})}, true, {}},

      // --- subresources -------------------------------------------------------------------
      {"owner */scale covers deployments/scale", {rule({"get", "update"}, {"apps"}, {"*/scale"})},
       {rule({"update"}, {"apps"}, {"deployments/scale", "statefulsets/scale"})}, true, {}},
      {"owner */scale does not cover deployments", {rule({"get"}, {"apps"}, {"*/scale"})},
       {rule({"get"}, {"apps"}, {"deployments"})}, false, {rule({"get"}, {"apps"}, {"deployments"})}},
      {"owner */scale does not cover deployments/status", {rule({"get"}, {"apps"}, {"*/scale"})},
       {rule({"get"}, {"apps"}, {"deployments/status"})}, false, {rule({"get"}, {"apps"}, {"deployments/status"})}},
      {"owner */scale does not cover deployments/scalesomething", {rule({"get"}, {"apps"}, {"*/scale"})},
       {rule({"get"}, {"apps"}, {"deployments/scaled"})}, false, {rule({"get"}, {"apps"}, {"deployments/scaled"})}},
      {"owner pods does not cover pods/exec", {rule({"*"}, {""}, {"pods"})}, {rule({"create"}, {""}, {"pods/exec"})},
       false, {rule({"create"}, {""}, {"pods/exec"})}},
      {"owner pods/exec does not cover pods", {rule({"create", "get"}, {""}, {"pods/exec"})},
       {rule({"get"}, {""}, {"pods"})}, false, {rule({"get"}, {""}, {"pods"})}},
      {"owner * covers pods/exec", {rule({"create"}, {""}, {"*"})}, {rule({"create"}, {""}, {"pods/exec"})}, true, {}},
      {"owner pods/exec covers pods/exec", {rule({"create"}, {""}, {"pods/exec"})},
       {rule({"create"}, {""}, {"pods/exec"})}, true, {}},
      {"owner pods/* is not a wildcard", {rule({"get"}, {""}, {"pods/*"})}, {rule({"get"}, {""}, {"pods/log"})}, false,
       {rule({"get"}, {""}, {"pods/log"})}},

      // --- resourceNames -----------------------------------------------------------------------
      {"owner without names covers any name", {rule({"get"}, {""}, {"secrets"})},
       {rule({"get"}, {""}, {"secrets"}, {"a", "b"})}, true, {}},
      {"owner names cover a subset", {rule({"get"}, {""}, {"secrets"}, {"a", "b"})},
       {rule({"get"}, {""}, {"secrets"}, {"a"})}, true, {}},
      {"owner names cover the same set", {rule({"get"}, {""}, {"secrets"}, {"a", "b"})},
       {rule({"get"}, {""}, {"secrets"}, {"b", "a"})}, true, {}},
      {"owner names do not cover unrestricted request", {rule({"get"}, {""}, {"secrets"}, {"a", "b"})},
       {rule({"get"}, {""}, {"secrets"})}, false, {rule({"get"}, {""}, {"secrets"})}},
      {"owner names do not cover another name", {rule({"get"}, {""}, {"secrets"}, {"a", "b"})},
       {rule({"get"}, {""}, {"secrets"}, {"a", "c"})}, false, {rule({"get"}, {""}, {"secrets"}, {"c"})}},
      {"owner name * is literal", {rule({"get"}, {""}, {"secrets"}, {"*"})}, {rule({"get"}, {""}, {"secrets"}, {"x"})},
       false, {rule({"get"}, {""}, {"secrets"}, {"x"})}},

      // --- nonResourceURLs ------------------------------------------------------------------
      {"url exact", {url_rule({"get"}, {"/healthz"})}, {url_rule({"get"}, {"/healthz"})}, true, {}},
      {"url exact mismatch", {url_rule({"get"}, {"/healthz"})}, {url_rule({"get"}, {"/healthz/ready"})}, false,
       {url_rule({"get"}, {"/healthz/ready"})}},
      {"url prefix covers below", {url_rule({"get"}, {"/healthz/*"})},
       {url_rule({"get"}, {"/healthz/ready", "/healthz/", "/healthz/a/b"})}, true, {}},
      {"url prefix does not cover the parent", {url_rule({"get"}, {"/healthz/*"})}, {url_rule({"get"}, {"/healthz"})},
       false, {url_rule({"get"}, {"/healthz"})}},
      {"url prefix without slash covers siblings", {url_rule({"get"}, {"/healthz*"})},
       {url_rule({"get"}, {"/healthz", "/healthzz"})}, true, {}},
      {"url * covers every url", {url_rule({"get", "post"}, {"*"})},
       {url_rule({"get"}, {"/metrics", "/", "/api/v1"}), url_rule({"post"}, {"/logs/x"})}, true, {}},
      {"url requested * needs owner *", {url_rule({"get"}, {"/*"})}, {url_rule({"get"}, {"*"})}, false,
       {url_rule({"get"}, {"*"})}},
      {"url verb mismatch", {url_rule({"get"}, {"/metrics"})}, {url_rule({"post"}, {"/metrics"})}, false,
       {url_rule({"post"}, {"/metrics"})}},
      {"url owner * verb", {url_rule({"*"}, {"/metrics"})}, {url_rule({"get", "post"}, {"/metrics"})}, true, {}},
      {"resource owner does not cover urls", {rule({"*"}, {"*"}, {"*"})}, {url_rule({"get"}, {"/metrics"})}, false,
       {url_rule({"get"}, {"/metrics"})}},
      {"url owner does not cover resources", {url_rule({"*"}, {"*"})}, {rule({"get"}, {""}, {"pods"})}, false,
       {rule({"get"}, {""}, {"pods"})}},
      {"url owner with resourceNames covers nothing unrestricted",
       {[] {
         auto r = url_rule({"get"}, {"*"});
         r.resource_names = {"x"};
         return r;
       }()},
       {url_rule({"get"}, {"/metrics"})}, false, {url_rule({"get"}, {"/metrics"})}},

      // --- mixed resource + nonResource -----------------------------------------------------
      {"mixed requested, both covered", {rule({"get"}, {""}, {"pods"}), url_rule({"get"}, {"/metrics"})},
       {rule({"get"}, {""}, {"pods"}), url_rule({"get"}, {"/metrics"})}, true, {}},
      {"mixed owner rule covers both halves",
       {[] {
         auto r = rule({"get"}, {""}, {"pods"});
         r.non_resource_urls = {"/metrics"};
         return r;
       }()},
       {[] {
         auto r = rule({"get"}, {""}, {"pods"});
         r.non_resource_urls = {"/metrics"};
         return r;
       }()},
       true, {}},
      {"mixed requested rule, url half uncovered", {rule({"get"}, {""}, {"pods"})},
       {[] {
         auto r = rule({"get"}, {""}, {"pods"});
         r.non_resource_urls = {"/metrics"};
         return r;
       }()},
       false, {url_rule({"get"}, {"/metrics"})}},

      // --- rules that grant nothing ------------------------------------------------------------
      {"requested empty verbs grants nothing", {}, {rule({}, {""}, {"pods"})}, true, {}},
      {"requested empty apiGroups grants nothing", {}, {rule({"get"}, {}, {"pods"})}, true, {}},
      {"requested empty resources grants nothing", {}, {rule({"get"}, {""}, {})}, true, {}},
      {"no requested rules", {}, {}, true, {}},
      {"empty owner covers nothing", {}, {rule({"get"}, {""}, {"pods"})}, false, {rule({"get"}, {""}, {"pods"})}},
      {"owner with empty verbs covers nothing", {rule({}, {"*"}, {"*"})}, {rule({"get"}, {""}, {"pods"})}, false,
       {rule({"get"}, {""}, {"pods"})}},

      // --- atomic breakdown: one owner rule must cover each atomic piece -------------------------
      {"verbs split across two owner rules",
       {rule({"get"}, {""}, {"pods"}), rule({"list"}, {""}, {"pods"})}, {rule({"get", "list"}, {""}, {"pods"})}, true,
       {}},
      {"groups split across two owner rules",
       {rule({"get"}, {""}, {"pods"}), rule({"get"}, {"apps"}, {"deployments"})},
       {rule({"get"}, {"", "apps"}, {"pods", "deployments"})}, false,
       {rule({"get"}, {""}, {"deployments"}), rule({"get"}, {"apps"}, {"pods"})}},
      {"names split across two owner rules",
       {rule({"get"}, {""}, {"secrets"}, {"a"}), rule({"get"}, {""}, {"secrets"}, {"b"})},
       {rule({"get"}, {""}, {"secrets"}, {"a", "b"})}, true, {}},
      {"names split, unrestricted still uncovered",
       {rule({"get"}, {""}, {"secrets"}, {"a"}), rule({"get"}, {""}, {"secrets"}, {"b"})},
       {rule({"get"}, {""}, {"secrets"})}, false, {rule({"get"}, {""}, {"secrets"})}},
      {"verb and name must be in the same owner rule",
       {rule({"get"}, {""}, {"secrets"}, {"a"}), rule({"delete"}, {""}, {"secrets"}, {"b"})},
       {rule({"get", "delete"}, {""}, {"secrets"}, {"a", "b"})}, false,
       {rule({"get"}, {""}, {"secrets"}, {"b"}), rule({"delete"}, {""}, {"secrets"}, {"a"})}},

      // --- uncovered list: order and de-duplication --------------------------------------------
      {"uncovered in request order group×resource×verb×name", {},
       {rule({"get", "list"}, {"", "apps"}, {"a", "b"}, {"n1", "n2"})}, false,
       {rule({"get"}, {""}, {"a"}, {"n1"}), rule({"get"}, {""}, {"a"}, {"n2"}),
        rule({"list"}, {""}, {"a"}, {"n1"}), rule({"list"}, {""}, {"a"}, {"n2"}),
        rule({"get"}, {""}, {"b"}, {"n1"}), rule({"get"}, {""}, {"b"}, {"n2"}),
        rule({"list"}, {""}, {"b"}, {"n1"}), rule({"list"}, {""}, {"b"}, {"n2"}),
        rule({"get"}, {"apps"}, {"a"}, {"n1"}), rule({"get"}, {"apps"}, {"a"}, {"n2"}),
        rule({"list"}, {"apps"}, {"a"}, {"n1"}), rule({"list"}, {"apps"}, {"a"}, {"n2"}),
        rule({"get"}, {"apps"}, {"b"}, {"n1"}), rule({"get"}, {"apps"}, {"b"}, {"n2"}),
        rule({"list"}, {"apps"}, {"b"}, {"n1"}), rule({"list"}, {"apps"}, {"b"}, {"n2"})}},
      {"uncovered de-duplicated across requested rules", {rule({"get"}, {""}, {"pods"})},
       {rule({"delete"}, {""}, {"pods"}), rule({"get", "delete"}, {""}, {"pods"}), rule({"delete", "delete"}, {""}, {"pods"})},
       false, {rule({"delete"}, {""}, {"pods"})}},
      {"uncovered keeps only the uncovered atoms", {rule({"get", "list"}, {""}, {"pods", "services"})},
       {rule({"get", "create"}, {""}, {"pods", "secrets"}), url_rule({"get"}, {"/metrics"})}, false,
       {rule({"create"}, {""}, {"pods"}), rule({"get"}, {""}, {"secrets"}), rule({"create"}, {""}, {"secrets"}),
        url_rule({"get"}, {"/metrics"})}},
  };
}

class RuleCoverage : public ::testing::TestWithParam<Case> {};

TEST_P(RuleCoverage, MatchesKubernetesSemantics) {
  const Case& c = GetParam();
  SCOPED_TRACE(std::string("owner: ") + describe(c.owner) + "\nrequested: " + describe(c.requested));
  const CoverageResult result = check_coverage(c.owner, c.requested);
  EXPECT_EQ(result.covered, c.covered);
  EXPECT_EQ(describe(result.uncovered), describe(c.uncovered));
  EXPECT_EQ(result.uncovered, c.uncovered);
  // covered ⟺ nothing left uncovered.
  EXPECT_EQ(result.covered, result.uncovered.empty());
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string out;
  for (const char* p = info.param.name; *p; ++p) out += std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_';
  return out + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Cases, RuleCoverage, ::testing::ValuesIn(coverage_cases()), case_name);

// Adding owner rules never removes coverage, and an owner always covers itself.
TEST(RuleCoverageProperties, EveryRuleSetCoversItselfAndMoreOwnersOnlyHelp) {
  for (const auto& c : coverage_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(check_coverage(c.requested, c.requested).covered) << describe(c.requested);
    auto wider = c.owner;
    wider.push_back(rule({"get"}, {"unrelated.example.com"}, {"widgets"}));
    EXPECT_EQ(check_coverage(wider, c.requested).covered, c.covered);
    // Every uncovered atom is exactly what is missing: adding them back covers the request.
    auto completed = c.owner;
    for (const auto& u : c.uncovered) completed.push_back(u);
    EXPECT_TRUE(check_coverage(completed, c.requested).covered);
  }
}

TEST(BreakDown, ResourceRuleIsGroupByResourceByVerbByName) {
  const auto atoms = break_down(rule({"get", "list"}, {"", "apps"}, {"x"}, {"n"}));
  ASSERT_EQ(atoms.size(), 4u);
  EXPECT_EQ(atoms[0], rule({"get"}, {""}, {"x"}, {"n"}));
  EXPECT_EQ(atoms[1], rule({"list"}, {""}, {"x"}, {"n"}));
  EXPECT_EQ(atoms[2], rule({"get"}, {"apps"}, {"x"}, {"n"}));
  EXPECT_EQ(atoms[3], rule({"list"}, {"apps"}, {"x"}, {"n"}));
}

TEST(BreakDown, UrlRuleIsUrlByVerbAndDropsGroupsAndNames) {
  PolicyRule r = url_rule({"get", "post"}, {"/a", "/b"});
  r.resource_names = {"ignored"};
  const auto atoms = break_down(r);
  ASSERT_EQ(atoms.size(), 4u);
  EXPECT_EQ(atoms[0], url_rule({"get"}, {"/a"}));
  EXPECT_EQ(atoms[1], url_rule({"post"}, {"/a"}));
  EXPECT_EQ(atoms[2], url_rule({"get"}, {"/b"}));
  EXPECT_EQ(atoms[3], url_rule({"post"}, {"/b"}));
}

TEST(BreakDown, MixedRuleGivesResourceAtomsThenUrlAtoms) {
  PolicyRule r = rule({"get"}, {""}, {"pods"});
  r.non_resource_urls = {"/metrics"};
  const auto atoms = break_down(r);
  ASSERT_EQ(atoms.size(), 2u);
  EXPECT_EQ(atoms[0], rule({"get"}, {""}, {"pods"}));
  EXPECT_EQ(atoms[1], url_rule({"get"}, {"/metrics"}));
}

TEST(BreakDown, RulesThatGrantNothingBreakIntoNothing) {
  EXPECT_TRUE(break_down(rule({}, {""}, {"pods"})).empty());
  EXPECT_TRUE(break_down(rule({"get"}, {}, {"pods"})).empty());
  EXPECT_TRUE(break_down(rule({"get"}, {""}, {})).empty());
  EXPECT_TRUE(break_down(url_rule({}, {"/metrics"})).empty());
  EXPECT_TRUE(break_down(PolicyRule{}).empty());
}

TEST(CoversAtomic, ChecksEveryDimension) {
  const PolicyRule owner = rule({"get"}, {"apps"}, {"deployments"}, {"web"});
  EXPECT_TRUE(covers_atomic(owner, rule({"get"}, {"apps"}, {"deployments"}, {"web"})));
  EXPECT_FALSE(covers_atomic(owner, rule({"list"}, {"apps"}, {"deployments"}, {"web"})));
  EXPECT_FALSE(covers_atomic(owner, rule({"get"}, {""}, {"deployments"}, {"web"})));
  EXPECT_FALSE(covers_atomic(owner, rule({"get"}, {"apps"}, {"replicasets"}, {"web"})));
  EXPECT_FALSE(covers_atomic(owner, rule({"get"}, {"apps"}, {"deployments"}, {"api"})));
  EXPECT_FALSE(covers_atomic(owner, rule({"get"}, {"apps"}, {"deployments"})));
}

TEST(NamespacedPart, DropsNonResourceUrls) {
  PolicyRule mixed = rule({"get"}, {""}, {"pods"});
  mixed.non_resource_urls = {"/metrics"};
  const std::vector<PolicyRule> rules{url_rule({"get"}, {"/healthz"}), mixed, rule({"list"}, {"apps"}, {"deployments"}, {"a"})};
  const auto part = namespaced_part(rules);
  ASSERT_EQ(part.size(), 2u);
  EXPECT_EQ(part[0], rule({"get"}, {""}, {"pods"}));
  EXPECT_EQ(part[1], rule({"list"}, {"apps"}, {"deployments"}, {"a"}));
  EXPECT_TRUE(namespaced_part({url_rule({"*"}, {"*"})}).empty());
  EXPECT_TRUE(namespaced_part({}).empty());
}

TEST(NamespacedPart, UrlOnlyRoleIsCoveredByAnythingInANamespace) {
  // A ClusterRole with only nonResourceURLs grants nothing through a RoleBinding.
  EXPECT_TRUE(check_coverage({}, namespaced_part({url_rule({"*"}, {"*"})})).covered);
}

TEST(Describe, RuleListsOnlySetFieldsAndQuotesTheCoreGroup) {
  EXPECT_EQ(describe(rule({"get", "list"}, {""}, {"pods"})), "verbs=[get,list] apiGroups=[\"\"] resources=[pods]");
  EXPECT_EQ(describe(rule({"get"}, {"apps"}, {"deployments"}, {"web"})),
            "verbs=[get] apiGroups=[apps] resources=[deployments] resourceNames=[web]");
  EXPECT_EQ(describe(url_rule({"get"}, {"/healthz"})), "verbs=[get] nonResourceURLs=[/healthz]");
  EXPECT_EQ(describe(std::vector<PolicyRule>{url_rule({"get"}, {"/a"}), url_rule({"get"}, {"/b"})}),
            "{verbs=[get] nonResourceURLs=[/a]}; {verbs=[get] nonResourceURLs=[/b]}");
  EXPECT_EQ(describe(std::vector<PolicyRule>{}), "");
}

}  // namespace
}  // namespace tierguard::policy
