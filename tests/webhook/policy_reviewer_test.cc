// The policy-backed Reviewer: AdmissionRequest → decision → AdmissionResponse, over a
// LiveState, including the single bounded fetch that fills a cache miss.
#include "webhook/policy_reviewer.h"

#include <gtest/gtest.h>

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
  std::optional<rapidjson::Document> fetch(state::ObjectKind kind, std::string_view ns,
                                           std::string_view name) override {
    calls.push_back({kind, std::string(ns), std::string(name)});
    if (answer.empty()) return std::nullopt;
    return json(answer);
  }
  struct Call {
    state::ObjectKind kind;
    std::string ns, name;
  };
  std::vector<Call> calls;
  std::string answer;
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
  fetcher.answer = R"({"metadata":{"namespace":"prod","name":"fresh","labels":{"profile":"relaxed"}}})";
  const auto pod = json(pod_json("fresh", true));
  const auto r = review(Route::kPods, pod, "Pod");
  ASSERT_EQ(fetcher.calls.size(), 1u);
  EXPECT_EQ(fetcher.calls[0].kind, state::ObjectKind::kServiceAccount);
  EXPECT_EQ(fetcher.calls[0].ns, "prod");
  EXPECT_EQ(fetcher.calls[0].name, "fresh");
  // Resolved through its labels to "relaxed" (Warn): admitted with a warning.
  EXPECT_TRUE(r.allowed) << r.message;
  EXPECT_EQ(r.tier, "relaxed");
  EXPECT_FALSE(r.warnings.empty());
  // And kept: the next review needs no fetch.
  (void)review(Route::kPods, pod, "Pod");
  EXPECT_EQ(fetcher.calls.size(), 1u);
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
  fetcher.answer = R"({"metadata":{"name":"newns","labels":{"env":"prod"}}})";
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

TEST_F(PolicyReviewerTest, ReadinessFollowsTheState) {
  PolicyReviewer reviewer(live, {});
  EXPECT_TRUE(reviewer.ready());
  live->set_ready(false);
  EXPECT_FALSE(reviewer.ready());
}

}  // namespace
}  // namespace tierguard::webhook
