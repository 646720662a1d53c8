#include "kube/client.h"

#include <boost/system/system_error.hpp>

#include "kube/client_detail.h"
#include "kube/error.h"
#include "kube/json.h"
#include "kube/status.h"

// Client: construction, the retrying request loop, reads (get, list, list_all) and watch.
// The writing verbs are in client_writes.cc.

namespace tierguard::kube {
namespace detail {

std::string where(const ResourceType& type, std::string_view ns, std::string_view name) {
  std::string out = type.describe();
  if (!name.empty()) {
    out += ' ';
    out += object_key(type.namespaced ? ns : std::string_view{}, name);
  } else if (type.namespaced && ns.empty()) {
    out += " (all namespaces)";
  } else if (type.namespaced) {
    out += " in ";
    out += ns;
  }
  return out;
}

void require_namespace(const ResourceType& type, std::string_view ns, const std::string& step) {
  if (type.namespaced && ns.empty()) {
    throw Error(ErrorKind::kConfig, step + ": a namespace is required for " + type.describe());
  }
}

HttpRequest json_request(boost::beast::http::verb method, std::string target, std::string body,
                         std::string_view content_type) {
  HttpRequest request;
  request.method = method;
  request.target = std::move(target);
  if (!body.empty()) {
    request.body = std::move(body);
    request.content_type = std::string(content_type);
  }
  return request;
}

}  // namespace detail

namespace {

namespace http = boost::beast::http;
using detail::json_request;
using detail::require_namespace;
using detail::where;
using std::chrono::milliseconds;

constexpr std::size_t kMaxErrorBody = 1u << 20;

}  // namespace

std::string_view content_type(PatchType type) {
  switch (type) {
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/json";
}

Client::Client(boost::asio::any_io_executor executor, Config config, ClientOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &SystemClock::instance()),
      random_(options_.random ? options_.random : default_random()),
      logger_(options_.logger ? options_.logger : stderr_logger()),
      tokens_(config_.credentials, *clock_),
      transport_(std::move(executor), config_, options_.transport) {
  for (const auto& warning : config_.warnings) {
    logger_(LogLevel::kWarning, config_.origin + ": " + warning);
  }
}

Client::~Client() = default;

void Client::authorize(HttpRequest& request) {
  request.headers.emplace_back("Accept", "application/json");
  request.headers.emplace_back("User-Agent", options_.user_agent);
  const std::string token = tokens_.token();
  if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
}

boost::asio::awaitable<HttpResponse> Client::request(HttpRequest request, std::string_view step,
                                                     CallOptions call) {
  const std::string name(step);
  const auto started = clock_->now();
  const int max_attempts = std::max(1, call.max_attempts.value_or(options_.retry.max_attempts));
  Backoff backoff(options_.retry.backoff, random_);
  bool reauthorized = false;
  for (int attempt = 1;; ++attempt) {
    HttpRequest sent = request;
    milliseconds budget = options_.request_timeout;
    if (call.timeout) {
      const auto used = std::chrono::duration_cast<milliseconds>(clock_->now() - started);
      budget = std::min(budget, std::max(milliseconds(1), *call.timeout - used));
    }
    std::optional<Error> failure;
    HttpResponse response;
    try {
      authorize(sent);
      response = co_await transport_.send(sent, std::chrono::steady_clock::now() + budget);
    } catch (const Error& e) {
      failure = e.context(name);
    } catch (const boost::system::system_error& e) {
      failure = Error(kind_of(e.code(), ErrorKind::kTransport), name + ": " + e.code().message());
    }
    milliseconds delay{0};
    if (failure) {
      if (failure->kind() == ErrorKind::kCancelled || attempt >= max_attempts ||
          !should_retry_error(*failure, request.method)) {
        throw *failure;
      }
      delay = backoff.next();
    } else {
      if (response.status >= 200 && response.status <= 299) co_return response;
      if (response.status == 401 && !reauthorized && tokens_.invalidate()) {
        reauthorized = true;  // the token file may have rotated under us: one fresh try
        continue;
      }
      const auto retry_after = parse_retry_after(response.retry_after);
      Error error = status_error(response.status, response.body, name);
      error.with_retry_after(retry_after);
      if (attempt >= max_attempts ||
          !should_retry_status(response.status, request.method, retry_after.has_value())) {
        throw error;
      }
      delay = retry_after ? std::chrono::duration_cast<milliseconds>(
                                std::min(*retry_after, options_.retry.max_retry_after))
                          : backoff.next();
      failure = std::move(error);
    }
    if (call.timeout && clock_->now() - started + delay >= *call.timeout) {
      throw failure->context("giving up within the call's time budget");
    }
    logger_(LogLevel::kDebug,
            std::string(failure->what()) + "; retrying in " + std::to_string(delay.count()) + "ms");
    try {
      co_await clock_->sleep(delay);
    } catch (...) {
      rethrow_with_context(name, ErrorKind::kCancelled);
    }
  }
}

boost::asio::awaitable<rapidjson::Document> Client::json_call(HttpRequest request, std::string step,
                                                              CallOptions call) {
  const HttpResponse response = co_await this->request(std::move(request), step, call);
  try {
    co_return parse_json(response.body, "decode response");
  } catch (const Error& e) {
    throw e.context(step);
  }
}

boost::asio::awaitable<rapidjson::Document> Client::get(const ResourceType& type,
                                                        std::string_view ns, std::string_view name,
                                                        CallOptions call) {
  const std::string step = "get " + where(type, ns, name);
  require_namespace(type, ns, step);
  HttpRequest request = json_request(http::verb::get, resource_path(type, ns, name));
  co_return co_await json_call(std::move(request), step, call);
}

boost::asio::awaitable<rapidjson::Document> Client::list(const ResourceType& type,
                                                         std::string_view ns,
                                                         const ListOptions& options,
                                                         CallOptions call) {
  Query query;
  query.add_if("labelSelector", options.label_selector)
      .add_if("fieldSelector", options.field_selector)
      .add_if("resourceVersion", options.resource_version)
      .add_if("resourceVersionMatch", options.resource_version_match);
  if (options.limit > 0) query.add("limit", std::to_string(options.limit));
  query.add_if("continue", options.continue_token);
  const std::string step = "list " + where(type, ns);
  HttpRequest request = json_request(http::verb::get, resource_path(type, ns) + query.str());
  rapidjson::Document page = co_await json_call(std::move(request), step, call);
  const auto* items = find_member(page, {"items"});
  if (!page.IsObject() || (items != nullptr && !items->IsArray() && !items->IsNull())) {
    throw Error(ErrorKind::kDecode, step + ": response is not a List");
  }
  co_return page;
}

boost::asio::awaitable<rapidjson::Document> Client::list_all(const ResourceType& type,
                                                             std::string_view ns,
                                                             ListOptions options,
                                                             CallOptions call) {
  rapidjson::Document all = co_await list(type, ns, options, call);
  auto& alloc = all.GetAllocator();
  if (!all.HasMember("items") || !all["items"].IsArray()) {
    all.RemoveMember("items");
    all.AddMember("items", rapidjson::Value(rapidjson::kArrayType), alloc);
  }
  std::string next(string_at(all, {"metadata", "continue"}));
  options.resource_version.clear();  // a continue token carries its own snapshot
  options.resource_version_match.clear();
  while (!next.empty()) {
    options.continue_token = next;
    rapidjson::Document page = co_await list(type, ns, options, call);
    if (page.HasMember("items") && page["items"].IsArray()) {
      for (const auto& item : page["items"].GetArray()) {
        all["items"].PushBack(rapidjson::Value(item, alloc), alloc);
      }
    }
    next = std::string(string_at(page, {"metadata", "continue"}));
  }
  if (all.HasMember("metadata") && all["metadata"].IsObject()) {
    all["metadata"].RemoveMember("continue");
  }
  co_return all;
}

boost::asio::awaitable<std::unique_ptr<WatchStream>> Client::watch(const ResourceType& type,
                                                                   std::string_view ns,
                                                                   const WatchOptions& options) {
  const std::string step = "watch " + where(type, ns);
  Query query;
  query.add("watch", "true")
      .add_if("labelSelector", options.label_selector)
      .add_if("fieldSelector", options.field_selector)
      .add_if("resourceVersion", options.resource_version);
  if (options.allow_bookmarks) query.add("allowWatchBookmarks", "true");
  if (options.timeout_seconds > 0) {
    query.add("timeoutSeconds", std::to_string(options.timeout_seconds));
  }
  HttpRequest request = json_request(http::verb::get, resource_path(type, ns) + query.str());
  std::unique_ptr<ResponseStream> response;
  unsigned status = 0;
  std::string body;
  std::string retry_after;
  try {
    authorize(request);
    response = co_await transport_.open_stream(
        request, std::chrono::steady_clock::now() + options_.request_timeout);
    status = response->status();
    if (status != 200) {
      retry_after = response->retry_after();
      body = co_await response->read_all(kMaxErrorBody, options_.transport.read_timeout);
    }
  } catch (...) {
    rethrow_with_context(step);
  }
  if (status != 200) {
    if (status == 401) tokens_.invalidate();
    Error error = status_error(status, body, step);
    error.with_retry_after(parse_retry_after(retry_after));
    throw error;
  }
  co_return std::make_unique<WatchStream>(std::move(response), options_.max_event_bytes,
                                          options_.watch_idle_timeout, step);
}

}  // namespace tierguard::kube
