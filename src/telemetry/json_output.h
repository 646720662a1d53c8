#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tierguard::telemetry {

// A RapidJSON output stream that appends to a caller-owned std::string, so writers can reuse
// one buffer's capacity across calls instead of allocating a StringBuffer each time.
class StringAppendStream {
 public:
  using Ch = char;
  explicit StringAppendStream(std::string& out) : out_(out) {}
  void Put(char c) { out_.push_back(c); }
  void Flush() {}
  std::string& string() { return out_; }

 private:
  std::string& out_;
};

// Appends `value` to `out` as a JSON string literal (quotes included), escaping as RFC 8259 asks.
void append_json_string(std::string& out, std::string_view value);

}  // namespace tierguard::telemetry
