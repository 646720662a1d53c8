#include "policy/version.h"

#ifndef TIERGUARD_VERSION
#define TIERGUARD_VERSION "0.0.0-unknown"
#endif

namespace tierguard {

std::string_view version() { return TIERGUARD_VERSION; }

}  // namespace tierguard
