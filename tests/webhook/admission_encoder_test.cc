#include "webhook/admission_encoder.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace tierguard::webhook {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

TEST(EncodeAdmissionReview, AllowedResponseEchoesUidAndCarriesNoStatus) {
  std::string out;
  encode_admission_review(out, "uid-1", AdmissionResponse::allow());
  EXPECT_EQ(out,
            R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
            R"("response":{"uid":"uid-1","allowed":true}})");
}

TEST(EncodeAdmissionReview, DenialCarriesStatusCodeReasonAndMessage) {
  std::string out;
  auto response = AdmissionResponse::deny("tier \"batch\" may not run in namespace prod");
  response.warnings = {"w1", "w2"};
  response.audit_annotations = {{"tier", "batch"}, {"rule", "placement"}};
  encode_admission_review(out, "uid-2", response);
  auto doc = parse(out);
  const auto& r = doc["response"];
  EXPECT_STREQ(r["uid"].GetString(), "uid-2");
  EXPECT_FALSE(r["allowed"].GetBool());
  EXPECT_EQ(r["status"]["code"].GetInt(), 403);
  EXPECT_STREQ(r["status"]["reason"].GetString(), "Forbidden");
  EXPECT_STREQ(r["status"]["message"].GetString(), "tier \"batch\" may not run in namespace prod");
  ASSERT_EQ(r["warnings"].Size(), 2u);
  EXPECT_STREQ(r["warnings"][1].GetString(), "w2");
  EXPECT_STREQ(r["auditAnnotations"]["rule"].GetString(), "placement");
  EXPECT_FALSE(r.HasMember("patch"));
}

TEST(EncodeAdmissionReview, DefaultsDenialCodeTo403AndDerivesReasonFor500) {
  std::string out;
  AdmissionResponse response;  // allowed=false, code 0
  encode_admission_review(out, "u", response);
  EXPECT_EQ(parse(out)["response"]["status"]["code"].GetInt(), 403);
  out.clear();
  encode_admission_review(out, "u", AdmissionResponse::deny("boom", 500));
  EXPECT_STREQ(parse(out)["response"]["status"]["reason"].GetString(), "InternalError");
  out.clear();
  auto custom = AdmissionResponse::deny("x", 422);
  custom.status_reason = "Invalid";
  encode_admission_review(out, "u", custom);
  EXPECT_STREQ(parse(out)["response"]["status"]["reason"].GetString(), "Invalid");
}

TEST(EncodeAdmissionReview, PatchIsBase64WithJsonPatchType) {
  std::string out;
  auto response = AdmissionResponse::allow();
  response.json_patch = R"([{"op":"add","path":"/a","value":1}])";
  encode_admission_review(out, "u", response);
  auto doc = parse(out);
  EXPECT_STREQ(doc["response"]["patchType"].GetString(), "JSONPatch");
  EXPECT_STREQ(doc["response"]["patch"].GetString(),
               "W3sib3AiOiJhZGQiLCJwYXRoIjoiL2EiLCJ2YWx1ZSI6MX1d");
}

TEST(EncodeAdmissionReview, EscapesHostileUidAndMessage) {
  std::string out;
  encode_admission_review(out, "\"},\"allowed\":true,\"x\":{\"",
                          AdmissionResponse::deny("line\n\"quoted\""));
  auto doc = parse(out);
  EXPECT_FALSE(doc["response"]["allowed"].GetBool());
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "\"},\"allowed\":true,\"x\":{\"");
}

TEST(EncodeAdmissionReview, NeverEmitsInvalidUtf8) {
  std::string out;
  auto response = AdmissionResponse::deny("bad byte \xff in name");
  response.warnings = {"\xc0"};
  encode_admission_review(out, "uid\xfe", response);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(out.c_str());
  ASSERT_FALSE(doc.HasParseError()) << out;
  EXPECT_STREQ(doc["response"]["uid"].GetString(), "uid\xef\xbf\xbd");
}

TEST(EncodeAdmissionReview, AppendsToExistingBufferContent) {
  std::string out = "prefix:";
  encode_admission_review(out, "u", AdmissionResponse::allow());
  EXPECT_EQ(out.rfind("prefix:{", 0), 0u);
}

TEST(EncodeErrorBody, NamesCodeStepAndMessage) {
  std::string out;
  encode_error_body(out, 415, "content-type", "Content-Type must be application/json");
  EXPECT_EQ(out,
            R"({"error":"Content-Type must be application/json","step":"content-type","code":415})");
}

}  // namespace
}  // namespace tierguard::webhook
