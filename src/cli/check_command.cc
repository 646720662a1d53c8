#include "cli/check_command.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <iostream>
#include <memory>

#include "state/manifest_state.h"

namespace tierguard::cli {
namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::string output = "text";
  std::string default_namespace = "default";
  std::vector<std::string> exempt_namespaces;
  bool exempt_set = false;
  bool allow_unknown_roles = false;
};

struct Evaluated {
  const state::ManifestObject* object;
  policy::Decision decision;
};

void write_json(const std::vector<Evaluated>& results, std::ostream& out) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  w.SetIndent(' ', 2);
  w.StartArray();
  for (const auto& r : results) {
    const auto& h = r.object->object.header;
    w.StartObject();
    w.Key("kind");
    w.String(h.kind);
    w.Key("namespace");
    w.String(h.namespace_name);
    w.Key("name");
    w.String(h.display_name());
    w.Key("allowed");
    w.Bool(r.decision.allowed);
    w.Key("reasons");
    w.StartArray();
    for (const auto& s : r.decision.reasons) w.String(s);
    w.EndArray();
    w.Key("warnings");
    w.StartArray();
    for (const auto& s : r.decision.warnings) w.String(s);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  out << buffer.GetString() << "\n";
}

void write_text(const std::vector<Evaluated>& results, size_t skipped, std::ostream& out) {
  size_t denied = 0;
  for (const auto& r : results) {
    const auto label = state::object_label(r.object->object);
    if (r.decision.allowed) {
      out << "ALLOWED  " << label << "\n";
    } else {
      ++denied;
      out << "DENIED   " << label << "\n";
      for (const auto& reason : r.decision.reasons) out << "  reason:  " << reason << "\n";
    }
    for (const auto& warning : r.decision.warnings) out << "  warning: " << warning << "\n";
  }
  out << results.size() << " evaluated: " << results.size() - denied << " allowed, " << denied
      << " denied";
  if (skipped) out << " (" << skipped << " objects of other kinds skipped)";
  out << "\n";
}

int run_check(const CheckOptions& opts) {
  if (opts.output != "text" && opts.output != "json") {
    std::cerr << "error: -o must be text or json, got \"" << opts.output << "\"\n";
    return 2;
  }
  state::ManifestSet set;
  std::unique_ptr<state::Snapshot> snapshot;
  try {
    set = state::decode_manifests(state::read_manifests(opts.files), opts.default_namespace);
    state::resolve_role_references(set, state::ManifestOptions{opts.allow_unknown_roles});
    snapshot = state::build_snapshot(set);
  } catch (const state::ManifestError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  policy::PolicyOptions policy_options;
  if (opts.exempt_set) policy_options.exempt_namespaces = opts.exempt_namespaces;
  const policy::ReviewContext context;  // CREATE, no requester

  std::vector<Evaluated> results;
  bool any_denied = false;
  for (const auto& object : set.objects) {
    auto decision = state::review_against_the_others(*snapshot, object.object, context, policy_options);
    if (!decision) continue;
    any_denied = any_denied || !decision->allowed;
    results.push_back(Evaluated{&object, std::move(*decision)});
  }
  if (opts.output == "json") {
    write_json(results, std::cout);
  } else {
    write_text(results, set.skipped, std::cout);
  }
  return any_denied ? 1 : 0;
}

}  // namespace

void add_check_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<CheckOptions>();
  auto* cmd = app.add_subcommand(
      "check", "Evaluate manifests offline against the PrivilegeTiers among them (exit 1 on any denial)");
  cmd->add_option("-f,--filename", opts->files, "Manifest files or directories (YAML or JSON)")
      ->required()
      ->check(CLI::ExistingPath);
  cmd->add_option("-o,--output", opts->output, "Output format: text or json")->capture_default_str();
  cmd->add_option("-n,--namespace", opts->default_namespace,
                  "Namespace for namespaced objects that name none")
      ->capture_default_str();
  cmd->add_option("--exempt-namespace", opts->exempt_namespaces,
                  "Namespaces that are not governed (default: kube-system, kube-public, kube-node-lease)")
      ->each([opts](const std::string&) { opts->exempt_set = true; });
  cmd->add_flag("--allow-unknown-roles", opts->allow_unknown_roles,
               "Accept bindings whose Role/ClusterRole is not among the inputs (they grant nothing "
               "and draw a warning) instead of failing with exit code 2");
  cmd->callback([opts, &exit_code] { exit_code = run_check(*opts); });
}

}  // namespace tierguard::cli
