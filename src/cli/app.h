#pragma once

namespace tierguard::cli {

// Parses argv, runs the chosen subcommand and returns the process exit code.
int run_app(int argc, char** argv);

}  // namespace tierguard::cli
