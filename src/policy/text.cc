#include "policy/text.h"

namespace tierguard::policy {

std::string join(const std::vector<std::string>& values, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += separator;
    out += values[i];
  }
  return out;
}

std::string join_first(const std::vector<std::string>& values, size_t shown) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < shown; ++i) {
    if (i) out += ", ";
    out += values[i];
  }
  if (values.size() > shown) {
    out += " and ";
    out += std::to_string(values.size() - shown);
    out += " more";
  }
  return out;
}

}  // namespace tierguard::policy
