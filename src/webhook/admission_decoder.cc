#include "webhook/admission_decoder.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <array>
#include <string>

namespace tierguard::webhook {

std::string_view decode_step_name(DecodeStep step) {
  switch (step) {
    case DecodeStep::kEmptyBody: return "empty-body";
    case DecodeStep::kJsonSyntax: return "json-syntax";
    case DecodeStep::kNestingDepth: return "nesting-depth";
    case DecodeStep::kEnvelope: return "envelope";
    case DecodeStep::kRequestField: return "request-field";
  }
  return "unknown";
}

std::string_view operation_name(Operation operation) {
  switch (operation) {
    case Operation::kCreate: return "CREATE";
    case Operation::kUpdate: return "UPDATE";
    case Operation::kDelete: return "DELETE";
    case Operation::kConnect: return "CONNECT";
  }
  return "";
}

namespace {

using Allocator = rapidjson::MemoryPoolAllocator<>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Allocator, Allocator>;
using Value = rapidjson::Value;

// Recursive descent is markedly faster than kParseIterativeFlag here, and safe: the handler
// refuses to open a level beyond kMaxJsonNestingDepth, which aborts the parse before the
// recursion goes deeper, so the stack use is bounded (~256 small frames).
// UTF-8 is not validated while parsing (the apiserver always sends valid UTF-8, and
// validation costs a fifth of the parse): every string we write back out, in responses and
// logs, goes through telemetry::to_valid_utf8 instead.
constexpr unsigned kParseFlags = rapidjson::kParseInsituFlag;

// Forwards SAX events to the document, refusing to nest deeper than the limit.
class DepthLimitedHandler {
 public:
  explicit DepthLimitedHandler(Document& document) : document_(document) {}
  bool too_deep() const { return too_deep_; }

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(std::int64_t i) { return document_.Int64(i); }
  bool Uint64(std::uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return document_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return document_.Key(s, n, copy); }
  bool StartObject() { return enter() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return enter() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

 private:
  bool enter() {
    if (++depth_ > kMaxJsonNestingDepth) {
      too_deep_ = true;
      return false;
    }
    return true;
  }
  Document& document_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
};

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Field readers for one JSON object, recording the first failure with the field's path.
class FieldReader {
 public:
  FieldReader(const Value& object, std::string_view path, std::optional<DecodeError>& error)
      : object_(object), path_(path), error_(error) {}

  const Value* find(std::string_view name) const {
    auto it = object_.FindMember(
        Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size()))));
    return it == object_.MemberEnd() ? nullptr : &it->value;
  }

  // A string field; absent (or null) reads as "" unless required.
  std::string_view string(std::string_view name, bool required, std::size_t max_length) {
    const Value* v = find(name);
    if (v == nullptr || v->IsNull()) {
      if (required) fail(name, "is required");
      return {};
    }
    if (!v->IsString()) {
      fail(name, "must be a string");
      return {};
    }
    if (v->GetStringLength() > max_length) {
      fail(name, "is longer than " + std::to_string(max_length) + " bytes");
      return {};
    }
    return view(*v);
  }

  // An object field; nullptr when absent or null (an error only if required).
  const Value* object(std::string_view name, bool required) {
    const Value* v = find(name);
    if (v == nullptr || v->IsNull()) {
      if (required) fail(name, "is required");
      return nullptr;
    }
    if (!v->IsObject()) {
      fail(name, "must be an object");
      return nullptr;
    }
    return v;
  }

  bool boolean(std::string_view name) {
    const Value* v = find(name);
    if (v == nullptr || v->IsNull()) return false;
    if (!v->IsBool()) {
      fail(name, "must be a boolean");
      return false;
    }
    return v->GetBool();
  }

  void fail(std::string_view name, std::string_view what) {
    if (error_) return;
    std::string message(path_);
    message += '.';
    message += name;
    message += ' ';
    message += what;
    error_ = DecodeError{DecodeStep::kRequestField, std::move(message)};
  }

  std::string child_path(std::string_view name) const {
    std::string p(path_);
    p += '.';
    p += name;
    return p;
  }

 private:
  const Value& object_;
  std::string_view path_;
  std::optional<DecodeError>& error_;
};

constexpr std::size_t kUnlimited = ~std::size_t{0};

// {group, version, <last>} objects: request.kind (last = "kind") and request.resource
// (last = "resource").
void read_group_version(FieldReader& parent, std::string_view name, std::string_view last_field,
                        std::string_view& group, std::string_view& version, std::string_view& last,
                        std::optional<DecodeError>& error) {
  const Value* v = parent.object(name, true);
  if (v == nullptr) return;
  const std::string path = parent.child_path(name);
  FieldReader r(*v, path, error);
  group = r.string("group", false, kMaxNameLength);
  version = r.string("version", true, kMaxNameLength);
  last = r.string(last_field, true, kMaxNameLength);
}

void read_user_info(FieldReader& parent, UserInfo& out, std::optional<DecodeError>& error) {
  out = UserInfo{};
  const Value* v = parent.object("userInfo", false);
  if (v == nullptr) return;
  FieldReader r(*v, "request.userInfo", error);
  out.username = r.string("username", false, kUnlimited);
  out.uid = r.string("uid", false, kUnlimited);
  if (const Value* groups = r.find("groups"); groups != nullptr && !groups->IsNull()) {
    if (!groups->IsArray()) {
      r.fail("groups", "must be an array of strings");
    } else {
      out.groups.reserve(groups->Size());
      for (const Value& g : groups->GetArray()) {
        if (!g.IsString()) {
          r.fail("groups", "must be an array of strings");
          break;
        }
        out.groups.push_back(view(g));
      }
    }
  }
  out.extra = r.object("extra", false);
}

