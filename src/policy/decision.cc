#include "policy/decision.h"

namespace tierguard::policy {
namespace {

std::string render(const Violation& v) {
  // A violation about the object itself (e.g. a malformed roleRef) names no service account.
  if (v.service_account.empty()) return v.rule + ": " + v.message;
  return account_phrase(v.service_account, v.tier) + ": " + v.rule + ": " + v.message;
}

}  // namespace

std::string account_phrase(std::string_view service_account, const PrivilegeTier* tier) {
  const bool several = service_account.find(", ") != std::string_view::npos ||
                       service_account.find(" more") != std::string_view::npos;
  std::string out = service_account.rfind("new service accounts", 0) == 0
                        ? std::string(service_account)
                        : (several ? "service accounts " : "service account ") + std::string(service_account);
  if (tier != nullptr) out += " (tier \"" + tier->name + "\")";
  return out;
}

std::string Decision::message() const {
  if (allowed) return {};
  std::string out = "tierguard: ";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i) out += "; ";
    out += reasons[i];
  }
  return out;
}

Decision decide(const std::vector<Violation>& violations, std::string service_account,
                std::string tier) {
  Decision d;
  d.service_account = std::move(service_account);
  d.tier = std::move(tier);
  std::string audited;
  for (const auto& v : violations) {
    const std::string text = render(v);
    if (!audited.empty()) audited += " | ";
    audited += text;
    if (v.advisory) {
      d.warnings.push_back("tierguard: " + text);
      continue;
    }
    const Enforcement mode = v.tier ? v.tier->enforcement : Enforcement::kEnforce;
    switch (mode) {
      case Enforcement::kEnforce:
        d.allowed = false;
        d.reasons.push_back(text);
        break;
      case Enforcement::kWarn: d.warnings.push_back("tierguard: " + text); break;
      case Enforcement::kAudit: break;
    }
  }
  const char* outcome = !d.allowed ? "denied" : (!violations.empty() ? "allowed-with-violations" : "allowed");
  d.audit_annotations.emplace_back("decision", outcome);
  if (!d.tier.empty()) d.audit_annotations.emplace_back("tier", d.tier);
  if (!d.service_account.empty()) d.audit_annotations.emplace_back("service-account", d.service_account);
  if (!audited.empty()) d.audit_annotations.emplace_back("violations", audited);
  return d;
}

}  // namespace tierguard::policy
