#include "state/object_header.h"

namespace tierguard::state {

std::string ObjectHeader::display_name() const {
  if (!name.empty()) return name;
  if (!generate_name.empty()) return generate_name + "*";
  return "<unnamed>";
}

ObjectHeader decode_header(const JsonReader& object) {
  ObjectHeader h;
  h.api_version = object.string("apiVersion").value_or("");
  h.kind = object.string("kind").value_or("");
  if (auto meta = object.object("metadata")) {
    h.namespace_name = meta->string("namespace").value_or("");
    h.name = meta->string("name").value_or("");
    h.generate_name = meta->string("generateName").value_or("");
    h.labels = meta->string_map("labels");
    // Only tierguard's own annotations matter to decisions; the rest (often large, e.g.
    // kubectl's last-applied-configuration) is not kept.
    h.annotations = meta->string_map("annotations", kKeptAnnotationPrefix);
    for (const auto& ref : meta->object_list("ownerReferences")) {
      policy::OwnerReference owner;
      owner.kind = ref.required_string("kind");
      owner.name = ref.required_string("name");
      owner.controller = ref.boolean("controller").value_or(false);
      h.owners.push_back(std::move(owner));
    }
  }
  return h;
}

}  // namespace tierguard::state
