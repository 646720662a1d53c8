#include "webhook/admission_decoder.h"

#include <gtest/gtest.h>

#include <string>

#include "test_data.h"

namespace tierguard::webhook {
namespace {

using testing::read_test_data;

std::string review_with_request(const std::string& request_fields) {
  return R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{)" +
         request_fields + "}}";
}

const std::string kMinimalRequest =
    R"("uid":"u-1","kind":{"group":"","version":"v1","kind":"Pod"},)"
    R"("resource":{"group":"","version":"v1","resource":"pods"},"operation":"CREATE")";

struct DecodeOutcome {
  std::optional<DecodeError> error;
  AdmissionRequest request;
};

DecodeOutcome decode(AdmissionReviewDecoder& decoder, std::string& body) {
  DecodeOutcome outcome;
  outcome.error = decoder.decode(body, outcome.request);
  return outcome;
}

TEST(AdmissionReviewDecoder, DecodesTheShippedPodFixtureFieldByField) {
  AdmissionReviewDecoder decoder;
  std::string body = read_test_data("admission/pod-create.json");
  auto outcome = decode(decoder, body);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  const AdmissionRequest& r = outcome.request;
  EXPECT_EQ(r.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r.kind.group, "");
  EXPECT_EQ(r.kind.version, "v1");
  EXPECT_EQ(r.kind.kind, "Pod");
  EXPECT_EQ(r.resource.resource, "pods");
  EXPECT_EQ(r.sub_resource, "");
  EXPECT_EQ(r.name, "payments-api-7d9f8c6b5d-x2k4q");
  EXPECT_EQ(r.namespace_name, "payments");
  EXPECT_EQ(r.operation, Operation::kCreate);
  EXPECT_EQ(r.user_info.username, "system:serviceaccount:kube-system:replicaset-controller");
  ASSERT_EQ(r.user_info.groups.size(), 3u);
  EXPECT_EQ(r.user_info.groups[2], "system:authenticated");
  ASSERT_NE(r.object, nullptr);
  EXPECT_EQ(r.old_object, nullptr);  // null in the fixture
  EXPECT_FALSE(r.dry_run);
  const auto& spec = (*r.object)["spec"];
  EXPECT_STREQ(spec["serviceAccountName"].GetString(), "payments-api");
}

TEST(AdmissionReviewDecoder, DecodesUpdateWithOldObjectAndUserExtra) {
  AdmissionReviewDecoder decoder;
  std::string body = read_test_data("admission/deployment-update.json");
  auto outcome = decode(decoder, body);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.request.operation, Operation::kUpdate);
  EXPECT_EQ(outcome.request.kind.group, "apps");
  ASSERT_NE(outcome.request.old_object, nullptr);
  ASSERT_NE(outcome.request.user_info.extra, nullptr);
  EXPECT_TRUE(outcome.request.user_info.extra->IsObject());
}

TEST(AdmissionReviewDecoder, ReusesItsPoolsAcrossManyReviews) {
  AdmissionReviewDecoder decoder;
  const std::string original = read_test_data("admission/rolebinding-create.json");
  for (int i = 0; i < 200; ++i) {
    std::string body = original;
    auto outcome = decode(decoder, body);
    ASSERT_FALSE(outcome.error);
    EXPECT_EQ(outcome.request.kind.kind, "RoleBinding");
  }
}

TEST(AdmissionReviewDecoder, UnescapesStringsInPlace) {
  AdmissionReviewDecoder decoder;
  std::string body = review_with_request(
      R"("uid":"a\"b\u00e9","kind":{"group":"","version":"v1","kind":"Pod"},)"
      R"("resource":{"group":"","version":"v1","resource":"pods"},"operation":"DELETE",)"
      R"("namespace":"ns","dryRun":true,"subResource":"status")");
  auto outcome = decode(decoder, body);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.request.uid, "a\"b\xc3\xa9");
  EXPECT_EQ(outcome.request.operation, Operation::kDelete);
  EXPECT_TRUE(outcome.request.dry_run);
  EXPECT_EQ(outcome.request.sub_resource, "status");
  EXPECT_EQ(outcome.request.object, nullptr);
}

