// The policy-backed Reviewer: AdmissionRequest → decision → AdmissionResponse, over a
// LiveState, including the single bounded fetch that fills a cache miss.
#include "webhook/policy_reviewer.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "state/manifest_reader.h"
#include "state/manifest_state.h"

namespace tierguard::webhook {
namespace {

const char* const kState = R"(
apiVersion: tierguard.io/v1alpha1
kind: PrivilegeTier
metadata: {name: restricted}
spec:
  rank: 10
  default: true
  placement: {namespaceSelector: {matchLabels: {env: prod}}}
  pods: {automountServiceAccountToken: Forbid}
---
apiVersion: tierguard.io/v1alpha1
kind: PrivilegeTier
metadata: {name: relaxed}
spec:
  rank: 20
  serviceAccountSelector: {matchLabels: {profile: relaxed}}
  placement: {namespaceSelector: {}}
  enforcement: Warn
  pods: {automountServiceAccountToken: Forbid}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod, labels: {env: prod}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: prod}
)";

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text;
  return d;
}

// The apiserver leaves metadata.namespace empty on CREATE; the request carries it.
std::string pod_json(const std::string& sa, bool automount) {
  return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"serviceAccountName":")" + sa +
         R"(","automountServiceAccountToken":)" + (automount ? "true" : "false") + "}}";
}

class FakeFetcher : public state::MissingObjectFetcher {
 public:
  std::vector<std::optional<rapidjson::Document>> fetch(const std::vector<state::ObjectRef>& refs) override {
    ++lookups;
    std::vector<std::optional<rapidjson::Document>> out;
    for (const auto& ref : refs) {
      calls.push_back(ref);
      auto it = answers.find(ref.kind);
      if (it == answers.end()) {
        out.emplace_back(std::nullopt);
      } else {
        out.emplace_back(json(it->second));
      }
    }
    return out;
  }
  int lookups = 0;
  std::vector<state::ObjectRef> calls;
  std::map<state::ObjectKind, std::string> answers;
};

class PolicyReviewerTest : public ::testing::Test {
 protected:
  PolicyReviewerTest() {
    auto set = state::decode_manifests(state::parse_manifest_text("state.yaml", kState));
    live = std::make_shared<state::LiveState>(state::build_snapshot(set));
    live->set_ready(true);
  }

  AdmissionResponse review(Route route, const rapidjson::Value& object, std::string_view kind,
                           Operation op = Operation::kCreate, std::string_view ns = "prod") {
    PolicyReviewer reviewer(live, {}, &fetcher);
    AdmissionRequest request;
    request.uid = "u-1";
    request.kind = {"", "v1", kind};
    request.namespace_name = ns;
    request.name = "p";
    request.operation = op;
    request.user_info.username = "alice";
    request.object = &object;
    return reviewer.review(route, request);
  }

  std::shared_ptr<state::LiveState> live;
  FakeFetcher fetcher;
};

TEST_F(PolicyReviewerTest, AnAllowedPodCarriesTierAndServiceAccount) {
  const auto pod = json(pod_json("web", false));
  const auto r = review(Route::kPods, pod, "Pod");
  EXPECT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(r.tier, "restricted");
  EXPECT_EQ(r.service_account, "prod/web");
  EXPECT_TRUE(fetcher.calls.empty()) << "nothing was missing";
}

TEST_F(PolicyReviewerTest, ADeniedPodIsForbiddenWithTheReason) {
  const auto pod = json(pod_json("web", true));
  const auto r = review(Route::kPods, pod, "Pod");
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.status_code, 403);
  EXPECT_EQ(r.message.rfind("tierguard: service account prod/web (tier \"restricted\")", 0), 0u) << r.message;
  EXPECT_NE(r.message.find("pods.automountServiceAccountToken"), std::string::npos);
  bool has_decision = false;
  for (const auto& [k, v] : r.audit_annotations) has_decision |= (k == "decision" && v == "denied");
  EXPECT_TRUE(has_decision);
}

TEST_F(PolicyReviewerTest, DeletionsAreNeverDenied) {
  const auto pod = json(pod_json("web", true));
  EXPECT_TRUE(review(Route::kPods, pod, "Pod", Operation::kDelete).allowed);
}

TEST_F(PolicyReviewerTest, AKindTierguardDoesNotGovernIsAdmittedAndMarked) {
  const auto cm = json(R"({"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"g"}})");
  const auto r = review(Route::kPods, cm, "Gadget");
  EXPECT_TRUE(r.allowed);
  ASSERT_FALSE(r.audit_annotations.empty());
  EXPECT_EQ(r.audit_annotations[0].first, "unevaluated");
}

