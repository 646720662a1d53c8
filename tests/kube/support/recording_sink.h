#pragma once

#include <string>
#include <vector>

#include "kube/json.h"
#include "kube/object_sink.h"

namespace tierguard::kube::testing {

// Records every sink call as text: "init_start", "init_apply ns/a@7", "init_done",
// "apply a@8", "remove a@9".
class RecordingSink final : public ObjectSink {
 public:
  void init_start() override { calls.push_back("init_start"); }
  void init_apply(const rapidjson::Value& o) override { calls.push_back("init_apply " + id(o)); }
  void init_done() override { calls.push_back("init_done"); }
  void apply(const rapidjson::Value& o) override { calls.push_back("apply " + id(o)); }
  void remove(const rapidjson::Value& o) override { calls.push_back("remove " + id(o)); }

  std::vector<std::string> take() {
    std::vector<std::string> out;
    out.swap(calls);
    return out;
  }

  std::vector<std::string> calls;

 private:
  static std::string id(const rapidjson::Value& o) {
    return object_key(o) + "@" + std::string(object_resource_version(o));
  }
};

// JSON text of a minimal object / watch event line.
inline std::string object_json(const std::string& name, const std::string& rv,
                               const std::string& ns = "") {
  std::string meta = "\"name\":\"" + name + "\",\"resourceVersion\":\"" + rv + "\"";
  if (!ns.empty()) meta += ",\"namespace\":\"" + ns + "\"";
  return "{\"metadata\":{" + meta + "}}";
}

inline std::string event_line(const std::string& type, const std::string& name,
                              const std::string& rv, const std::string& ns = "") {
  return "{\"type\":\"" + type + "\",\"object\":" + object_json(name, rv, ns) + "}\n";
}

inline std::string bookmark_line(const std::string& rv) {
  return "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Namespace\",\"metadata\":{"
         "\"resourceVersion\":\"" +
         rv + "\"}}}\n";
}

inline std::string gone_line() {
  return "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
         "\"status\":\"Failure\",\"message\":\"too old resource version: 10 (30)\","
         "\"reason\":\"Expired\",\"code\":410}}\n";
}

inline std::string list_json(const std::vector<std::string>& items, const std::string& rv,
                             const std::string& next = "") {
  std::string out = "{\"kind\":\"List\",\"metadata\":{\"resourceVersion\":\"" + rv + "\"";
  if (!next.empty()) out += ",\"continue\":\"" + next + "\"";
  out += "},\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]}";
}

}  // namespace tierguard::kube::testing
