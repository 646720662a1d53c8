#pragma once

#include <string>
#include <vector>

namespace tierguard::policy {

enum class Operation { kCreate, kUpdate, kDelete, kConnect };

// Who asked (from the admission request's userInfo; empty for `tierguard check`).
struct Requester {
  std::string username;
  std::vector<std::string> groups;
};

struct ReviewContext {
  Operation operation = Operation::kCreate;
  Requester requester;
};

}  // namespace tierguard::policy
