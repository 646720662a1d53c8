#include "policy/decision.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace tierguard::policy {
namespace {

using namespace testing;

Violation violation(const PrivilegeTier* tier, std::string rule, std::string message, bool advisory = false) {
  return Violation{tier, "prod/api", std::move(rule), std::move(message), advisory};
}

TEST(Decide, NoViolationsIsAllowed) {
  const Decision d = decide({}, "prod/api", "standard");
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_EQ(d.message(), "");
  ASSERT_NE(annotation(d, "decision"), nullptr);
  EXPECT_EQ(*annotation(d, "decision"), "allowed");
  EXPECT_EQ(*annotation(d, "tier"), "standard");
  EXPECT_EQ(*annotation(d, "service-account"), "prod/api");
  EXPECT_EQ(annotation(d, "violations"), nullptr);
}

TEST(Decide, EmptyTierAndAccountAreNotAnnotated) {
  const Decision d = decide({}, "", "");
  EXPECT_EQ(annotation(d, "tier"), nullptr);
  EXPECT_EQ(annotation(d, "service-account"), nullptr);
  EXPECT_EQ(d.audit_annotations.size(), 1u);
}

TEST(Decide, EnforceDenies) {
  const PrivilegeTier tier = TierBuilder("standard").enforcement(Enforcement::kEnforce);
  const Decision d = decide({violation(&tier, "placement", "outside placement; move it")}, "prod/api", "standard");
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0], "service account prod/api (tier \"standard\"): placement: outside placement; move it");
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_EQ(d.message(), "tierguard: " + d.reasons[0]);
  EXPECT_EQ(*annotation(d, "decision"), "denied");
  EXPECT_EQ(*annotation(d, "violations"), d.reasons[0]);
}

TEST(Decide, WarnWarnsWithPrefixAndAllows) {
  const PrivilegeTier tier = TierBuilder("standard").enforcement(Enforcement::kWarn);
  const Decision d = decide({violation(&tier, "standing", "too much")}, "prod/api", "standard");
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
  ASSERT_EQ(d.warnings.size(), 1u);
  EXPECT_EQ(d.warnings[0], "tierguard: service account prod/api (tier \"standard\"): standing: too much");
  EXPECT_EQ(*annotation(d, "decision"), "allowed-with-violations");
  EXPECT_TRUE(contains(*annotation(d, "violations"), "standing: too much"));
}

TEST(Decide, AuditOnlyRecords) {
  const PrivilegeTier tier = TierBuilder("standard").enforcement(Enforcement::kAudit);
  const Decision d = decide({violation(&tier, "standing", "too much")}, "prod/api", "standard");
  EXPECT_TRUE(d.allowed);
  EXPECT_TRUE(d.reasons.empty());
  EXPECT_TRUE(d.warnings.empty());
  EXPECT_EQ(*annotation(d, "decision"), "allowed-with-violations");
  EXPECT_EQ(*annotation(d, "violations"), "service account prod/api (tier \"standard\"): standing: too much");
}

TEST(Decide, ViolationWithoutTierAlwaysDenies) {
  const Decision d = decide({violation(nullptr, "tier", "has no privilege tier")}, "prod/api", "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons.at(0), "service account prod/api: tier: has no privilege tier");
}

TEST(Decide, AdvisoryIsAWarningWhateverTheEnforcement) {
  for (auto mode : {Enforcement::kEnforce, Enforcement::kWarn, Enforcement::kAudit}) {
    SCOPED_TRACE(std::string(to_string(mode)));
    const PrivilegeTier tier = TierBuilder("t").enforcement(mode);
    const Decision d = decide({violation(&tier, "sharing", "shared", /*advisory=*/true)}, "prod/api", "t");
    EXPECT_TRUE(d.allowed);
    ASSERT_EQ(d.warnings.size(), 1u);
    EXPECT_EQ(d.warnings[0], "tierguard: service account prod/api (tier \"t\"): sharing: shared");
    EXPECT_EQ(*annotation(d, "decision"), "allowed-with-violations");
  }
}

TEST(Decide, MixedViolationsKeepOrderAndJoinReasons) {
  const PrivilegeTier enforce = TierBuilder("a").enforcement(Enforcement::kEnforce);
  const PrivilegeTier warn = TierBuilder("b").enforcement(Enforcement::kWarn);
  const Decision d = decide({violation(&enforce, "r1", "m1"), violation(&warn, "r2", "m2"),
                             violation(&enforce, "r3", "m3"), violation(&enforce, "r4", "m4", true)},
                            "prod/api", "");
  EXPECT_FALSE(d.allowed);
  ASSERT_EQ(d.reasons.size(), 2u);
  EXPECT_EQ(d.message(), "tierguard: service account prod/api (tier \"a\"): r1: m1; service account prod/api (tier \"a\"): r3: m3");
  ASSERT_EQ(d.warnings.size(), 2u);
  EXPECT_TRUE(contains(d.warnings[0], "r2: m2"));
  EXPECT_TRUE(contains(d.warnings[1], "r4: m4"));
  for (const auto& w : d.warnings) EXPECT_EQ(w.rfind("tierguard: ", 0), 0u) << w;
  // No double prefix.
  for (const auto& w : d.warnings) EXPECT_FALSE(contains(w, "tierguard: tierguard:")) << w;
  const std::string audited = *annotation(d, "violations");
  EXPECT_LT(audited.find("r1: m1"), audited.find("r2: m2"));
  EXPECT_LT(audited.find("r2: m2"), audited.find("r3: m3"));
  EXPECT_LT(audited.find("r3: m3"), audited.find("r4: m4"));
  EXPECT_TRUE(contains(audited, " | "));
}

TEST(Decide, ViolationAboutTheObjectItselfNamesNoServiceAccount) {
  Violation v{nullptr, "", "roleRef", "ClusterRoleBinding x references Role y", false};
  const Decision d = decide({v}, "", "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message(), "tierguard: roleRef: ClusterRoleBinding x references Role y");
}

TEST(AccountPhrase, SingularPluralAndFutureAccounts) {
  const PrivilegeTier tier = TierBuilder("t");
  EXPECT_EQ(account_phrase("ns/a", nullptr), "service account ns/a");
  EXPECT_EQ(account_phrase("ns/a", &tier), "service account ns/a (tier \"t\")");
  EXPECT_EQ(account_phrase("ns/a, ns/b", &tier), "service accounts ns/a, ns/b (tier \"t\")");
  EXPECT_EQ(account_phrase("ns/a, ns/b, ns/c and 2 more", nullptr), "service accounts ns/a, ns/b, ns/c and 2 more");
  EXPECT_EQ(account_phrase("new service accounts in ns", &tier), "new service accounts in ns (tier \"t\")");
}

}  // namespace
}  // namespace tierguard::policy
