#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/check_command.h"
#include "cli/webhook_command.h"
#include "policy/version.h"

namespace tierguard::cli {

int run_app(int argc, char** argv) {
  CLI::App app{"tierguard: privilege tiers and just-in-time elevation for Kubernetes ServiceAccounts"};
  app.require_subcommand(1);
  int exit_code = 0;

  auto* version_cmd = app.add_subcommand("version", "Print the tierguard version");
  version_cmd->callback([] { std::cout << "tierguard " << version() << "\n"; });
  add_check_command(app, exit_code);
  add_webhook_command(app, exit_code);
  add_run_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  return exit_code;
}

}  // namespace tierguard::cli
