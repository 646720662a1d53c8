#pragma once

#include <CLI/CLI.hpp>

namespace tierguard::cli {

// `tierguard check -f PATH... [-o text|json]`: evaluates every Pod, workload, RBAC binding and
// role in the inputs as a CREATE against the state formed by all other inputs. Exit code 0 when
// all are allowed, 1 when any is denied, 2 on unusable input.
void add_check_command(CLI::App& app, int& exit_code);

}  // namespace tierguard::cli