struct BadBody {
  const char* name;
  std::string body;
  DecodeStep step;
  const char* message_part;
};

class AdmissionReviewDecoderRejects : public ::testing::TestWithParam<BadBody> {};

TEST_P(AdmissionReviewDecoderRejects, NamingTheStepAndField) {
  AdmissionReviewDecoder decoder;
  std::string body = GetParam().body;
  auto outcome = decode(decoder, body);
  ASSERT_TRUE(outcome.error) << "accepted: " << GetParam().body.substr(0, 200);
  EXPECT_EQ(outcome.error->step, GetParam().step) << outcome.error->message;
  EXPECT_NE(outcome.error->message.find(GetParam().message_part), std::string::npos)
      << outcome.error->message;
}

// An object whose field holds `arrays` nested arrays; the review's total depth is arrays + 3
// (root, request, object).
std::string deeply_nested(std::size_t arrays) {
  return review_with_request(kMinimalRequest + R"(,"object":{"x":)" + std::string(arrays, '[') +
                             std::string(arrays, ']') + "}");
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, AdmissionReviewDecoderRejects,
    ::testing::Values(
        BadBody{"Empty", "", DecodeStep::kEmptyBody, "empty"},
        BadBody{"Whitespace", "   \n", DecodeStep::kJsonSyntax, "invalid JSON"},
        BadBody{"Truncated", review_with_request(kMinimalRequest).substr(0, 90),
                DecodeStep::kJsonSyntax, "invalid JSON at byte"},
        BadBody{"TrailingGarbage", review_with_request(kMinimalRequest) + "x",
                DecodeStep::kJsonSyntax, "invalid JSON"},
        BadBody{"EmbeddedNul", review_with_request(kMinimalRequest) + std::string(1, '\0') + "x",
                DecodeStep::kJsonSyntax, "NUL"},
        BadBody{"TopLevelArray", "[1,2]", DecodeStep::kEnvelope, "not a JSON object"},
        BadBody{"V1beta1",
                R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}})",
                DecodeStep::kEnvelope, "admission.k8s.io/v1"},
        BadBody{"MissingApiVersion", R"({"kind":"AdmissionReview","request":{}})",
                DecodeStep::kEnvelope, "apiVersion"},
        BadBody{"ApiVersionNotString", R"({"apiVersion":1,"kind":"AdmissionReview"})",
                DecodeStep::kEnvelope, "apiVersion"},
        BadBody{"WrongKind", R"({"apiVersion":"admission.k8s.io/v1","kind":"Pod","request":{}})",
                DecodeStep::kEnvelope, "kind must be AdmissionReview"},
        BadBody{"MissingRequest", R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"})",
                DecodeStep::kRequestField, "request is required"},
        BadBody{"RequestNotObject",
                R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":"x"})",
                DecodeStep::kRequestField, "request"},
        BadBody{"MissingUid",
                review_with_request(R"("kind":{"group":"","version":"v1","kind":"Pod"},)"
                                    R"("resource":{"version":"v1","resource":"pods"},)"
                                    R"("operation":"CREATE")"),
                DecodeStep::kRequestField, "request.uid is required"},
        BadBody{"EmptyUid", review_with_request(R"("uid":"",)" + kMinimalRequest.substr(12)),
                DecodeStep::kRequestField, "request.uid must not be empty"},
        BadBody{"UidNotString", review_with_request(R"("uid":42)"), DecodeStep::kRequestField,
                "request.uid must be a string"},
        BadBody{"OversizedUid", review_with_request(R"("uid":")" + std::string(300, 'u') + "\""),
                DecodeStep::kRequestField, "request.uid is longer than 256"},
        BadBody{"OversizedName",
                review_with_request(kMinimalRequest + R"(,"name":")" + std::string(254, 'n') + "\""),
                DecodeStep::kRequestField, "request.name is longer than 253"},
        BadBody{"MissingKind",
                review_with_request(R"("uid":"u","resource":{"version":"v1","resource":"pods"},)"
                                    R"("operation":"CREATE")"),
                DecodeStep::kRequestField, "request.kind is required"},
        BadBody{"KindKindNotString",
                review_with_request(R"("uid":"u","kind":{"version":"v1","kind":[]},)"
                                    R"("resource":{"version":"v1","resource":"pods"},)"
                                    R"("operation":"CREATE")"),
                DecodeStep::kRequestField, "request.kind.kind must be a string"},
        BadBody{"UnknownOperation",
                review_with_request(R"("uid":"u","kind":{"version":"v1","kind":"Pod"},)"
                                    R"("resource":{"version":"v1","resource":"pods"},)"
                                    R"("operation":"PATCH")"),
                DecodeStep::kRequestField, "request.operation must be one of"},
        BadBody{"ObjectNotObject", review_with_request(kMinimalRequest + R"(,"object":"pod")"),
                DecodeStep::kRequestField, "request.object must be an object"},
        BadBody{"GroupsNotStrings",
                review_with_request(kMinimalRequest + R"(,"userInfo":{"groups":["a",1]})"),
                DecodeStep::kRequestField, "request.userInfo.groups must be an array of strings"},
        BadBody{"DryRunNotBool", review_with_request(kMinimalRequest + R"(,"dryRun":"yes")"),
                DecodeStep::kRequestField, "request.dryRun must be a boolean"},
        BadBody{"HostileNesting", deeply_nested(100000), DecodeStep::kNestingDepth,
                "deeper than 256"}),
    [](const ::testing::TestParamInfo<BadBody>& param_info) { return std::string(param_info.param.name); });

