// What the fuzz targets share: a temporary directory of helper files that relative paths in a
// fuzzed document resolve against (removed at exit), and the check that every InputError names
// what was expected (the contract of engine/errors.hpp).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/errors.hpp"

namespace govsim::fuzz {

namespace detail {
inline std::filesystem::path& helper_dir() {
  static std::filesystem::path dir;
  return dir;
}
inline void remove_helper_dir() {
  std::error_code ec;
  if (!helper_dir().empty()) std::filesystem::remove_all(helper_dir(), ec);
}
}  // namespace detail

// Creates a fresh directory under the system temp dir named PREFIX-XXXXXX holding FILES (name,
// bytes); it is removed at exit. Aborts if it cannot be created.
inline std::filesystem::path make_helper_dir(
    const std::string& prefix, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) {
    std::perror("mkdtemp");
    std::abort();
  }
  detail::helper_dir() = tmpl;
  std::atexit(detail::remove_helper_dir);
  for (const auto& [name, text] : files)
    std::ofstream(detail::helper_dir() / name, std::ios::binary) << text;
  return detail::helper_dir();
}

// Aborts unless the message of E names what was expected.
inline void require_expected(const char* target, const InputError& e) {
  if (std::string(e.what()).find("expected ") == std::string::npos) {
    std::fprintf(stderr, "%s: InputError without \"expected\": %s\n", target, e.what());
    std::abort();
  }
}

}  // namespace govsim::fuzz
