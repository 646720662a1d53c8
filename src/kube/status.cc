#include "kube/status.h"

#include <string>

#include "kube/json.h"

namespace tierguard::kube {
namespace {

std::string printable_excerpt(std::string_view body) {
  constexpr std::size_t kMax = 256;
  std::string out;
  for (char c : body.substr(0, kMax)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
  }
  if (body.size() > kMax) out += "...";
  return out;
}

Error make(int code, std::string reason, std::string message, std::string_view step) {
  std::string text(step);
  text += ": ";
  text += std::to_string(code);
  if (!reason.empty()) text += " " + reason;
  if (!message.empty()) text += ": " + message;
  Error error(kind_for_status(code, reason), text);
  error.with_http(code, std::move(reason), std::move(message));
  return error;
}

}  // namespace

ErrorKind kind_for_status(int code, std::string_view reason) {
  switch (code) {
    case 400:
      return ErrorKind::kBadRequest;
    case 401:
      return ErrorKind::kUnauthorized;
    case 403:
      return ErrorKind::kForbidden;
    case 404:
      return ErrorKind::kNotFound;
    case 409:
      return reason == "AlreadyExists" ? ErrorKind::kAlreadyExists : ErrorKind::kConflict;
    case 410:
      return ErrorKind::kGone;
    case 422:
      return ErrorKind::kInvalid;
    case 429:
      return ErrorKind::kTooManyRequests;
    default:
      break;
  }
  if (code >= 500 && code <= 599) return ErrorKind::kServer;
  return ErrorKind::kApi;
}

Error status_error(const rapidjson::Value& status, std::string_view step) {
  int code = 0;
  if (const auto* c = find_member(status, {"code"}); c != nullptr && c->IsInt()) code = c->GetInt();
  return make(code, std::string(string_at(status, {"reason"})),
              std::string(string_at(status, {"message"})), step);
}

Error status_error(unsigned http_status, std::string_view body, std::string_view step) {
  const int code = static_cast<int>(http_status);
  try {
    const rapidjson::Document doc = parse_json(body, "status");
    if (doc.IsObject() && string_at(doc, {"kind"}) == "Status") {
      return make(code, std::string(string_at(doc, {"reason"})),
                  std::string(string_at(doc, {"message"})), step);
    }
  } catch (const Error&) {
    // not JSON: fall through and quote the body
  }
  return make(code, "", body.empty() ? "" : "\"" + printable_excerpt(body) + "\"", step);
}

}  // namespace tierguard::kube
