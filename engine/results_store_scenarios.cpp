// The scenarios table of the results store: each scenario's name, its info (the human
// description, JSON) and its typed role (scenario_role.hpp) as columns: role, arm_of and
// compared_with (scenario indices), territory, scenario, budget. Stores of format_version 1
// carried the role as keys of the info; add_role_columns upgrades them when opened.
#include <array>
#include <cstdint>

#include "engine/results_store_detail.hpp"
#include "engine/store_sqlite.hpp"

namespace govsim::store_detail {

using namespace store_sqlite;

namespace {

// The role columns, declared once (CREATE TABLE and the upgrade of older stores).
constexpr std::array<std::pair<const char*, const char*>, 6> kRoleColumns = {{
    {"role", "TEXT NOT NULL DEFAULT 'main'"},
    {"arm_of", "INTEGER"},
    {"compared_with", "INTEGER"},
    {"territory", "TEXT"},
    {"scenario", "TEXT"},
    {"budget", "TEXT NOT NULL DEFAULT 'as_configured'"},
}};

void bind_index(Statement& stmt, int col, int index) {
  if (index >= 0) stmt.bind_int(col, index);  // else NULL (cleared bindings)
}

void bind_text_or_null(Statement& stmt, int col, const std::string& text) {
  if (!text.empty()) stmt.bind_text(col, text);
}

void update_roles(sqlite3* db, const fs::path& path, const std::vector<ScenarioRole>& roles) {
  Statement stmt(db, path,
                 "UPDATE scenarios SET role = ?2, arm_of = ?3, compared_with = ?4, "
                 "territory = ?5, scenario = ?6, budget = ?7 WHERE idx = ?1");
  for (std::size_t i = 0; i < roles.size(); ++i) {
    const ScenarioRole& r = roles[i];
    stmt.bind_int(1, static_cast<std::int64_t>(i));
    stmt.bind_text(2, role_kind_name(r.kind));
    bind_index(stmt, 3, r.arm_of);
    bind_index(stmt, 4, r.compared_with);
    bind_text_or_null(stmt, 5, r.territory);
    bind_text_or_null(stmt, 6, r.scenario);
    stmt.bind_text(7, budget_name(r.budget));
    stmt.step();
    stmt.reset();
  }
}

}  // namespace

std::string scenarios_table_columns() {
  std::string cols = "idx INTEGER PRIMARY KEY, name TEXT NOT NULL, info TEXT NOT NULL";
  for (const auto& [name, type] : kRoleColumns) cols += std::string(", ") + name + " " + type;
  return cols;
}

std::vector<std::pair<std::string, json>> read_scenarios(sqlite3* db, const fs::path& path) {
  Statement stmt(db, path, "SELECT idx, name, info FROM scenarios ORDER BY idx");
  std::vector<std::pair<std::string, json>> scenarios;
  while (stmt.step()) {
    // Type first: sqlite3_column_type is undefined after a conversion.
    const bool is_int = stmt.column_type(0) == SQLITE_INTEGER;
    const auto idx = stmt.column_int64(0);
    if (!is_int || idx != static_cast<std::int64_t>(scenarios.size())) {
      fail(path, "scenario indices are not 0, 1, 2, ... (found " +
                     stmt.column_text(0).value_or("NULL") + " at position " +
                     std::to_string(scenarios.size()) + ")");
    }
    auto name = stmt.column_text(1);
    auto info = stmt.column_text(2);
    if (!name || !info) fail(path, "scenario " + std::to_string(idx) + " has a NULL field");
    scenarios.emplace_back(std::move(*name),
                           parse_json(path, "info of scenario " + std::to_string(idx), *info));
  }
  return scenarios;
}

std::vector<ScenarioRole> read_scenario_roles(sqlite3* db, const fs::path& path) {
  Statement stmt(db, path,
                 "SELECT idx, role, arm_of, compared_with, territory, scenario, budget "
                 "FROM scenarios ORDER BY idx");
  const std::int64_t n = count_rows(db, path, "SELECT count(*) FROM scenarios");
  std::vector<ScenarioRole> roles;
  while (stmt.step()) {
    const std::string where = "scenario " + std::to_string(stmt.column_int64(0));
    const auto index = [&](int col, const char* what) {
      if (stmt.column_type(col) == SQLITE_NULL) return -1;
      const bool is_int = stmt.column_type(col) == SQLITE_INTEGER;
      const auto v = stmt.column_int64(col);
      if (!is_int || v < 0 || v >= n) fail(path, where + ": " + what + " is not a scenario index");
      return static_cast<int>(v);
    };
    ScenarioRole r;
    const auto kind = parse_role_kind(stmt.column_text(1).value_or(""));
    const auto budget = parse_budget(stmt.column_text(6).value_or(""));
    if (!kind) fail(path, where + ": unknown role '" + stmt.column_text(1).value_or("NULL") + "'");
    if (!budget)
      fail(path, where + ": unknown budget '" + stmt.column_text(6).value_or("NULL") + "'");
    r.kind = *kind;
    r.budget = *budget;
    r.arm_of = index(2, "arm_of");
    r.compared_with = index(3, "compared_with");
    r.territory = stmt.column_text(4).value_or("");
    r.scenario = stmt.column_text(5).value_or("");
    roles.push_back(std::move(r));
  }
  return roles;
}

void write_scenarios(sqlite3* db, const fs::path& path,
                     const std::vector<std::pair<std::string, json>>& scenarios,
                     const std::vector<ScenarioRole>& roles) {
  if (!roles.empty() && roles.size() != scenarios.size())
    fail(path, "scenarios and roles differ in number (" + std::to_string(scenarios.size()) +
                   " vs " + std::to_string(roles.size()) + ")");
  exec(db, path, "DELETE FROM scenarios");
  Statement stmt(db, path, "INSERT INTO scenarios(idx, name, info) VALUES(?1, ?2, ?3)");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    stmt.bind_int(1, static_cast<std::int64_t>(i));
    stmt.bind_text(2, scenarios[i].first);
    stmt.bind_text(3, scenarios[i].second.dump());
    stmt.step();
    stmt.reset();
  }
  update_roles(db, path, roles);
}

