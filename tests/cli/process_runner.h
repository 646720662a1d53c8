#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace tierguard::testing {

struct ProcessResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs the tierguard binary with `args` (no shell) and collects stdout, stderr and the exit code.
inline ProcessResult run_tierguard(const std::vector<std::string>& args) {
  std::string command = "'" + std::string(TIERGUARD_BINARY) + "'";
  for (const auto& a : args) {
    std::string quoted;
    for (char c : a) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += " '" + quoted + "'";
  }
  const std::string err_file = ::testing::TempDir() + "tierguard-stderr-" + std::to_string(::getpid());
  command += " 2>'" + err_file + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed");
  ProcessResult result;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* f = std::fopen(err_file.c_str(), "r")) {
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) result.err.append(buf.data(), n);
    std::fclose(f);
    std::remove(err_file.c_str());
  }
  return result;
}

}  // namespace tierguard::testing
