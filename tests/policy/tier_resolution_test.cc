#include "policy/tier_resolution.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

// Tiers as the view keeps them: ordered by (rank, name).
class TierResolutionTest : public ::testing::Test {
 protected:
  void add(PrivilegeTier tier) { snapshot_.upsert_tier(std::move(tier)); }
  const std::vector<PrivilegeTier>& tiers() const { return snapshot_.tiers(); }
  TierResolution resolve(const ServiceAccount& sa, const Labels& ns_labels = {}) const {
    return resolve_tier(tiers(), sa, ns_labels);
  }

  state::Snapshot snapshot_;
};

TEST_F(TierResolutionTest, AnnotationOverridesSelectors) {
  add(TierBuilder("restricted", 10).accounts(everything()));
  add(TierBuilder("privileged", 90));
  const auto r = resolve(make_account("ns", "sa", {}, tier_annotation("privileged")));
  ASSERT_NE(r.tier, nullptr);
  EXPECT_EQ(r.tier->name, "privileged");
  EXPECT_EQ(r.source, TierSource::kAnnotation);
  EXPECT_EQ(r.explanation, "annotation tierguard.io/tier=\"privileged\"");
  EXPECT_TRUE(r.governed());
}

TEST_F(TierResolutionTest, AnnotationNamingAnUnknownTierGivesNoTier) {
  add(TierBuilder("restricted", 10).is_default().accounts(everything()));
  const auto r = resolve(make_account("ns", "sa", {}, tier_annotation("godmode")));
  EXPECT_EQ(r.tier, nullptr);
  EXPECT_EQ(r.source, TierSource::kUnknownAnnotation);
  EXPECT_TRUE(contains(r.explanation, "\"godmode\"")) << r.explanation;
  EXPECT_TRUE(contains(r.explanation, "does not exist")) << r.explanation;
  EXPECT_TRUE(r.governed());
}

TEST_F(TierResolutionTest, SeveralSelectorMatchesLowestRankWins) {
  add(TierBuilder("high", 50).namespaces(match({{"env", "prod"}})));
  add(TierBuilder("low", 5).accounts(match({{"app", "web"}})));
  add(TierBuilder("mid", 20).accounts(everything()));
  const auto r = resolve(make_account("ns", "sa", {{"app", "web"}}), {{"env", "prod"}});
  ASSERT_NE(r.tier, nullptr);
  EXPECT_EQ(r.tier->name, "low");
  EXPECT_EQ(r.source, TierSource::kSelector);
  EXPECT_EQ(r.explanation,
            "selected by tier \"low\" (also matched: \"mid\" rank 20 \"high\" rank 50; the lowest rank wins)");
}

TEST_F(TierResolutionTest, RankTieBrokenByName) {
  // Insertion order must not matter.
  add(TierBuilder("zeta", 10).accounts(everything()));
  add(TierBuilder("alpha", 10).accounts(everything()));
  add(TierBuilder("beta", 10).accounts(everything()));
  const auto r = resolve(make_account("ns", "sa"));
  ASSERT_NE(r.tier, nullptr);
  EXPECT_EQ(r.tier->name, "alpha");
  EXPECT_TRUE(contains(r.explanation, "\"beta\" rank 10 \"zeta\" rank 10")) << r.explanation;
}

TEST_F(TierResolutionTest, SingleMatchHasNoAlsoMatchedClause) {
  add(TierBuilder("only", 1).accounts(everything()));
  const auto r = resolve(make_account("ns", "sa"));
  EXPECT_EQ(r.explanation, "selected by tier \"only\"");
}

TEST_F(TierResolutionTest, TierWithoutSelectorsIsReachedOnlyByAnnotationOrDefault) {
  add(TierBuilder("no-selectors", 1));
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"a", "b"}})).source, TierSource::kNone);
  const auto annotated = resolve(make_account("ns", "sa", {}, tier_annotation("no-selectors")));
  ASSERT_NE(annotated.tier, nullptr);
  EXPECT_EQ(annotated.tier->name, "no-selectors");
}

TEST_F(TierResolutionTest, DefaultTierWithoutSelectorsIsTheFallback) {
  add(TierBuilder("fallback", 99).is_default());
  add(TierBuilder("web", 50).accounts(match({{"app", "web"}})));
  const auto other = resolve(make_account("ns", "sa", {{"app", "db"}}));
  ASSERT_NE(other.tier, nullptr);
  EXPECT_EQ(other.tier->name, "fallback");
  EXPECT_EQ(other.source, TierSource::kDefault);
  EXPECT_EQ(other.explanation, "no tier selects it; default tier \"fallback\"");
  // A selector match beats the default even when the default ranks lower.
  const auto web = resolve(make_account("ns", "sa", {{"app", "web"}}));
  EXPECT_EQ(web.tier->name, "web");
}

TEST_F(TierResolutionTest, DefaultTierWithSelectorsTakesPartInMatching) {
  add(TierBuilder("default", 10).is_default().accounts(match({{"app", "x"}})));
  add(TierBuilder("other", 5).accounts(match({{"app", "x"}})));
  const auto r = resolve(make_account("ns", "sa", {{"app", "x"}}));
  EXPECT_EQ(r.tier->name, "other");
  EXPECT_EQ(r.source, TierSource::kSelector);
}

