// Provenance of every output: version, git commit, resolved config, seed, threads, host, times.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace govsim {

const char* version();     // generated at build time (cmake/WriteVersion.cmake)
const char* git_commit();  // idem
std::string hostname();
std::string utc_now_iso8601();

}  // namespace govsim
