// The results store (results_store.hpp): opening and upgrading the file, the experiment
// description (begin, meta), and the runs table (put, read, merge). Its SQLite helpers are in
// store_sqlite.hpp, the layout JSON and the scenarios table in results_store_*.cpp.
#include "engine/results_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>

#include "engine/results_store_detail.hpp"
#include "engine/store_sqlite.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;

using namespace store_sqlite;
using namespace store_detail;

namespace {

// 2: scenario roles as typed columns (1: as keys of each scenario's info; upgraded on opening).
constexpr int kFormatVersion = 2;

std::string run_name(std::int64_t scenario, std::int64_t replicate) {
  return "run (scenario " + std::to_string(scenario) + ", replicate " + std::to_string(replicate) +
         ")";
}

void decode_doubles(const void* data, std::size_t bytes, std::vector<double>& out) {
  const std::size_t count = bytes / 8;
  out.resize(count);
  if (count == 0) return;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out.data(), data, count * 8);
  } else {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t bits = 0;
      for (int b = 0; b < 8; ++b) bits |= static_cast<std::uint64_t>(p[i * 8 + b]) << (8 * b);
      out[i] = std::bit_cast<double>(bits);
    }
  }
}

void check_format_version(sqlite3* db, const fs::path& path) {
  const auto version = read_meta_json(db, path, "format_version");
  if (!version) fail(path, "meta.format_version is missing (not a results store?)");
  if (!version->is_number_integer() || version->get<std::int64_t>() != kFormatVersion) {
    fail(path, "unsupported format_version " + version->dump() + " (this build reads " +
                   std::to_string(kFormatVersion) + "; it upgrades a store of format 1 it opens)");
  }
}

// ---- runs --------------------------------------------------------------------------------------

// What every run of the store must look like.
struct RunShape {
  RunLayout layout;
  std::int64_t scenario_count = 0;
  std::size_t metric_count = 0;
  std::size_t series_values = 0;  // series count * weeks
  std::size_t zone_values = 0;    // zones * zone fields (0: the runs record none)
};

// nullopt when the store has no experiment yet (and then no runs either).
std::optional<RunShape> load_shape(sqlite3* db, const fs::path& path) {
  const auto layout = read_meta_json(db, path, "layout");
  if (!layout) {
    if (count_rows(db, path, "SELECT count(*) FROM runs") > 0) {
      fail(path, "store holds runs but no layout (corrupted store)");
    }
    return std::nullopt;
  }
  RunShape shape;
  shape.layout = layout_from_json(path, *layout);
  shape.scenario_count = count_rows(db, path, "SELECT count(*) FROM scenarios");
  shape.metric_count = shape.layout.metric_names.size();
  const auto series = shape.layout.series_names.size();
  const auto weeks = static_cast<std::size_t>(shape.layout.weeks);
  if (weeks > 0 && series > std::numeric_limits<std::size_t>::max() / 8 / weeks) {
    fail(path, "meta.layout is malformed: series count * weeks overflows");
  }
  shape.series_values = series * weeks;
  shape.zone_values = shape.layout.zone_values();
  return shape;
}

void check_record(const fs::path& path, const RunShape& shape, const RunRecord& run) {
  const auto name = run_name(run.scenario, run.replicate);
  if (run.scenario < 0 || run.scenario >= shape.scenario_count) {
    fail(path, name + ": scenario index out of range (the store has " +
                   std::to_string(shape.scenario_count) + " scenarios)");
  }
  if (run.replicate < 0) fail(path, name + ": negative replicate");
  if (run.metrics.size() != shape.metric_count) {
    fail(path, name + ": " + std::to_string(run.metrics.size()) + " metrics, layout has " +
                   std::to_string(shape.metric_count));
  }
  if (run.series.size() != shape.series_values) {
    fail(path, name + ": " + std::to_string(run.series.size()) + " series values, layout has " +
                   std::to_string(shape.series_values) + " (" +
                   std::to_string(shape.layout.series_names.size()) + " series x " +
                   std::to_string(shape.layout.weeks) + " weeks)");
  }
  if (run.zones.size() != shape.zone_values) {
    fail(path, name + ": " + std::to_string(run.zones.size()) + " per-zone values, layout has " +
                   std::to_string(shape.zone_values) + " (" +
                   std::to_string(shape.layout.zones.size()) + " zones x " +
                   std::to_string(shape.layout.zone_fields.size()) + " fields)");
  }
  if (std::isnan(run.wall_seconds)) fail(path, name + ": wall_seconds is NaN");
}

