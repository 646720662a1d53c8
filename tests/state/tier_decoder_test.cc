#include "state/tier_decoder.h"

#include <gtest/gtest.h>

#include "state/manifest_reader.h"
#include "state/object_decoder.h"
#include "state/yaml_json.h"
#include "test_util.h"

namespace tierguard::state {
namespace {

using namespace std::chrono_literals;
using testing::contains;
using testing::decode_error_of;

const std::string kHead = "apiVersion: tierguard.io/v1alpha1\nkind: PrivilegeTier\nmetadata: {name: t}\n";

policy::PrivilegeTier decode_tier_yaml(const std::string& yaml) {
  auto docs = yaml_to_json(yaml);
  EXPECT_EQ(docs.size(), 1u);
  auto decoded = decode_object(docs.at(0));
  return std::get<policy::PrivilegeTier>(std::move(decoded.value));
}

// A minimal valid spec plus `extra` lines (two-space indented under spec).
std::string spec(const std::string& extra, bool with_rank = true, bool with_placement = true) {
  std::string out = kHead + "spec:\n";
  if (with_rank) out += "  rank: 10\n";
  if (with_placement) out += "  placement: {namespaceSelector: {}}\n";
  return out + extra;
}

DecodeError error_for(const std::string& yaml) {
  return decode_error_of([&] { decode_object(yaml_to_json(yaml).at(0)); });
}

TEST(DecodeTier, EveryFieldOfACompleteTier) {
  const auto docs = read_manifests({std::string(TIERGUARD_TEST_DATA_DIR) + "/state/tier_full.yaml"});
  ASSERT_EQ(docs.size(), 1u);
  const auto decoded = decode_object(docs[0].json);
  const auto& t = std::get<policy::PrivilegeTier>(decoded.value);
  EXPECT_EQ(t.name, "operator");
  EXPECT_EQ(t.rank, 50);
  EXPECT_FALSE(t.is_default);
  ASSERT_TRUE(t.service_account_selector.has_value());
  EXPECT_EQ(policy::describe(*t.service_account_selector), "tierguard.io/profile=operator,!legacy");
  ASSERT_TRUE(t.namespace_selector.has_value());
  EXPECT_EQ(policy::describe(*t.namespace_selector), "tierguard.io/environment in (staging,prod)");
  EXPECT_EQ(policy::describe(t.placement), "tierguard.io/environment notin (dev),tierguard.io/owner");
  ASSERT_EQ(t.standing_rules.size(), 2u);
  EXPECT_EQ(policy::describe(t.standing_rules[0]),
            "verbs=[get,update] apiGroups=[\"\",apps] resources=[configmaps,deployments/scale] resourceNames=[app-config]");
  EXPECT_EQ(t.standing_rules[1].non_resource_urls, (std::vector<std::string>{"/metrics", "/healthz/*"}));
  EXPECT_TRUE(t.cluster_scope);
  EXPECT_EQ(t.automount, policy::AutomountRule::kForbid);
  EXPECT_TRUE(t.allow_default_service_account);
  EXPECT_EQ(t.sharing_max_workloads, 3);
  EXPECT_EQ(t.sharing_action, policy::SharingAction::kDeny);
  EXPECT_EQ(t.enforcement, policy::Enforcement::kWarn);

  ASSERT_TRUE(t.elevation.has_value());
  const auto& e = *t.elevation;
  ASSERT_EQ(e.allowed_roles.size(), 3u);
  EXPECT_EQ(e.allowed_roles[0], (policy::RoleRef{policy::RoleKind::kClusterRole, "secrets-reader"}));
  EXPECT_EQ(e.allowed_roles[1], (policy::RoleRef{policy::RoleKind::kRole, "debugger"}));
  EXPECT_EQ(e.allowed_roles[2], (policy::RoleRef{policy::RoleKind::kClusterRole, "admin"}));
  EXPECT_EQ(e.max_duration, 90min);
  ASSERT_TRUE(e.target_namespace_selector.has_value());
  EXPECT_EQ(policy::describe(*e.target_namespace_selector), "tierguard.io/environment=prod");
  ASSERT_EQ(e.windows.size(), 2u);
  EXPECT_EQ(e.windows[0].weekdays, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(e.windows[0].start_hour, 8);
  EXPECT_EQ(e.windows[0].end_hour, 18);
  EXPECT_EQ(e.windows[1].weekdays, std::vector<int>{6});
  EXPECT_EQ(e.windows[1].start_hour, 0);
  EXPECT_EQ(e.windows[1].end_hour, 24);
  EXPECT_FALSE(e.require_reason);
  EXPECT_EQ(e.ticket_pattern, "^OPS-[0-9]+$");
  EXPECT_TRUE(e.approval.required);
  EXPECT_EQ(e.approval.users, std::vector<std::string>{"alice"});
  EXPECT_EQ(e.approval.groups, std::vector<std::string>{"sre"});
  EXPECT_EQ(e.approval.count, 2);
}

TEST(DecodeTier, DefaultsOfAMinimalTier) {
  const auto t = decode_tier_yaml(spec(""));
  EXPECT_EQ(t.rank, 10);
  EXPECT_FALSE(t.is_default);
  EXPECT_FALSE(t.service_account_selector.has_value());
  EXPECT_FALSE(t.namespace_selector.has_value());
  EXPECT_FALSE(t.selects_by_labels());
  EXPECT_TRUE(t.placement.empty());
  EXPECT_TRUE(t.standing_rules.empty());
  EXPECT_FALSE(t.cluster_scope);
  EXPECT_EQ(t.automount, policy::AutomountRule::kAllow);
  EXPECT_FALSE(t.allow_default_service_account);
  EXPECT_FALSE(t.sharing_max_workloads.has_value());
  EXPECT_EQ(t.sharing_action, policy::SharingAction::kFlag);
  EXPECT_FALSE(t.elevation.has_value());
  EXPECT_EQ(t.enforcement, policy::Enforcement::kEnforce);
}

TEST(DecodeTier, ElevationDefaults) {
  const auto t = decode_tier_yaml(spec("  elevation: {}\n"));
  ASSERT_TRUE(t.elevation.has_value());
  EXPECT_EQ(t.elevation->max_duration, 1h);
  EXPECT_TRUE(t.elevation->require_reason);
  EXPECT_FALSE(t.elevation->target_namespace_selector.has_value());
  EXPECT_TRUE(t.elevation->windows.empty());
  EXPECT_FALSE(t.elevation->approval.required);
  EXPECT_EQ(t.elevation->approval.count, 1);
}

TEST(DecodeTier, EmptySelectorIsSetAndMatchesEverything) {
  const auto t = decode_tier_yaml(spec("  serviceAccountSelector: {}\n"));
  ASSERT_TRUE(t.service_account_selector.has_value());
  EXPECT_TRUE(t.selects_by_labels());
  EXPECT_TRUE(t.service_account_selector->empty());
}

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::string field;
  std::string problem_contains;
};

TEST(DecodeTier, ErrorsNameTheField) {
  const ErrorCase cases[] = {
      // Structure.
      {"unknown top-level field", kHead + "spec: {rank: 1, placement: {namespaceSelector: {}}}\nextra: 1\n", "extra",
       "unknown field"},
      {"unknown spec field", spec("  ranking: 3\n"), "spec.ranking", "unknown field"},
      {"unknown nested field", spec("  pods: {automount: Forbid}\n"), "spec.pods.automount", "unknown field"},
      {"missing spec", kHead, "spec", "required field is missing"},
      {"missing rank", spec("", false), "spec.rank", "required field is missing"},
      {"rank wrong type", spec("  rank: high\n", false), "spec.rank", "expected an integer, got string"},
      {"rank negative", spec("  rank: -1\n", false), "spec.rank", "must be between 0 and 1000000"},
      {"rank too high", spec("  rank: 1000001\n", false), "spec.rank", "must be between 0 and 1000000"},
      {"missing placement", spec("", true, false), "spec.placement", "required field is missing"},
      {"placement without selector", spec("  placement: {}\n", true, false), "spec.placement.namespaceSelector",
       "required field is missing"},
      {"default wrong type", spec("  default: \"true\"\n"), "spec.default", "expected a boolean"},
      // Enums.
      {"bad enforcement", spec("  enforcement: Block\n"), "spec.enforcement",
       "must be one of Enforce, Warn, Audit, got \"Block\""},
      {"bad automount", spec("  pods: {automountServiceAccountToken: \"false\"}\n"),
       "spec.pods.automountServiceAccountToken", "must be one of Allow, Forbid, got \"false\""},
      {"automount as a boolean", spec("  pods: {automountServiceAccountToken: false}\n"),
       "spec.pods.automountServiceAccountToken", "expected a string, got boolean"},
      {"bad sharing action", spec("  sharing: {maxWorkloads: 2, action: Block}\n"), "spec.sharing.action",
       "must be one of Flag, Deny"},
      {"bad allowedRoles kind", spec("  elevation: {allowedRoles: [{kind: Group, name: x}]}\n"),
       "spec.elevation.allowedRoles[0].kind", "must be one of Role, ClusterRole"},
      {"allowedRoles without kind", spec("  elevation: {allowedRoles: [{name: admin}]}\n"),
       "spec.elevation.allowedRoles[0].kind", "required field is missing"},
      {"allowedRoles without name", spec("  elevation: {allowedRoles: [{kind: Role}]}\n"),
       "spec.elevation.allowedRoles[0].name", "required field is missing or empty"},
      {"bad operator", spec("  serviceAccountSelector: {matchExpressions: [{key: a, operator: Like, values: [b]}]}\n"),
       "spec.serviceAccountSelector.matchExpressions[0].operator", "must be one of In, NotIn, Exists, DoesNotExist"},
      {"missing operator", spec("  serviceAccountSelector: {matchExpressions: [{key: a, values: [b]}]}\n"),
       "spec.serviceAccountSelector.matchExpressions[0].operator", "required field is missing"},
      {"selector unknown field", spec("  namespaceSelector: {matchLabel: {a: b}}\n"),
       "spec.namespaceSelector.matchLabel", "unknown field"},
      // Sharing.
      {"maxWorkloads 0", spec("  sharing: {maxWorkloads: 0}\n"), "spec.sharing.maxWorkloads", "must be at least 1"},
      {"maxWorkloads negative", spec("  sharing: {maxWorkloads: -4}\n"), "spec.sharing.maxWorkloads", "must be at least 1"},
      // Standing rules.
      {"rule wrong type", spec("  standing: {rules: [{verbs: [get, 1], apiGroups: [''], resources: [pods]}]}\n"),
       "spec.standing.rules[0].verbs[1]", "expected a string, got number"},
      {"rule verbs not a list", spec("  standing: {rules: [{verbs: get, apiGroups: [''], resources: [pods]}]}\n"),
       "spec.standing.rules[0].verbs", "expected a list of strings"},
      {"rule without verbs", spec("  standing: {rules: [{apiGroups: [''], resources: [pods]}]}\n"),
       "spec.standing.rules[0].verbs", "must list at least one verb"},
      {"rule without resources or urls", spec("  standing: {rules: [{verbs: [get]}]}\n"), "spec.standing.rules[0]",
       "must list resources (with apiGroups) or nonResourceURLs"},
      {"rule with both", spec("  standing: {rules: [{verbs: [get], apiGroups: [''], resources: [pods], nonResourceURLs: [/x]}]}\n"),
       "spec.standing.rules[0]", "either to resources or to nonResourceURLs"},
      {"rule without apiGroups", spec("  standing: {rules: [{verbs: [get], resources: [pods]}]}\n"),
       "spec.standing.rules[0].apiGroups", "must list at least one API group"},
      {"rule without resources", spec("  standing: {rules: [{verbs: [get], apiGroups: ['']}]}\n"),
       "spec.standing.rules[0].resources", "must list at least one resource"},
      {"url without slash", spec("  standing: {rules: [{verbs: [get], nonResourceURLs: [metrics]}]}\n"),
       "spec.standing.rules[0].nonResourceURLs", "\"metrics\" must start with /"},
      {"second rule is named", spec("  standing: {rules: [{verbs: [get], nonResourceURLs: ['*']}, {verbs: []}]}\n"),
       "spec.standing.rules[1].verbs", "must list at least one verb"},
      {"clusterScope wrong type", spec("  standing: {clusterScope: 1}\n"), "spec.standing.clusterScope", "expected a boolean"},
      // Durations.
      {"bad duration", spec("  elevation: {maxDuration: 2 hours}\n"), "spec.elevation.maxDuration",
       "\"2 hours\" is not a duration"},
      {"duration without unit", spec("  elevation: {maxDuration: \"90\"}\n"), "spec.elevation.maxDuration", "is not a duration"},
      {"duration as a number", spec("  elevation: {maxDuration: 90}\n"), "spec.elevation.maxDuration", "expected a string"},
      {"zero duration", spec("  elevation: {maxDuration: 0s}\n"), "spec.elevation.maxDuration", "must be at least 1s"},
      {"sub-second duration", spec("  elevation: {maxDuration: 500ms}\n"), "spec.elevation.maxDuration", "must be at least 1s"},
      {"negative duration", spec("  elevation: {maxDuration: -1h}\n"), "spec.elevation.maxDuration", "is not a duration"},
      // Windows.
      {"window without days", spec("  elevation: {windows: [{startHour: 1}]}\n"), "spec.elevation.windows[0].days",
       "must list at least one day"},
      {"bad day", spec("  elevation: {windows: [{days: [Monday]}]}\n"), "spec.elevation.windows[0].days",
       "\"Monday\" is not one of"},
      {"start hour 24", spec("  elevation: {windows: [{days: [Mon], startHour: 24}]}\n"),
       "spec.elevation.windows[0].startHour", "must be between 0 and 23"},
      {"end hour 25", spec("  elevation: {windows: [{days: [Mon], endHour: 25}]}\n"), "spec.elevation.windows[0].endHour",
       "must be between 1 and 24"},
      {"end before start", spec("  elevation: {windows: [{days: [Mon], startHour: 18, endHour: 8}]}\n"),
       "spec.elevation.windows[0].endHour", "must be after startHour"},
      {"empty window", spec("  elevation: {windows: [{days: [Mon], startHour: 8, endHour: 8}]}\n"),
       "spec.elevation.windows[0].endHour", "must be after startHour"},
      {"start hour beyond int", spec("  elevation: {windows: [{days: [Mon], startHour: 4294967301}]}\n"),
       "spec.elevation.windows[0].startHour", "must be between 0 and 23"},
      {"end hour beyond int", spec("  elevation: {windows: [{days: [Mon], endHour: 4294967320}]}\n"),
       "spec.elevation.windows[0].endHour", "must be between 1 and 24"},
      {"window unknown field", spec("  elevation: {windows: [{days: [Mon], timezone: CET}]}\n"),
       "spec.elevation.windows[0].timezone", "unknown field"},
      // Ticket pattern.
      {"bad regex", spec("  elevation: {ticketPattern: '([A-Z]+'}\n"), "spec.elevation.ticketPattern",
       "not a valid regular expression"},
      {"overlong regex", spec("  elevation: {ticketPattern: '" + std::string(513, 'a') + "'}\n"),
       "spec.elevation.ticketPattern", "longer than 512 characters"},
      // Approval.
      {"approval without approvers", spec("  elevation: {approval: {required: true}}\n"),
       "spec.elevation.approval.approvers", "approval is required but no approvers are listed"},
      {"approval with empty approvers", spec("  elevation: {approval: {required: true, approvers: {users: []}}}\n"),
       "spec.elevation.approval.approvers", "no approvers are listed"},
      {"approval count 0", spec("  elevation: {approval: {count: 0}}\n"), "spec.elevation.approval.count",
       "must be between 1 and 10"},
      {"approval count 11", spec("  elevation: {approval: {count: 11}}\n"), "spec.elevation.approval.count",
       "must be between 1 and 10"},
      {"approval count beyond int", spec("  elevation: {approval: {count: 4294967297}}\n"),
       "spec.elevation.approval.count", "must be between 1 and 10"},
      {"approvers unknown field", spec("  elevation: {approval: {approvers: {teams: [a]}}}\n"),
       "spec.elevation.approval.approvers.teams", "unknown field"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto e = error_for(c.yaml);
    EXPECT_EQ(e.field(), c.field) << e.what();
    EXPECT_TRUE(contains(e.problem(), c.problem_contains)) << e.what();
  }
}

TEST(DecodeTier, ImpossibleSelectorsNameTheFieldInTheMessage) {
  struct Case {
    const char* name;
    std::string yaml;
    std::string message_contains;
  };
  const Case cases[] = {
      {"In without values", spec("  serviceAccountSelector: {matchExpressions: [{key: a, operator: In}]}\n"),
       "spec.serviceAccountSelector.matchExpressions[0].values: must be non-empty for operator In/NotIn"},
      {"Exists with values", spec("  namespaceSelector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}\n"),
       "spec.namespaceSelector.matchExpressions[0].values: must be empty for operator Exists/DoesNotExist"},
      {"bad label key", spec("  placement: {namespaceSelector: {matchLabels: {'bad key': x}}}\n", true, false),
       "spec.placement.namespaceSelector.matchLabels: invalid label key \"bad key\""},
      {"bad label value", spec("  elevation: {targetNamespaceSelector: {matchLabels: {env: 'not valid'}}}\n"),
       "spec.elevation.targetNamespaceSelector.matchLabels[env]: invalid label value \"not valid\""},
      {"label value not a string", spec("  serviceAccountSelector: {matchLabels: {enabled: true}}\n"),
       "spec.serviceAccountSelector.matchLabels[enabled]: expected a string, got boolean"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto e = error_for(c.yaml);
    EXPECT_TRUE(contains(e.what(), c.message_contains)) << e.what();
  }
}

TEST(DecodeTier, ValidEdgeValues) {
  EXPECT_EQ(decode_tier_yaml(spec("  rank: 0\n", false)).rank, 0);
  EXPECT_EQ(decode_tier_yaml(spec("  rank: 1000000\n", false)).rank, 1000000);
  EXPECT_EQ(decode_tier_yaml(spec("  sharing: {maxWorkloads: 1}\n")).sharing_max_workloads, 1);
  const auto w = decode_tier_yaml(spec("  elevation: {windows: [{days: [Sun], startHour: 23, endHour: 24}]}\n"));
  EXPECT_EQ(w.elevation->windows[0].weekdays, std::vector<int>{0});
  EXPECT_EQ(w.elevation->windows[0].start_hour, 23);
  EXPECT_EQ(decode_tier_yaml(spec("  elevation: {maxDuration: 1s}\n")).elevation->max_duration, 1s);
  EXPECT_EQ(decode_tier_yaml(spec("  elevation: {approval: {count: 10}}\n")).elevation->approval.count, 10);
  EXPECT_EQ(decode_tier_yaml(spec("  standing: {rules: [{verbs: ['*'], nonResourceURLs: ['*']}]}\n")).standing_rules.size(), 1u);
  EXPECT_EQ(decode_tier_yaml(spec("  default: true\n")).is_default, true);
  // status is accepted and not read.
  EXPECT_NO_THROW(decode_tier_yaml(spec("") + "status: {anything: [1, 2]}\n"));
}

TEST(DecodeSelector, OperatorDefaultsAreNotAssumed) {
  const auto doc = testing::parse_json(R"({"matchLabels": {"a": "b"}, "matchExpressions": [{"key": "k", "operator": "NotIn", "values": ["v"]}]})");
  const auto s = decode_selector(JsonReader(doc, "sel"));
  EXPECT_EQ(policy::describe(s), "a=b,k notin (v)");
}

}  // namespace
}  // namespace tierguard::state
