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

// Appends `value` to `out` as a JSON string literal (quotes included), escaping as RFC 8259
// asks; invalid UTF-8 is replaced as by to_valid_utf8().
void append_json_string(std::string& out, std::string_view value);

// `text` itself when it is valid UTF-8 (RFC 3629: no overlongs, surrogates or code points
// above U+10FFFF); otherwise a copy in `scratch` with each invalid byte replaced by U+FFFD,
// as Go's encoder does. JSON writers call this so no output line is ever invalid UTF-8,
// whatever bytes a client sent.
std::string_view to_valid_utf8(std::string_view text, std::string& scratch);

}  // namespace tierguard::telemetry
