#pragma once

// Shared helpers for the webhook tests: fixture loading.

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tierguard::webhook::testing {

// The contents of tests/data/<relative_path>; throws when the file cannot be read.
inline std::string read_test_data(const std::string& relative_path) {
  const std::string path = std::string(TIERGUARD_TEST_DATA_DIR) + "/" + relative_path;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read test data " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace tierguard::webhook::testing