TEST(AdmissionReviewDecoder, PassesInvalidUtf8ThroughForWritersToSanitise) {
  AdmissionReviewDecoder decoder;
  std::string body = review_with_request(kMinimalRequest + ",\"name\":\"a\xff\"");
  auto outcome = decode(decoder, body);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ(outcome.request.name, "a\xff");
}

TEST(AdmissionReviewDecoder, AcceptsNestingAtTheLimit) {
  AdmissionReviewDecoder decoder;
  std::string body = deeply_nested(kMaxJsonNestingDepth - 3);
  auto outcome = decode(decoder, body);
  EXPECT_FALSE(outcome.error) << outcome.error->message;
  std::string one_more = deeply_nested(kMaxJsonNestingDepth - 2);
  outcome = decode(decoder, one_more);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(outcome.error->step, DecodeStep::kNestingDepth);
}

TEST(AdmissionReviewDecoder, RemembersTheUidOfARejectedRequestWhenItGotThatFar) {
  AdmissionReviewDecoder decoder;
  std::string body = review_with_request(R"("uid":"u-7","operation":"PATCH")");
  auto outcome = decode(decoder, body);
  ASSERT_TRUE(outcome.error);
  EXPECT_EQ(decoder.last_uid(), "u-7");
  std::string garbage = "{";
  decode(decoder, garbage);
  EXPECT_EQ(decoder.last_uid(), "");
}

TEST(AdmissionReviewDecoder, HandlesAReviewNearTheBodyLimit) {
  AdmissionReviewDecoder decoder;
  std::string big = review_with_request(kMinimalRequest + R"(,"object":{"data":")" +
                                        std::string(6 * 1024 * 1024, 'x') + "\"}");
  auto outcome = decode(decoder, big);
  ASSERT_FALSE(outcome.error) << outcome.error->message;
  EXPECT_EQ((*outcome.request.object)["data"].GetStringLength(), 6u * 1024 * 1024);
}

}  // namespace
}  // namespace tierguard::webhook
