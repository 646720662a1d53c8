#pragma once

// The HTTP message types the transport hands to the request handler.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace tierguard::webhook {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace tierguard::webhook
