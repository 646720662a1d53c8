#pragma once

#include <stdexcept>
#include <string>

namespace tierguard::state {

// A Kubernetes object that cannot be read: names the field (JSON path from the object root,
// e.g. "spec.standing.rules[2].verbs") and what is wrong with it.
class DecodeError : public std::runtime_error {
 public:
  DecodeError(std::string field, const std::string& problem)
      : std::runtime_error(field.empty() ? problem : field + ": " + problem),
        field_(std::move(field)),
        problem_(problem) {}

  const std::string& field() const { return field_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string field_;
  std::string problem_;
};

}  // namespace tierguard::state
