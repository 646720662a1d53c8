#pragma once

#include "policy/tier.h"
#include "state/object_header.h"

namespace tierguard::state {

// Decodes and validates a PrivilegeTier strictly: unknown fields, wrong types, impossible
// selectors, malformed durations, windows and ticket patterns are DecodeErrors naming the field.
// The checks mirror the CRD's OpenAPI schema and CEL rules, so a tier `tierguard check`
// accepts is one the apiserver accepts, and vice versa.
policy::PrivilegeTier decode_tier(const JsonReader& object, const ObjectHeader& header);

// A label selector (matchLabels / matchExpressions), validated.
policy::LabelSelector decode_selector(const JsonReader& selector);

}  // namespace tierguard::state
