#include "telemetry/json_output.h"

#include <rapidjson/writer.h>

#include <string_view>

namespace tierguard::telemetry {

void append_json_string(std::string& out, std::string_view value) {
  StringAppendStream stream(out);
  rapidjson::Writer<StringAppendStream> writer(stream);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace tierguard::telemetry