constexpr const char* kInsertRun =
    "INSERT OR REPLACE INTO runs(scenario, replicate, wall_seconds, metrics, series, zones) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
// Stores written before per-zone values existed have no `zones` column: it reads as NULL (the
// store's constructor adds the column to stores it opens; merge_from reads others as they are).
constexpr const char* kRunColumns = "scenario, replicate, wall_seconds, metrics, series, zones";
constexpr const char* kRunColumnsNoZones =
    "scenario, replicate, wall_seconds, metrics, series, NULL";

bool has_zones_column(sqlite3* db, const fs::path& path) {
  Statement stmt(db, path, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'zones'");
  stmt.step();
  return stmt.column_int64(0) > 0;
}

void insert_run(Statement& stmt, const RunRecord& run) {
  stmt.bind_int(1, run.scenario);
  stmt.bind_int(2, run.replicate);
  stmt.bind_double(3, run.wall_seconds);
  stmt.bind_doubles(4, run.metrics);
  stmt.bind_doubles(5, run.series);
  stmt.bind_doubles(6, run.zones);
  stmt.step();
  stmt.reset();
}

int column_int(const Statement& stmt, int col, const fs::path& path, const char* what) {
  const bool is_int = stmt.column_type(col) == SQLITE_INTEGER;  // before any conversion
  const auto value = stmt.column_int64(col);
  if (!is_int || value < INT_MIN || value > INT_MAX) {
    fail(path, std::string("runs row with a non-integer or out-of-range ") + what + " (" +
                   stmt.column_text(col).value_or("NULL") + ")");
  }
  return static_cast<int>(value);
}

void read_blob(const Statement& stmt, int col, const fs::path& path, const std::string& name,
               const char* what, std::size_t expected_values, std::vector<double>& out) {
  if (stmt.column_type(col) != SQLITE_BLOB) {
    fail(path, name + ": " + what + " is not a BLOB (corrupted store)");
  }
  const auto [data, bytes] = stmt.column_blob(col);
  if (bytes != expected_values * 8) {
    fail(path, name + ": " + what + " blob has " + std::to_string(bytes) + " bytes, expected " +
                   std::to_string(expected_values * 8) + " (corrupted store)");
  }
  decode_doubles(data, bytes, out);
}

// Decodes a row selected as kRunColumns, validating it against the shape.
void decode_run(const Statement& stmt, const fs::path& path, const RunShape& shape,
                RunRecord& out) {
  out.scenario = column_int(stmt, 0, path, "scenario");
  out.replicate = column_int(stmt, 1, path, "replicate");
  const auto name = run_name(out.scenario, out.replicate);
  if (out.scenario < 0 || out.scenario >= shape.scenario_count) {
    fail(path, name + ": scenario index out of range (corrupted store)");
  }
  const int wall_type = stmt.column_type(2);
  if (wall_type != SQLITE_FLOAT && wall_type != SQLITE_INTEGER) {
    fail(path, name + ": wall_seconds is not a number (corrupted store)");
  }
  out.wall_seconds = stmt.column_double(2);
  read_blob(stmt, 3, path, name, "metrics", shape.metric_count, out.metrics);
  read_blob(stmt, 4, path, name, "series", shape.series_values, out.series);
  if (shape.zone_values == 0 && stmt.column_type(5) == SQLITE_NULL)
    out.zones.clear();
  else
    read_blob(stmt, 5, path, name, "zones", shape.zone_values, out.zones);
}

void read_runs(sqlite3* db, const fs::path& path, std::optional<int> scenario,
               const std::function<void(const RunRecord&)>& fn) {
  const auto shape = load_shape(db, path);
  if (!shape) return;
  Statement stmt(db, path,
                 std::string("SELECT ") +
                     (has_zones_column(db, path) ? kRunColumns : kRunColumnsNoZones) +
                     " FROM runs" + (scenario ? " WHERE scenario = ?1" : "") +
                     " ORDER BY scenario, replicate");
  if (scenario) stmt.bind_int(1, *scenario);
  RunRecord run;
  while (stmt.step()) {
    decode_run(stmt, path, *shape, run);
    fn(run);
  }
}

// All records in one transaction, after checking every one of them.
void put_records(sqlite3* db, const fs::path& path, std::span<const RunRecord> runs) {
  Transaction txn(db, path);
  const auto shape = load_shape(db, path);
  if (!shape) fail(path, "put_run(): begin() has not been called on this store");
  for (const auto& run : runs) check_record(path, *shape, run);
  Statement insert(db, path, kInsertRun);
  for (const auto& run : runs) insert_run(insert, run);
  txn.commit();
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

std::string format_double(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

// Which of metrics/series first differs, for merge conflict messages.
std::string first_difference(const RunShape& shape, const RunRecord& mine,
                             const RunRecord& theirs) {
  for (std::size_t i = 0; i < mine.metrics.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(mine.metrics[i]) !=
        std::bit_cast<std::uint64_t>(theirs.metrics[i])) {
      return "metric '" + shape.layout.metric_names[i] + "' is " + format_double(mine.metrics[i]) +
             " here vs " + format_double(theirs.metrics[i]) + " in the other store";
    }
  }
  const auto weeks = static_cast<std::size_t>(shape.layout.weeks);
  const std::size_t fields = std::max<std::size_t>(1, shape.layout.zone_fields.size());
  for (std::size_t i = 0; i < mine.zones.size() && i < theirs.zones.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(mine.zones[i]) !=
        std::bit_cast<std::uint64_t>(theirs.zones[i])) {
      return "zone value '" + shape.layout.zone_fields[i % fields] + "' of zone " +
             shape.layout.zones[i / fields].at(0) + " is " + format_double(mine.zones[i]) +
             " here vs " + format_double(theirs.zones[i]) + " in the other store";
    }
  }
  for (std::size_t i = 0; i < mine.series.size(); ++i) {
    if (std::bit_cast<std::uint64_t>(mine.series[i]) !=
        std::bit_cast<std::uint64_t>(theirs.series[i])) {
      return "series '" + shape.layout.series_names[i / weeks] + "' week " +
             std::to_string(i % weeks) + " is " + format_double(mine.series[i]) + " here vs " +
             format_double(theirs.series[i]) + " in the other store";
    }
  }
  return "values differ";
}

}  // namespace

