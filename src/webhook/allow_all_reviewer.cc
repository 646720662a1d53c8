#include "webhook/allow_all_reviewer.h"

namespace tierguard::webhook {

namespace {
class AllowAllReviewer : public Reviewer {
 public:
  AdmissionResponse review(Route, const AdmissionRequest& request) override {
    AdmissionResponse response = AdmissionResponse::allow();
    // Touch what a real policy reads first, so the bench does not measure a no-op.
    if (request.object != nullptr && request.object->IsObject()) {
      auto spec = request.object->FindMember("spec");
      if (spec != request.object->MemberEnd() && spec->value.IsObject()) {
        auto sa = spec->value.FindMember("serviceAccountName");
        if (sa != spec->value.MemberEnd() && sa->value.IsString()) {
          response.service_account.assign(request.namespace_name);
          response.service_account += '/';
          response.service_account.append(sa->value.GetString(), sa->value.GetStringLength());
        }
      }
    }
    return response;
  }
  bool ready() const override { return true; }
};
}  // namespace

std::unique_ptr<Reviewer> make_allow_all_reviewer() { return std::make_unique<AllowAllReviewer>(); }

}  // namespace tierguard::webhook
