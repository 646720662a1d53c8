#include "webhook/allow_all_reviewer.h"

#include <gtest/gtest.h>

#include "test_data.h"
#include "webhook/admission_decoder.h"

namespace tierguard::webhook {
namespace {

TEST(AllowAllReviewer, AllowsAndNamesThePodServiceAccount) {
  auto reviewer = make_allow_all_reviewer();
  EXPECT_TRUE(reviewer->ready());
  AdmissionReviewDecoder decoder;
  std::string body = testing::read_test_data("admission/pod-create.json");
  AdmissionRequest request;
  ASSERT_FALSE(decoder.decode(body, request));
  const auto response = reviewer->review(Route::kPods, request);
  EXPECT_TRUE(response.allowed);
  EXPECT_EQ(response.service_account, "payments/payments-api");
}

TEST(AllowAllReviewer, AllowsRequestsWithoutAnObject) {
  auto reviewer = make_allow_all_reviewer();
  AdmissionRequest request;  // DELETE-like: no object
  request.operation = Operation::kDelete;
  const auto response = reviewer->review(Route::kRbac, request);
  EXPECT_TRUE(response.allowed);
  EXPECT_EQ(response.service_account, "");
}

}  // namespace
}  // namespace tierguard::webhook
