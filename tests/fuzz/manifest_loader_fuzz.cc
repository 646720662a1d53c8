// Fuzzes the manifest path end to end: YAML (or JSON) text → documents → decoded objects →
// snapshot → decisions. Any input must end in objects or a typed error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "policy/review_context.h"
#include "state/decode_error.h"
#include "state/manifest_reader.h"
#include "state/manifest_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tierguard;
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The first byte picks the parser so both are exercised from one corpus.
  const std::string file = (size > 0 && (data[0] & 1)) ? "input.json" : "input.yaml";
  try {
    auto set = state::decode_manifests(state::parse_manifest_text(file, text));
    state::resolve_role_references(set, state::ManifestOptions{size > 0 && (data[0] & 2)});
    auto snapshot = state::build_snapshot(set);
    const policy::PolicyOptions options;
    const policy::ReviewContext context;
    for (const auto& object : set.objects) {
      (void)state::review_against_the_others(*snapshot, object.object, context, options);
    }
  } catch (const state::ManifestError&) {
  } catch (const state::DecodeError&) {
  }
  return 0;
}
