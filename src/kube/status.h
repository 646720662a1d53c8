#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "kube/error.h"

namespace tierguard::kube {

// The error kind for an HTTP status code and Status.reason (409 AlreadyExists vs Conflict).
ErrorKind kind_for_status(int code, std::string_view reason);

// A non-2xx response as a typed error: "<step>: <code> <reason>: <Status.message>". A body
// that is not a Status (proxies, garbage) is quoted, truncated to 256 bytes.
Error status_error(unsigned http_status, std::string_view body, std::string_view step);

// A `Status` object (e.g. from a watch ERROR event) as a typed error.
Error status_error(const rapidjson::Value& status, std::string_view step);

}  // namespace tierguard::kube
