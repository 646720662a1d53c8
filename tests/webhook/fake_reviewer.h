#pragma once

// A scripted Reviewer for tests: denies namespaces named "forbidden", warns in namespaces
// named "warned", throws for "explode", and records what it saw.

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "webhook/reviewer.h"

namespace tierguard::webhook::testing {

class FakeReviewer : public Reviewer {
 public:
  struct Seen {
    Route route;
    std::string uid, kind, namespace_name, name, username;
    bool has_object, has_old_object, dry_run;
  };

  AdmissionResponse review(Route route, const AdmissionRequest& request) override {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back({route, std::string(request.uid), std::string(request.kind.kind),
                       std::string(request.namespace_name), std::string(request.name),
                       std::string(request.user_info.username), request.object != nullptr,
                       request.old_object != nullptr, request.dry_run});
    }
    if (request.namespace_name == "explode") throw std::runtime_error("state index corrupted");
    AdmissionResponse response;
    response.tier = "standard";
    response.service_account = std::string(request.namespace_name) + "/sa";
    if (request.namespace_name == "forbidden") {
      response = AdmissionResponse::deny("tier standard does not allow namespace forbidden");
      response.tier = "standard";
      response.audit_annotations = {{"tier", "standard"}, {"rule", "placement"}};
      return response;
    }
    response.allowed = true;
    if (request.namespace_name == "warned") {
      response.warnings = {"tier standard: would be denied in Enforce mode"};
    }
    if (route == Route::kMutateTierguard || request.namespace_name == "patch-anyway") {
      response.json_patch =
          R"([{"op":"add","path":"/metadata/annotations/tierguard.io~1requested-by","value":"alice"}])";
    }
    return response;
  }

  bool ready() const override {
    if (ready_throws_.load()) throw std::runtime_error("state source unreachable");
    return ready_.load();
  }
  void set_ready_throws(bool throws) { ready_throws_.store(throws); }
  void set_ready(bool ready) { ready_.store(ready); }

  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
  std::atomic<bool> ready_{true};
  std::atomic<bool> ready_throws_{false};
};

}  // namespace tierguard::webhook::testing
