// Fuzzes RBAC rule coverage against properties that must hold for any rules:
//  * every well-formed rule set covers itself (the apiserver rejects rules that mix
//    nonResourceURLs with apiGroups, resources or resourceNames; those need not);
//  * adding owner rules never uncovers anything;
//  * a result is "covered" exactly when nothing is listed as uncovered, and every uncovered
//    atomic rule is really not covered by any owner rule.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "policy/rule_coverage.h"
#include "policy/rule_summary.h"

namespace {

using tierguard::policy::PolicyRule;

// A small alphabet makes collisions (and so interesting coverage) likely.
const char* const kWords[] = {"*", "", "get", "list", "create", "pods", "pods/exec", "*/exec",
                              "secrets", "apps", "deployments", "deployments/scale", "*/scale",
                              "a", "b", "/healthz", "/healthz/*", "/api", "/*"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }

  std::vector<std::string> words() {
    std::vector<std::string> out;
    const uint8_t n = next() % 4;
    for (uint8_t i = 0; i < n; ++i) out.emplace_back(kWords[next() % kWordCount]);
    return out;
  }

  std::vector<PolicyRule> rules() {
    std::vector<PolicyRule> out;
    const uint8_t n = next() % 5;
    for (uint8_t i = 0; i < n; ++i) {
      PolicyRule r;
      r.verbs = words();
      r.api_groups = words();
      r.resources = words();
      r.resource_names = words();
      r.non_resource_urls = words();
      out.push_back(std::move(r));
    }
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

bool well_formed(const std::vector<PolicyRule>& rules) {
  for (const auto& r : rules) {
    const bool url_rule = !r.non_resource_urls.empty();
    if (url_rule && (!r.api_groups.empty() || !r.resources.empty() || !r.resource_names.empty()))
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tierguard::policy;
  Reader reader(data, size);
  const auto owner = reader.rules();
  const auto requested = reader.rules();
  const auto extra = reader.rules();

  if (well_formed(requested) && !check_coverage(requested, requested).covered) __builtin_trap();

  const auto result = check_coverage(owner, requested);
  if (result.covered != result.uncovered.empty()) __builtin_trap();
  for (const auto& atomic : result.uncovered) {
    for (const auto& o : owner)
      if (covers_atomic(o, atomic)) __builtin_trap();
  }
  if (result.covered) {
    auto more = owner;
    more.insert(more.end(), extra.begin(), extra.end());
    if (!check_coverage(more, requested).covered) __builtin_trap();
  }
  (void)summarize_rules(result.uncovered);
  (void)namespaced_part(requested);
  return 0;
}
