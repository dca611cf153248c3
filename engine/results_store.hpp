// Results store: an embedded SQLite database holding one experiment's description (resolved
// config, run layout, scenarios, manifest) and every completed run (metrics and weekly series).
//
// Every write is one SQLite transaction in WAL mode, so a process killed at any point (SIGKILL)
// loses at most the runs whose put_run()/put_runs() had not returned. Stores written by several
// processes (or written by several processes concurrently: the busy timeout is 10 s) can be
// combined with merge_from(). Schema and how to read a store from Python: docs/results-store.md.
//
// A ResultsStore is one SQLite connection: use it from one thread at a time, and do not carry an
// open store across fork() (open a new one in the child).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/run_record.hpp"
#include "engine/scenario_role.hpp"

struct sqlite3;

namespace govsim {

// Any failure of the store: I/O or SQLite error, corrupted content, mismatched experiment.
// The message names the database file and, where relevant, the run or the meta entry.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ResultsStore {
 public:
  // Opens (creating if missing) the database file, switches it to WAL and creates the tables.
  // Throws StoreError with the path and SQLite's message on failure (including a file that is
  // not a SQLite database, or a store of another format_version).
  explicit ResultsStore(const std::filesystem::path& file);
  ~ResultsStore();  // closes
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;
  // A moved-from store only supports destruction, assignment and path(); other calls throw.
  ResultsStore(ResultsStore&&) noexcept;
  ResultsStore& operator=(ResultsStore&&) noexcept;

  const std::filesystem::path& path() const;

  // Experiment description, written once at start (one transaction). If the store already holds
  // a config (resume), checks instead that config and layout are identical (compares the JSON
  // dumps) and that the scenario names are the same, and throws StoreError saying what differs
  // otherwise; nothing is written on resume (the stored scenario info is kept). `roles`: one per
  // scenario, or none (every scenario a main one, as configured).
  void begin(const nlohmann::json& config, const RunLayout& layout,
             const std::vector<std::pair<std::string, nlohmann::json>>& scenarios,
             const std::vector<ScenarioRole>& roles = {});

  void set_manifest(const nlohmann::json& manifest);  // upsert meta.manifest
  std::optional<nlohmann::json> manifest() const;
  std::optional<nlohmann::json> config() const;
  std::optional<RunLayout> layout() const;
  std::vector<std::pair<std::string, nlohmann::json>> scenarios() const;  // in index order
  std::vector<ScenarioRole> scenario_roles() const;                       // in index order

  // INSERT OR REPLACE of (scenario, replicate); put_run is one transaction, put_runs one
  // transaction for all its records. Requires begin() first. Throws StoreError (writing nothing)
  // if a record does not fit the layout, names an unknown scenario, has a negative replicate or
  // a NaN wall_seconds (SQLite cannot store NaN in a REAL column).
  void put_run(const RunRecord& run);
  void put_runs(const std::vector<RunRecord>& runs);

  // (scenario, replicate) pairs already stored, sorted.
  std::vector<std::pair<int, int>> completed() const;

  // All runs, ordered by (scenario, replicate); optionally only those of one scenario.
  // Blob sizes are checked against the layout: a corrupted run throws StoreError naming it.
  std::vector<RunRecord> runs(std::optional<int> scenario = std::nullopt) const;

  // Streams runs in (scenario, replicate) order to fn, one at a time (the record passed to fn
  // is reused between calls). Exceptions thrown by fn propagate.
  void for_each_run(const std::function<void(const RunRecord&)>& fn) const;

  // Copies every run of the store at `other` into this one, in one transaction (all or nothing).
  // Both must have identical config, layout and scenario names (else StoreError naming what
  // differs); a (scenario, replicate) present in both must have bit-identical metrics and series
  // (else StoreError naming it; wall_seconds is timing and may differ: this store's is kept).
  // If this store has no experiment yet, it first takes other's meta (config, layout, manifest)
  // and scenarios. Otherwise this store's manifest is kept. A store without config is a no-op.
  void merge_from(const std::filesystem::path& other);

 private:
  struct DbCloser {
    void operator()(sqlite3* db) const noexcept;
  };
  using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

  static DbPtr open_connection(const std::filesystem::path& file, int flags);
  sqlite3* handle() const;

  std::filesystem::path path_;
  DbPtr db_;
};

}  // namespace govsim