// `object`/`oldObject` are RawExtensions: an object, or null/absent.
const Value* read_embedded_object(FieldReader& r, std::string_view name) {
  return r.object(name, false);
}

std::optional<Operation> parse_operation(std::string_view s) {
  if (s == "CREATE") return Operation::kCreate;
  if (s == "UPDATE") return Operation::kUpdate;
  if (s == "DELETE") return Operation::kDelete;
  if (s == "CONNECT") return Operation::kConnect;
  return std::nullopt;
}

}  // namespace

struct AdmissionReviewDecoder::Pools {
  // The first chunks live inside the decoder, so a typical review (tens of KiB of tree)
  // needs no heap allocation; bigger ones borrow chunks that Clear() hands back.
  static constexpr std::size_t kValueBufferSize = 64 * 1024;
  static constexpr std::size_t kStackBufferSize = 16 * 1024;
  alignas(16) std::array<char, kValueBufferSize> value_buffer;
  alignas(16) std::array<char, kStackBufferSize> stack_buffer;
  Allocator value_allocator{value_buffer.data(), value_buffer.size()};
  Allocator stack_allocator{stack_buffer.data(), stack_buffer.size()};
  std::optional<Document> document;

  Document& fresh_document() {
    document.reset();
    value_allocator.Clear();
    stack_allocator.Clear();
    return document.emplace(&value_allocator, kStackBufferSize / 2, &stack_allocator);
  }
};

AdmissionReviewDecoder::AdmissionReviewDecoder() : pools_(std::make_unique<Pools>()) {}
AdmissionReviewDecoder::~AdmissionReviewDecoder() = default;

std::optional<DecodeError> AdmissionReviewDecoder::decode(std::string& body,
                                                          AdmissionRequest& request) {
  last_uid_ = {};
  if (body.empty()) return DecodeError{DecodeStep::kEmptyBody, "request body is empty"};

  Document& document = pools_->fresh_document();
  rapidjson::InsituStringStream stream(body.data());
  rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, Allocator> reader(
      &pools_->stack_allocator);
  DepthLimitedHandler handler(document);
  rapidjson::ParseResult result;
  auto generator = [&](Document&) {
    result = reader.Parse<kParseFlags>(stream, handler);
    return !result.IsError();
  };
  document.Populate(generator);
  if (handler.too_deep()) {
    return DecodeError{DecodeStep::kNestingDepth,
                       "JSON nests deeper than " + std::to_string(kMaxJsonNestingDepth) +
                           " levels"};
  }
  if (result.IsError()) {
    return DecodeError{DecodeStep::kJsonSyntax,
                       std::string("invalid JSON at byte ") + std::to_string(result.Offset()) +
                           ": " + rapidjson::GetParseError_En(result.Code())};
  }
  // In-situ parsing stops at a NUL byte; anything after it would otherwise go unread.
  if (stream.Tell() != body.size()) {
    return DecodeError{DecodeStep::kJsonSyntax,
                       "invalid JSON at byte " + std::to_string(stream.Tell()) +
                           ": unexpected NUL byte"};
  }

  if (!document.IsObject()) {
    return DecodeError{DecodeStep::kEnvelope, "body is not a JSON object"};
  }
  std::optional<DecodeError> error;
  FieldReader envelope(document, "", error);
  const std::string_view api_version = envelope.string("apiVersion", false, kMaxNameLength);
  const std::string_view kind = envelope.string("kind", false, kMaxNameLength);
  if (error || api_version != "admission.k8s.io/v1") {
    return DecodeError{DecodeStep::kEnvelope,
                       "apiVersion must be admission.k8s.io/v1 (set admissionReviewVersions: "
                       "[v1] in the webhook configuration)"};
  }
  if (kind != "AdmissionReview") {
    return DecodeError{DecodeStep::kEnvelope, "kind must be AdmissionReview"};
  }

  const Value* req = envelope.object("request", true);
  if (req == nullptr) {
    return DecodeError{DecodeStep::kRequestField, "request is required and must be an object"};
  }
  FieldReader r(*req, "request", error);
  request.uid = r.string("uid", true, kMaxUidLength);
  if (!error && request.uid.empty()) r.fail("uid", "must not be empty");
  if (error) return error;
  last_uid_ = request.uid;

  read_group_version(r, "kind", "kind", request.kind.group, request.kind.version, request.kind.kind, error);
  read_group_version(r, "resource", "resource", request.resource.group, request.resource.version,
                     request.resource.resource, error);
  request.sub_resource = r.string("subResource", false, kMaxNameLength);
  request.name = r.string("name", false, kMaxNameLength);
  request.namespace_name = r.string("namespace", false, kMaxNameLength);
  const std::string_view operation = r.string("operation", true, kMaxNameLength);
  if (!error) {
    if (auto op = parse_operation(operation)) {
      request.operation = *op;
    } else {
      r.fail("operation", "must be one of CREATE, UPDATE, DELETE, CONNECT");
    }
  }
  read_user_info(r, request.user_info, error);
  request.object = read_embedded_object(r, "object");
  request.old_object = read_embedded_object(r, "oldObject");
  request.dry_run = r.boolean("dryRun");
  return error;
}

}  // namespace tierguard::webhook
