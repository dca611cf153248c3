// The parts of the results store kept in files of their own: the run layout as JSON
// (results_store_layout.cpp) and the scenarios table with each scenario's typed role
// (results_store_scenarios.cpp). Internal to the results store's files.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/run_record.hpp"
#include "engine/scenario_role.hpp"

struct sqlite3;

namespace govsim::store_detail {

// ---- layout (meta.layout) ----
nlohmann::json layout_to_json(const RunLayout& layout);
RunLayout layout_from_json(const std::filesystem::path& path, const nlohmann::json& j);
// Up to a few JSON-pointer paths where `stored` and `given` differ, for error messages.
std::string describe_difference(const nlohmann::json& stored, const nlohmann::json& given);

// ---- scenarios table: idx, name, info (JSON) and the typed role columns ----
// The columns of the scenarios table (CREATE TABLE ... (<this>)).
std::string scenarios_table_columns();
std::vector<std::pair<std::string, nlohmann::json>> read_scenarios(
    sqlite3* db, const std::filesystem::path& path);
std::vector<ScenarioRole> read_scenario_roles(sqlite3* db, const std::filesystem::path& path);
// Replaces the table's rows; `roles` is empty (every scenario a main one, as configured) or has
// one role per scenario.
void write_scenarios(sqlite3* db, const std::filesystem::path& path,
                     const std::vector<std::pair<std::string, nlohmann::json>>& scenarios,
                     const std::vector<ScenarioRole>& roles);
// Throws unless both lists name the same scenarios in the same order.
void check_same_scenario_names(const std::filesystem::path& path, const std::string& context,
                               const std::vector<std::pair<std::string, nlohmann::json>>& stored,
                               const std::vector<std::pair<std::string, nlohmann::json>>& given);
// A store of format_version 1 (roles as keys of each scenario's info): adds the role columns
// and fills them from those keys (role_from_legacy_info), in the caller's transaction.
void add_role_columns(sqlite3* db, const std::filesystem::path& path);

}  // namespace govsim::store_detail