TEST_F(PolicyReviewerTest, AMalformedGovernedObjectIsABadRequest) {
  const auto pod = json(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"serviceAccountName":5}})");
  const auto r = review(Route::kPods, pod, "Pod");
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.status_code, 400);
  EXPECT_NE(r.message.find("spec.serviceAccountName"), std::string::npos) << r.message;
}

TEST_F(PolicyReviewerTest, AMissingServiceAccountIsFetchedOnceAndUsed) {
  // "fresh" was created a moment ago: the informer has not delivered it yet.
  fetcher.answers[state::ObjectKind::kServiceAccount] =
      R"({"metadata":{"namespace":"prod","name":"fresh","labels":{"profile":"relaxed"}}})";
  const auto pod = json(pod_json("fresh", true));
  const auto r = review(Route::kPods, pod, "Pod");
  ASSERT_EQ(fetcher.calls.size(), 1u);
  EXPECT_EQ(fetcher.calls[0].kind, state::ObjectKind::kServiceAccount);
  EXPECT_EQ(fetcher.calls[0].namespace_name, "prod");
  EXPECT_EQ(fetcher.calls[0].name, "fresh");
  // Resolved through its labels to "relaxed" (Warn): admitted with a warning.
  EXPECT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(r.tier, "relaxed");
  EXPECT_FALSE(r.warnings.empty());
  // And kept: the next review needs no fetch.
  (void)review(Route::kPods, pod, "Pod");
  EXPECT_EQ(fetcher.calls.size(), 1u);
  EXPECT_EQ(fetcher.lookups, 1);
}

TEST_F(PolicyReviewerTest, ANewNamespaceAndServiceAccountAreFetchedInOneLookup) {
  // kubectl apply of a Namespace, a ServiceAccount and a Deployment, faster than the watches.
  fetcher.answers[state::ObjectKind::kNamespace] = R"({"metadata":{"name":"brandnew","labels":{"env":"prod"}}})";
  fetcher.answers[state::ObjectKind::kServiceAccount] =
      R"({"metadata":{"namespace":"brandnew","name":"svc","labels":{"profile":"relaxed"}}})";
  const auto pod = json(pod_json("svc", false));
  const auto r = review(Route::kPods, pod, "Pod", Operation::kCreate, "brandnew");
  EXPECT_EQ(fetcher.lookups, 1);
  ASSERT_EQ(fetcher.calls.size(), 2u);
  EXPECT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(r.tier, "relaxed");
}

TEST_F(PolicyReviewerTest, AServiceAccountThatDoesNotExistIsDecidedWithoutIt) {
  const auto pod = json(pod_json("ghost", false));
  const auto r = review(Route::kPods, pod, "Pod");
  EXPECT_EQ(fetcher.calls.size(), 1u);
  // Resolved from its namespace alone: the default tier.
  EXPECT_EQ(r.tier, "restricted");
}

TEST_F(PolicyReviewerTest, AMissingNamespaceIsFetched) {
  live->write([](state::Snapshot& s) {
    s.upsert_service_account(policy::ServiceAccount{"newns", "web", {}, {}, std::nullopt});
  });
  fetcher.answers[state::ObjectKind::kNamespace] = R"({"metadata":{"name":"newns","labels":{"env":"prod"}}})";
  const auto pod = json(pod_json("web", false));
  const auto r = review(Route::kPods, pod, "Pod", Operation::kCreate, "newns");
  ASSERT_EQ(fetcher.calls.size(), 1u);
  EXPECT_EQ(fetcher.calls[0].kind, state::ObjectKind::kNamespace);
  EXPECT_TRUE(r.allowed) << r.message;  // placement env=prod holds once the labels are known
}

TEST_F(PolicyReviewerTest, InvalidAndSecondDefaultTiersAreRejectedAsInvalid) {
  const auto bad = json(R"({"apiVersion":"tierguard.io/v1alpha1","kind":"PrivilegeTier","metadata":{"name":"t"},)"
                        R"("spec":{"rank":1,"placement":{"namespaceSelector":{}},"elevation":{"ticketPattern":"("}}})");
  auto r = review(Route::kTierguard, bad, "PrivilegeTier", Operation::kCreate, "");
  EXPECT_FALSE(r.allowed);
  EXPECT_EQ(r.status_code, 422);
  EXPECT_NE(r.message.find("ticketPattern"), std::string::npos) << r.message;

  const auto second = json(R"({"apiVersion":"tierguard.io/v1alpha1","kind":"PrivilegeTier","metadata":{"name":"t2"},)"
                           R"("spec":{"rank":5,"default":true,"placement":{"namespaceSelector":{}}}})");
  r = review(Route::kTierguard, second, "PrivilegeTier", Operation::kCreate, "");
  EXPECT_FALSE(r.allowed);
  EXPECT_NE(r.message.find("\"restricted\" is already the default"), std::string::npos) << r.message;

  // Updating the default tier itself is fine.
  const auto same = json(R"({"apiVersion":"tierguard.io/v1alpha1","kind":"PrivilegeTier","metadata":{"name":"restricted"},)"
                         R"("spec":{"rank":10,"default":true,"placement":{"namespaceSelector":{}}}})");
  EXPECT_TRUE(review(Route::kTierguard, same, "PrivilegeTier", Operation::kUpdate, "").allowed);
}

const char* const kExecRole =
    R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"exec","namespace":"prod"},)"
    R"("rules":[{"apiGroups":[""],"resources":["pods/exec"],"verbs":["create"]}]})";