// ---- ResultsStore ------------------------------------------------------------------------------

void ResultsStore::DbCloser::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

ResultsStore::DbPtr ResultsStore::open_connection(const fs::path& file, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) fail(file, "cannot open: " + sqlite_message(raw, rc));
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

ResultsStore::ResultsStore(const fs::path& file) : path_(file) {
  db_ = open_connection(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* db = db_.get();
  switch_to_wal(db, path_);
  // With WAL, NORMAL loses no committed transaction when the process dies (even by SIGKILL):
  // only an OS crash or power loss may roll back the last commits (never corrupting the file).
  exec(db, path_, "PRAGMA synchronous=NORMAL");
  Transaction txn(db, path_);
  exec(db, path_, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);");
  exec(db, path_,
       ("CREATE TABLE IF NOT EXISTS scenarios(" + scenarios_table_columns() + ");").c_str());
  exec(db, path_,
       "CREATE TABLE IF NOT EXISTS runs(scenario INTEGER NOT NULL, replicate INTEGER NOT NULL, "
       "wall_seconds REAL NOT NULL, metrics BLOB NOT NULL, series BLOB NOT NULL, zones BLOB, "
       "PRIMARY KEY(scenario, replicate));");
  // Stores written before per-zone values: add the (nullable) column; old runs read as none.
  if (!has_zones_column(db, path_)) exec(db, path_, "ALTER TABLE runs ADD COLUMN zones BLOB");
  if (!read_meta(db, path_, "format_version")) {
    write_meta(db, path_, "format_version", std::to_string(kFormatVersion));
  } else if (read_meta(db, path_, "format_version") == "1") {  // roles as keys of the info
    add_role_columns(db, path_);
    write_meta(db, path_, "format_version", std::to_string(kFormatVersion));
  }
  check_format_version(db, path_);
  txn.commit();
}

ResultsStore::~ResultsStore() = default;
ResultsStore::ResultsStore(ResultsStore&&) noexcept = default;
ResultsStore& ResultsStore::operator=(ResultsStore&&) noexcept = default;

const fs::path& ResultsStore::path() const {
  return path_;
}

sqlite3* ResultsStore::handle() const {
  if (!db_) throw StoreError("results store " + path_.string() + ": used after being moved from");
  return db_.get();
}

void ResultsStore::begin(const json& config, const RunLayout& layout,
                         const std::vector<std::pair<std::string, json>>& scenarios,
                         const std::vector<ScenarioRole>& roles) {
  sqlite3* db = handle();
  if (layout.weeks < 0) fail(path_, "begin(): layout.weeks is negative");
  const json layout_json = layout_to_json(layout);
  Transaction txn(db, path_);
  const auto stored_config = read_meta_json(db, path_, "config");
  const auto stored_layout = read_meta_json(db, path_, "layout");
  if (stored_config || stored_layout) {  // resume: must be the same experiment
    if (!stored_config || !stored_layout) {
      fail(path_, std::string("begin(): store has a ") + (stored_config ? "config" : "layout") +
                      " but no " + (stored_config ? "layout" : "config") + " (corrupted store)");
    }
    if (stored_config->dump() != config.dump()) {
      fail(path_, "begin(): config differs from the stored one (stored -> given: " +
                      describe_difference(*stored_config, config) + ")");
    }
    if (stored_layout->dump() != layout_json.dump()) {
      fail(path_, "begin(): layout differs from the stored one (stored -> given: " +
                      describe_difference(*stored_layout, layout_json) + ")");
    }
    check_same_scenario_names(path_, "begin()", read_scenarios(db, path_), scenarios);
    txn.commit();
    return;
  }
  if (count_rows(db, path_, "SELECT count(*) FROM runs") > 0) {
    fail(path_, "begin(): store holds runs but no config (corrupted store)");
  }
  write_meta(db, path_, "config", config.dump());
  write_meta(db, path_, "layout", layout_json.dump());
  write_scenarios(db, path_, scenarios, roles);
  txn.commit();
}

void ResultsStore::set_manifest(const json& manifest) {
  write_meta(handle(), path_, "manifest", manifest.dump());  // one statement: autocommit
}

std::optional<json> ResultsStore::manifest() const {
  return read_meta_json(handle(), path_, "manifest");
}

std::optional<json> ResultsStore::config() const {
  return read_meta_json(handle(), path_, "config");
}

std::optional<RunLayout> ResultsStore::layout() const {
  const auto j = read_meta_json(handle(), path_, "layout");
  if (!j) return std::nullopt;
  return layout_from_json(path_, *j);
}

std::vector<std::pair<std::string, json>> ResultsStore::scenarios() const {
  return read_scenarios(handle(), path_);
}

std::vector<ScenarioRole> ResultsStore::scenario_roles() const {
  return read_scenario_roles(handle(), path_);
}

void ResultsStore::put_run(const RunRecord& run) {
  put_records(handle(), path_, {&run, 1});
}

void ResultsStore::put_runs(const std::vector<RunRecord>& runs) {
  put_records(handle(), path_, runs);
}

std::vector<std::pair<int, int>> ResultsStore::completed() const {
  Statement stmt(handle(), path_,
                 "SELECT scenario, replicate FROM runs ORDER BY scenario, replicate");
  std::vector<std::pair<int, int>> done;
  while (stmt.step()) {
    done.emplace_back(column_int(stmt, 0, path_, "scenario"),
                      column_int(stmt, 1, path_, "replicate"));
  }
  return done;
}

std::vector<RunRecord> ResultsStore::runs(std::optional<int> scenario) const {
  std::vector<RunRecord> out;
  read_runs(handle(), path_, scenario, [&out](const RunRecord& run) { out.push_back(run); });
  return out;
}

void ResultsStore::for_each_run(const std::function<void(const RunRecord&)>& fn) const {
  read_runs(handle(), path_, std::nullopt, fn);
}

void ResultsStore::merge_from(const fs::path& other) {
  sqlite3* db = handle();
  const std::string context = "merge_from(" + other.string() + ")";
  std::error_code ec;
  if (!fs::is_regular_file(other, ec)) fail(path_, context + ": no such store file");

  // Read/write (not read-only) so that a WAL left by a killed writer can be recovered; nothing
  // is written to it. One read transaction: a consistent snapshot even if a process writes it.
  DbPtr other_db = open_connection(other, SQLITE_OPEN_READWRITE);
  sqlite3* odb = other_db.get();
  Transaction read_txn(odb, other, "BEGIN");
  check_format_version(odb, other);
  const auto other_shape = load_shape(odb, other);
  const auto other_config = read_meta_json(odb, other, "config");
  if (!other_shape && !other_config) return;  // other has no experiment and no runs
  if (!other_shape || !other_config) fail(other, "store has a layout or a config but not both");
  const auto other_scenarios = read_scenarios(odb, other);

  Transaction txn(db, path_);
  const auto my_config = read_meta_json(db, path_, "config");
  const auto my_layout = read_meta_json(db, path_, "layout");
  if (!my_config && !my_layout) {  // empty store: take other's experiment description
    if (count_rows(db, path_, "SELECT count(*) FROM runs") > 0) {
      fail(path_, context + ": store holds runs but no config (corrupted store)");
    }
    Statement meta(odb, other, "SELECT key, value FROM meta ORDER BY key");
    while (meta.step()) {
      const auto key = meta.column_text(0);
      const auto value = meta.column_text(1);
      if (!key || !value) fail(other, "meta holds a NULL");
      write_meta(db, path_, *key, *value);
    }
    write_scenarios(db, path_, other_scenarios, read_scenario_roles(odb, other));
  } else {
    if (!my_config || !my_layout) fail(path_, "store has a layout or a config but not both");
    if (my_config->dump() != other_config->dump()) {
      fail(path_, context + ": config differs (this -> other: " +
                      describe_difference(*my_config, *other_config) + ")");
    }
    const json other_layout = layout_to_json(other_shape->layout);
    if (my_layout->dump() != other_layout.dump()) {
      fail(path_, context + ": layout differs (this -> other: " +
                      describe_difference(*my_layout, other_layout) + ")");
    }
    check_same_scenario_names(path_, context, read_scenarios(db, path_), other_scenarios);
  }
  const auto shape = load_shape(db, path_);
  if (!shape) fail(path_, context + ": layout missing after copying it");

  Statement theirs_stmt(odb, other,
                        std::string("SELECT ") +
                            (has_zones_column(odb, other) ? kRunColumns : kRunColumnsNoZones) +
                            " FROM runs ORDER BY scenario, replicate");
  Statement mine_stmt(
      db, path_,
      std::string("SELECT ") + kRunColumns + " FROM runs WHERE scenario = ?1 AND replicate = ?2");
  Statement insert(db, path_, kInsertRun);
  RunRecord theirs;
  RunRecord mine;
  while (theirs_stmt.step()) {
    decode_run(theirs_stmt, other, *other_shape, theirs);
    mine_stmt.bind_int(1, theirs.scenario);
    mine_stmt.bind_int(2, theirs.replicate);
    const bool present = mine_stmt.step();
    if (present) decode_run(mine_stmt, path_, *shape, mine);
    mine_stmt.reset();
    if (!present) {
      insert_run(insert, theirs);
    } else if (!same_bits(mine.metrics, theirs.metrics) || !same_bits(mine.series, theirs.series) ||
               !same_bits(mine.zones, theirs.zones)) {
      fail(path_, context + ": " + run_name(theirs.scenario, theirs.replicate) +
                      " is in both stores with different results: " +
                      first_difference(*shape, mine, theirs));
    }
  }
  txn.commit();
  read_txn.commit();
}

}  // namespace govsim
