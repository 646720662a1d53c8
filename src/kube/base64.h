#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tierguard::kube {

// Strict standard-alphabet base64 (RFC 4648 §4) as used by kubeconfig *-data fields.
// ASCII whitespace is ignored (multi-line PEM-style wrapping); padding is required when
// the length is not a multiple of four. Returns nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64_encode(std::string_view bytes);

}  // namespace tierguard::kube
