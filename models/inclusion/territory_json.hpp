// The territory JSON (`govsim territory build --out`, format "govsim-territory/1"): everything
// the model uses plus the build's summary, written and read back strictly; and the short
// description of a territory for manifests and reports.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "models/inclusion/territory.hpp"
#include "models/inclusion/territory_builder.hpp"

namespace govsim::inclusion {

nlohmann::json territory_to_json(const BuildResult& r);
Territory territory_from_json(const nlohmann::json& j, const std::string& file);
// From the text of a territory JSON file: the model's one JSON parse (open_data_text.hpp), then
// territory_from_json; every problem is an InputError naming the file, the place and the field.
Territory territory_from_json_text(const std::string& text, const std::string& file);
Territory load_territory_json(const std::filesystem::path& path);
// A short description for manifests and reports (name, sources, date range, counts, warning).
nlohmann::json territory_info(const Territory& t);

}  // namespace govsim::inclusion
