// Text checks shared by the open-data readers (communes CSV, places CSV/JSON, territory JSON):
// UTF-8, trimming and splitting, numbers and dates as the standard writes them, coordinates in
// France, whole files, and the one JSON parse every JSON reader of the model goes through.
// Internal to models/inclusion/ (the readers' public API is open_data.hpp).
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace govsim::inclusion::open_data {

// At most n bytes of s, cut on a UTF-8 character boundary, with "..." when cut.
std::string cut(const std::string& s, std::size_t n);
std::string trim(std::string s);
std::vector<std::string> split(const std::string& s, char sep);
// 1-based line of a byte offset.
int line_of_offset(const std::string& text, std::size_t offset);
// The standard's encoding is UTF-8: a file in Latin-1/Windows-1252 is a file-level error.
void check_utf8(const std::string& text, const std::string& file);
std::size_t utf8_length(const std::string& s);
// A finite decimal number (decimal point, optional sign), the whole of s.
bool parse_number(const std::string& s, double& v);
// A calendar date YYYY-MM-DD.
bool valid_date(const std::string& s);
// Metropolitan France (with Corsica) and the five overseas départements.
bool in_france(double lat, double lon);
inline constexpr const char* kFranceText =
    "coordinates in France (metropolitan France, Corsica or an overseas département)";
// The whole file; InputError naming it (`what`) when it cannot be opened.
std::string read_file_text(const std::filesystem::path& p, const char* what);
// The one JSON parse of the model's readers (places JSON, territory JSON): the engine's
// govsim::parse_json_text, so that every problem (encoding, syntax, a number overflowing a
// double, nesting) is an InputError naming the file, the line and column, and the JSON pointer
// of the record and field ("/3/latitude"), never a bare nlohmann exception.
nlohmann::json parse_json(const std::string& text, const std::string& file);

}  // namespace govsim::inclusion::open_data
