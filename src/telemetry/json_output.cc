#include "telemetry/json_output.h"

#include <rapidjson/writer.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace tierguard::telemetry {

namespace {
// Length of the valid UTF-8 sequence starting at text[i], or 0 when it is invalid.
std::size_t valid_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}
}  // namespace

std::string_view to_valid_utf8(std::string_view text, std::string& scratch) {
  std::size_t i = 0;
  // Fast path: skip ASCII eight bytes at a time.
  while (i + 8 <= text.size()) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    if (word & 0x8080808080808080ULL) break;
    i += 8;
  }
  while (i < text.size()) {
    const std::size_t n = valid_sequence_length(text, i);
    if (n == 0) break;
    i += n;
  }
  if (i == text.size()) return text;
  scratch.assign(text.substr(0, i));
  while (i < text.size()) {
    const std::size_t n = valid_sequence_length(text, i);
    if (n == 0) {
      scratch += "\xEF\xBF\xBD";
      ++i;
    } else {
      scratch.append(text.substr(i, n));
      i += n;
    }
  }
  return scratch;
}

void append_json_string(std::string& out, std::string_view value) {
  std::string scratch;
  value = to_valid_utf8(value, scratch);
  StringAppendStream stream(out);
  rapidjson::Writer<StringAppendStream> writer(stream);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace tierguard::telemetry
