// The JSON reader: every JSON file the engine reads (experiment configs, scenario files,
// parameters files, territory files given by name) goes through read_json_file or, for text
// already in memory, parse_json_text. Every failure is an InputError naming the file: not a
// UTF-8 text file (UTF-16, binary, Latin-1), empty, too large, syntax error (line, column and
// the JSON pointer reached), number overflow, NaN/Infinity, nesting deeper than 64 levels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace govsim {

// Config and scenario files larger than this are refused (they are a few kB; a bigger file is
// the wrong file).
inline constexpr std::uintmax_t kMaxJsonFileBytes = std::uintmax_t{32} << 20;

// Reads a JSON file (see above).
nlohmann::json read_json_file(const std::filesystem::path& path);
// Same for text already in memory (file names the source in messages).
nlohmann::json parse_json_text(const std::string& text, const std::string& file);

// A key as a JSON pointer token: "~" -> "~0", "/" -> "~1" (RFC 6901).
std::string pointer_escape(const std::string& key);

}  // namespace govsim