const char* const kExecBinding =
    R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"exec","namespace":"prod"},)"
    R"("roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"exec"},)"
    R"("subjects":[{"kind":"ServiceAccount","name":"web","namespace":"prod"}]})";

TEST_F(PolicyReviewerTest, ABindingToARoleCreatedAMomentAgoFetchesTheRole) {
  // Role then RoleBinding in one apply: the Role's watch event has not arrived.
  fetcher.answers[state::ObjectKind::kRole] = kExecRole;
  const auto binding = json(kExecBinding);
  const auto r = review(Route::kRbac, binding, "RoleBinding");
  EXPECT_FALSE(r.allowed) << "pods/exec is above the restricted ceiling";
  EXPECT_NE(r.message.find("pods/exec"), std::string::npos) << r.message;
}

TEST_F(PolicyReviewerTest, ARoleCreatedAfterItsBindingIsCheckedAgainstTheAdmittedBinding) {
  // RoleBinding then Role in one apply: the binding is admitted (its role does not exist yet),
  // then the Role arrives before the binding's watch event.
  const auto binding = json(kExecBinding);
  const auto admitted = review(Route::kRbac, binding, "RoleBinding");
  EXPECT_TRUE(admitted.allowed) << admitted.message;
  ASSERT_FALSE(admitted.warnings.empty());
  EXPECT_EQ(live->read([](const state::Snapshot& s) { return s.pending_count(); }), 1u);

  const auto role = json(kExecRole);
  const auto r = review(Route::kRbac, role, "Role");
  EXPECT_FALSE(r.allowed) << "the pending binding lifts prod/web above its ceiling";
  EXPECT_NE(r.message.find("RoleBinding prod/exec"), std::string::npos) << r.message;
}

TEST_F(PolicyReviewerTest, DryRunsAreNotRememberedAndPendingObjectsExpire) {
  const auto binding = json(kExecBinding);
  PolicyReviewer reviewer(live, {}, &fetcher);
  AdmissionRequest request;
  request.uid = "u";
  request.kind = {"rbac.authorization.k8s.io", "v1", "RoleBinding"};
  request.namespace_name = "prod";
  request.operation = Operation::kCreate;
  request.object = &binding;
  request.dry_run = true;
  EXPECT_TRUE(reviewer.review(Route::kRbac, request).allowed);
  EXPECT_EQ(live->read([](const state::Snapshot& s) { return s.pending_count(); }), 0u);

  request.dry_run = false;
  EXPECT_TRUE(reviewer.review(Route::kRbac, request).allowed);
  EXPECT_EQ(live->read([](const state::Snapshot& s) { return s.pending_count(); }), 1u);
  // The write never happened (no watch event): after the lifetime it is gone.
  live->write([](state::Snapshot& s) { s.expire_pending(std::chrono::steady_clock::now() + std::chrono::minutes(2)); });
  EXPECT_EQ(live->read([](const state::Snapshot& s) { return s.pending_count(); }), 0u);
  EXPECT_FALSE(live->read([](const state::Snapshot& s) {
    return s.find_role(policy::RoleKind::kRole, "prod", "exec") != nullptr ||
           s.units_using("prod", "web").size() > 0;
  }));
}

TEST_F(PolicyReviewerTest, OfflineModeRemembersNothing) {
  PolicyReviewer offline(live, {});
  const auto binding = json(kExecBinding);
  AdmissionRequest request;
  request.uid = "u";
  request.kind = {"rbac.authorization.k8s.io", "v1", "RoleBinding"};
  request.namespace_name = "prod";
  request.object = &binding;
  EXPECT_TRUE(offline.review(Route::kRbac, request).allowed);
  EXPECT_EQ(live->read([](const state::Snapshot& s) { return s.pending_count(); }), 0u);
}

TEST_F(PolicyReviewerTest, ReadinessFollowsTheState) {
  PolicyReviewer reviewer(live, {});
  EXPECT_TRUE(reviewer.ready());
  live->set_ready(false);
  EXPECT_FALSE(reviewer.ready());
}

}  // namespace
}  // namespace tierguard::webhook
