#include "kube/error.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/system/system_error.hpp>
#include <exception>
#include <system_error>

namespace tierguard::kube {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConfig:
      return "config";
    case ErrorKind::kTransport:
      return "transport";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kTls:
      return "tls";
    case ErrorKind::kProtocol:
      return "protocol";
    case ErrorKind::kTooLarge:
      return "too large";
    case ErrorKind::kDecode:
      return "decode";
    case ErrorKind::kBadRequest:
      return "bad request";
    case ErrorKind::kUnauthorized:
      return "unauthorized";
    case ErrorKind::kForbidden:
      return "forbidden";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kConflict:
      return "conflict";
    case ErrorKind::kAlreadyExists:
      return "already exists";
    case ErrorKind::kGone:
      return "gone";
    case ErrorKind::kInvalid:
      return "invalid";
    case ErrorKind::kTooManyRequests:
      return "too many requests";
    case ErrorKind::kServer:
      return "server error";
    case ErrorKind::kApi:
      return "api error";
    case ErrorKind::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

Error::Error(ErrorKind kind, const std::string& message)
    : std::runtime_error(message), kind_(kind) {}

Error::Error(const Error& base, const std::string& message)
    : std::runtime_error(message),
      kind_(base.kind_),
      http_status_(base.http_status_),
      reason_(base.reason_),
      api_message_(base.api_message_),
      retry_after_(base.retry_after_),
      request_sent_(base.request_sent_) {}

Error& Error::with_http(int status, std::string reason, std::string api_message) {
  http_status_ = status;
  reason_ = std::move(reason);
  api_message_ = std::move(api_message);
  return *this;
}

Error& Error::with_retry_after(std::optional<std::chrono::seconds> value) {
  retry_after_ = value;
  return *this;
}

Error& Error::with_request_sent(bool sent) {
  request_sent_ = sent;
  return *this;
}

Error Error::context(std::string_view step) const {
  std::string message(step);
  message += ": ";
  message += what();
  return Error(*this, message);
}

ErrorKind kind_of(const boost::system::error_code& ec, ErrorKind fallback) {
  if (ec == boost::asio::error::operation_aborted) return ErrorKind::kCancelled;
  if (ec == boost::beast::error::timeout || ec == boost::asio::error::timed_out) {
    return ErrorKind::kTimeout;
  }
  return fallback;
}

void rethrow_with_context(std::string_view step, ErrorKind fallback) {
  try {
    throw;
  } catch (const Error& e) {
    throw e.context(step);
  } catch (const boost::system::system_error& e) {
    throw Error(kind_of(e.code(), fallback), std::string(step) + ": " + e.code().message());
  } catch (const std::system_error& e) {
    throw Error(fallback, std::string(step) + ": " + e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(fallback, std::string(step) + ": " + e.what());
  }
}

}  // namespace tierguard::kube