TEST_F(TierResolutionTest, UnsetSelectorSideMatchesEverything) {
  add(TierBuilder("by-namespace", 1).namespaces(match({{"env", "dev"}})));
  add(TierBuilder("by-account", 2).accounts(match({{"app", "ci"}})));
  // Only the namespace side is set: any account labels.
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"whatever", "x"}}), {{"env", "dev"}}).tier->name, "by-namespace");
  // Only the account side is set: any namespace labels.
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"app", "ci"}}), {{"env", "prod"}}).tier->name, "by-account");
  EXPECT_EQ(resolve(make_account("ns", "sa"), {{"env", "prod"}}).source, TierSource::kNone);
}

TEST_F(TierResolutionTest, BothSelectorsMustMatch) {
  add(TierBuilder("both", 1).accounts(match({{"app", "web"}})).namespaces(match({{"env", "prod"}})));
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"app", "web"}}), {{"env", "prod"}}).tier->name, "both");
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"app", "web"}}), {{"env", "dev"}}).tier, nullptr);
  EXPECT_EQ(resolve(make_account("ns", "sa", {{"app", "db"}}), {{"env", "prod"}}).tier, nullptr);
}

TEST_F(TierResolutionTest, NothingAndNoDefaultIsNone) {
  add(TierBuilder("web", 1).accounts(match({{"app", "web"}})));
  const auto r = resolve(make_account("ns", "sa"));
  EXPECT_EQ(r.tier, nullptr);
  EXPECT_EQ(r.source, TierSource::kNone);
  EXPECT_EQ(r.explanation, "no tier selects it and no tier is the default");
  EXPECT_TRUE(r.governed());
}

TEST_F(TierResolutionTest, NoTiersAtAllIsNone) {
  EXPECT_EQ(resolve(make_account("ns", "sa")).source, TierSource::kNone);
}

TEST(TierResolutionView, ExemptNamespaceIsNotGoverned) {
  state::Snapshot view;
  view.upsert_tier(TierBuilder("all", 1).is_default());
  view.upsert_service_account(make_account("kube-system", "coredns", {}, tier_annotation("all")));
  const auto r = resolve_tier(view, "kube-system", "coredns", PolicyOptions{});
  EXPECT_EQ(r.tier, nullptr);
  EXPECT_EQ(r.source, TierSource::kExempt);
  EXPECT_FALSE(r.governed());
  EXPECT_EQ(r.explanation, "namespace \"kube-system\" is exempt");

  PolicyOptions custom;
  custom.exempt_namespaces = {"platform"};
  EXPECT_EQ(resolve_tier(view, "kube-system", "coredns", custom).source, TierSource::kAnnotation);
  EXPECT_EQ(resolve_tier(view, "platform", "x", custom).source, TierSource::kExempt);
}

TEST(TierResolutionView, UsesTheAccountAndItsNamespaceLabels) {
  state::Snapshot view;
  view.upsert_tier(TierBuilder("prod-web", 5).accounts(match({{"app", "web"}})).namespaces(match({{"env", "prod"}})));
  view.upsert_namespace(make_namespace("shop", {{"env", "prod"}}));
  view.upsert_service_account(make_account("shop", "web", {{"app", "web"}}));
  const auto r = resolve_tier(view, "shop", "web", PolicyOptions{});
  ASSERT_NE(r.tier, nullptr);
  EXPECT_EQ(r.tier->name, "prod-web");
  EXPECT_EQ(r.tier, view.find_tier("prod-web"));
  EXPECT_EQ(r.explanation, "selected by tier \"prod-web\"");
}

TEST(TierResolutionView, MissingAccountResolvesFromNamespaceLabelsAndSaysSo) {
  state::Snapshot view;
  view.upsert_tier(TierBuilder("dev", 5).namespaces(match({{"env", "dev"}})));
  view.upsert_tier(TierBuilder("web", 1).accounts(match({{"app", "web"}})));
  view.upsert_namespace(make_namespace("play", {{"env", "dev"}}));
  const auto r = resolve_tier(view, "play", "not-created-yet", PolicyOptions{});
  ASSERT_NE(r.tier, nullptr);
  EXPECT_EQ(r.tier->name, "dev");
  EXPECT_EQ(r.explanation, "selected by tier \"dev\" (service account not found; resolved from its namespace)");
}

TEST(TierResolutionView, MissingAccountAndNamespaceFallsBackToDefaultOrNone) {
  state::Snapshot view;
  view.upsert_tier(TierBuilder("dev", 5).namespaces(match({{"env", "dev"}})));
  auto none = resolve_tier(view, "ghost", "sa", PolicyOptions{});
  EXPECT_EQ(none.source, TierSource::kNone);
  EXPECT_TRUE(contains(none.explanation, "(service account not found; resolved from its namespace)"));
  view.upsert_tier(TierBuilder("base", 0).is_default());
  EXPECT_EQ(resolve_tier(view, "ghost", "sa", PolicyOptions{}).source, TierSource::kDefault);
}

}  // namespace
}  // namespace tierguard::policy
