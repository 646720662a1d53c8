#pragma once

// A Reviewer that allows everything: for measuring the transport and codec alone
// (`tierguard webhook --reviewer=allow-all`, bench/webhook). Never use it to admit traffic.

#include <memory>

#include "webhook/reviewer.h"

namespace tierguard::webhook {

std::unique_ptr<Reviewer> make_allow_all_reviewer();

}  // namespace tierguard::webhook