// Throws unless both lists name the same scenarios in the same order.
void check_same_scenario_names(const fs::path& path, const std::string& context,
                               const std::vector<std::pair<std::string, json>>& stored,
                               const std::vector<std::pair<std::string, json>>& given) {
  if (stored.size() != given.size()) {
    fail(path, context + ": scenarios differ: " + std::to_string(stored.size()) + " stored vs " +
                   std::to_string(given.size()) + " given");
  }
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i].first != given[i].first) {
      fail(path, context + ": scenario " + std::to_string(i) + " differs: '" + stored[i].first +
                     "' stored vs '" + given[i].first + "' given");
    }
  }
}

void add_role_columns(sqlite3* db, const fs::path& path) {
  for (const auto& [name, type] : kRoleColumns)
    exec(db, path, ("ALTER TABLE scenarios ADD COLUMN " + std::string(name) + " " + type).c_str());
  const auto scenarios = read_scenarios(db, path);
  const auto config = read_meta_json(db, path, "config");
  const Budget budget =
      parse_budget(config && config->is_object() ? config->value("budget", "") : "")
          .value_or(Budget::AsConfigured);
  const auto index_of = [&](const std::string& name) {
    for (std::size_t i = 0; i < scenarios.size(); ++i)
      if (scenarios[i].first == name) return static_cast<int>(i);
    return -1;
  };
  std::vector<ScenarioRole> roles;
  for (const auto& [name, info] : scenarios)
    roles.push_back(role_from_legacy_info(info, name, budget, index_of));
  update_roles(db, path, roles);
}

}  // namespace govsim::store_detail
