#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/results_store.hpp"

namespace govsim {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Scenarios = std::vector<std::pair<std::string, json>>;

// ---- fixtures and helpers --------------------------------------------------------------------

class ResultsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::random_device random;
    dir_ =
        fs::temp_directory_path() / ("govsim_results_store_" + std::string(info->name()) + "_" +
                                     std::to_string(::getpid()) + "_" + std::to_string(random()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path file(const std::string& name) const { return dir_ / name; }

  fs::path dir_;
};

RunLayout make_layout() {
  RunLayout layout;
  layout.metric_names = {"non_recours_rate", "autonomy_rate@age:75+", "cost_per_week"};
  layout.series_names = {"autonomy_rate", "queue_length"};
  layout.weeks = 6;
  return layout;
}

json make_config(int population = 1000) {
  return json{{"population", {{"size", population}, {"seed", 42}}},
              {"horizon_weeks", 5},
              {"rate", 0.1},
              {"scenarios", {"baseline", "reform"}}};
}

Scenarios make_scenarios() {
  return {{"baseline", json{{"description", "status quo"}, {"mechanisms", json::array()}}},
          {"reform", json{{"description", "automatic enrolment"},
                          {"seed_quote", "\"the system should come to people\""},
                          {"mechanisms", {"auto_enrol"}},
                          {"parameters", {{"take_up", 0.9}}}}}};
}

// Deterministic values depending on (scenario, replicate, salt), with special values mixed in.
RunRecord make_run(const RunLayout& layout, int scenario, int replicate, double salt = 0.0) {
  RunRecord run;
  run.scenario = scenario;
  run.replicate = replicate;
  run.wall_seconds = 0.25 * replicate + scenario;
  for (std::size_t i = 0; i < layout.metric_names.size(); ++i) {
    run.metrics.push_back(scenario * 100.0 + replicate + 0.001 * static_cast<double>(i) + salt);
  }
  const auto values = layout.series_names.size() * static_cast<std::size_t>(layout.weeks);
  for (std::size_t i = 0; i < values; ++i) {
    run.series.push_back(std::sin(static_cast<double>(i) + replicate) / (scenario + 1) + salt);
  }
  return run;
}

std::uint64_t bits(double x) {
  return std::bit_cast<std::uint64_t>(x);
}

void expect_bits_equal(const std::vector<double>& a, const std::vector<double>& b,
                       const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(bits(a[i]), bits(b[i])) << what << "[" << i << "]: " << a[i] << " vs " << b[i];
  }
}

void expect_same_run(const RunRecord& a, const RunRecord& b) {
  EXPECT_EQ(a.scenario, b.scenario);
  EXPECT_EQ(a.replicate, b.replicate);
  EXPECT_EQ(bits(a.wall_seconds), bits(b.wall_seconds));
  expect_bits_equal(a.metrics, b.metrics, "metrics");
  expect_bits_equal(a.series, b.series, "series");
}

void expect_same_runs(const std::vector<RunRecord>& a, const std::vector<RunRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("run #" + std::to_string(i));
    expect_same_run(a[i], b[i]);
  }
}

// Runs a raw SQL statement on the database file, outside the store.
void raw_sql(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err != nullptr ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << message;
}

// Expects `statement` to throw StoreError whose message contains each of the other arguments.
#define EXPECT_STORE_ERROR(statement, ...)                             \
  do {                                                                 \
    try {                                                              \
      statement;                                                       \
      ADD_FAILURE() << "expected StoreError from " #statement;         \
    } catch (const StoreError& e) {                                    \
      for (const std::string part : {__VA_ARGS__}) {                   \
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) \
            << "message '" << e.what() << "' lacks '" << part << "'";  \
      }                                                                \
    }                                                                  \
  } while (false)

// ---- tests -----------------------------------------------------------------------------------

TEST_F(ResultsStoreTest, FreshStoreIsEmpty) {
  ResultsStore store(file("r.sqlite"));
  EXPECT_EQ(store.path(), file("r.sqlite"));
  EXPECT_TRUE(fs::exists(file("r.sqlite")));
  EXPECT_FALSE(store.config().has_value());
  EXPECT_FALSE(store.manifest().has_value());
  EXPECT_FALSE(store.layout().has_value());
  EXPECT_TRUE(store.scenarios().empty());
  EXPECT_TRUE(store.completed().empty());
  EXPECT_TRUE(store.runs().empty());
  // Runs cannot be stored before the experiment (layout) is known.
  EXPECT_STORE_ERROR(store.put_run(make_run(make_layout(), 0, 0)), "begin()");
}

TEST_F(ResultsStoreTest, RoundTripIsBitExact) {
  const RunLayout layout = make_layout();
  std::vector<RunRecord> written;
  for (int s = 0; s < 2; ++s) {
    for (int r = 0; r < 3; ++r) written.push_back(make_run(layout, s, r));
  }
  // Special values: NaN with a payload, negative NaN, -0.0, infinities, denormals, extremes.
  written[1].metrics = {std::bit_cast<double>(0x7ff8'0000'0000'1234ULL), -0.0,
                        std::bit_cast<double>(0xfff8'0000'0000'0001ULL)};
  written[1].series[0] = std::numeric_limits<double>::infinity();
  written[1].series[1] = -std::numeric_limits<double>::infinity();
  written[1].series[2] = std::numeric_limits<double>::denorm_min();
  written[1].series[3] = -0.0;
  written[1].series[4] = std::numeric_limits<double>::quiet_NaN();
  written[1].series[5] = std::numeric_limits<double>::max();
  written[1].wall_seconds = 1.0 / 3.0;  // (REAL column: NaN is rejected, -0.0 reads back as 0.0)
  written[4].wall_seconds = std::numeric_limits<double>::infinity();
  const json manifest{{"git", "abc123"}, {"host", "node7"}, {"threads", 8}};
  {
    ResultsStore store(file("r.sqlite"));
    store.begin(make_config(), layout, make_scenarios());
    store.set_manifest(json{{"git", "old"}});
    store.set_manifest(manifest);  // upsert
    store.put_run(written[0]);
    store.put_run(written[1]);
    store.put_runs({written[5], written[2], written[4], written[3]});
  }
  const ResultsStore store(file("r.sqlite"));  // reopened: read from disk
  ASSERT_TRUE(store.config().has_value());
  EXPECT_EQ(store.config()->dump(), make_config().dump());
  ASSERT_TRUE(store.manifest().has_value());
  EXPECT_EQ(*store.manifest(), manifest);
  const auto stored_layout = store.layout();
  ASSERT_TRUE(stored_layout.has_value());
  EXPECT_EQ(stored_layout->metric_names, layout.metric_names);
  EXPECT_EQ(stored_layout->series_names, layout.series_names);
  EXPECT_EQ(stored_layout->weeks, layout.weeks);
  EXPECT_EQ(store.scenarios(), make_scenarios());

  expect_same_runs(store.runs(), written);
  expect_same_runs(store.runs(1), std::vector<RunRecord>(written.begin() + 3, written.end()));
  EXPECT_TRUE(store.runs(7).empty());
  std::vector<RunRecord> streamed;
  store.for_each_run([&](const RunRecord& run) { streamed.push_back(run); });
  expect_same_runs(streamed, written);
}

TEST_F(ResultsStoreTest, EmptyLayoutRoundTrips) {
  RunLayout layout;  // no metrics, no series: zero-length blobs, not NULL
  ResultsStore store(file("r.sqlite"));
  store.begin(json::object(), layout, {{"only", json::object()}});
  RunRecord run;
  run.replicate = 3;
  store.put_run(run);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  expect_same_run(runs[0], run);
}

TEST_F(ResultsStoreTest, CompletedIsSortedAndReplaceKeepsOneRow) {
  const RunLayout layout = make_layout();
  ResultsStore store(file("r.sqlite"));
  store.begin(make_config(), layout, make_scenarios());
  for (const auto& [s, r] : std::vector<std::pair<int, int>>{{1, 2}, {0, 5}, {1, 0}, {0, 1}}) {
    store.put_run(make_run(layout, s, r));
  }
  const std::vector<std::pair<int, int>> expected{{0, 1}, {0, 5}, {1, 0}, {1, 2}};
  EXPECT_EQ(store.completed(), expected);
  // INSERT OR REPLACE: writing (0, 5) again replaces it.
  const RunRecord replaced = make_run(layout, 0, 5, 0.5);
  store.put_run(replaced);
  EXPECT_EQ(store.completed(), expected);
  expect_same_run(store.runs(0).at(1), replaced);
}

TEST_F(ResultsStoreTest, PutRunRejectsRecordsThatDoNotFit) {
  const RunLayout layout = make_layout();
  ResultsStore store(file("r.sqlite"));
  store.begin(make_config(), layout, make_scenarios());
  RunRecord bad = make_run(layout, 0, 0);
  bad.metrics.pop_back();
  EXPECT_STORE_ERROR(store.put_run(bad), "scenario 0, replicate 0", "metrics");
  bad = make_run(layout, 0, 0);
  bad.series.push_back(1.0);
  EXPECT_STORE_ERROR(store.put_run(bad), "series");
  EXPECT_STORE_ERROR(store.put_run(make_run(layout, 2, 0)), "scenario 2", "out of range");
  EXPECT_STORE_ERROR(store.put_run(make_run(layout, 0, -1)), "negative replicate");
  bad = make_run(layout, 1, 1);
  bad.wall_seconds = std::nan("");
  EXPECT_STORE_ERROR(store.put_run(bad), "wall_seconds");
  // A batch with one bad record writes nothing.
  EXPECT_STORE_ERROR(store.put_runs({make_run(layout, 0, 0), make_run(layout, 5, 0)}),
                     "scenario 5");
  EXPECT_TRUE(store.completed().empty());
}

TEST_F(ResultsStoreTest, BeginTwiceSameConfigResumesDifferentConfigThrows) {
  const RunLayout layout = make_layout();
  {
    ResultsStore store(file("r.sqlite"));
    store.begin(make_config(), layout, make_scenarios());
    store.put_run(make_run(layout, 0, 0));
    store.begin(make_config(), layout, make_scenarios());  // same connection
  }
  ResultsStore store(file("r.sqlite"));
  store.begin(make_config(), layout, make_scenarios());  // resume in a new process/connection
  EXPECT_EQ(store.completed().size(), 1u);

  EXPECT_STORE_ERROR(store.begin(make_config(2000), layout, make_scenarios()), "r.sqlite",
                     "config differs", "/population/size");
  RunLayout other_layout = layout;
  other_layout.weeks = 7;
  EXPECT_STORE_ERROR(store.begin(make_config(), other_layout, make_scenarios()), "layout differs",
                     "/weeks");
  other_layout = layout;
  other_layout.metric_names.push_back("extra");
  EXPECT_STORE_ERROR(store.begin(make_config(), other_layout, make_scenarios()), "layout differs",
                     "add /metric_names");
  Scenarios renamed = make_scenarios();
  renamed[1].first = "reform_b";
  EXPECT_STORE_ERROR(store.begin(make_config(), layout, renamed), "scenario 1", "reform_b");
  // Nothing changed by the failed calls.
  EXPECT_EQ(store.config()->dump(), make_config().dump());
  EXPECT_EQ(store.layout()->weeks, layout.weeks);
  EXPECT_EQ(store.scenarios(), make_scenarios());
  EXPECT_EQ(store.completed().size(), 1u);
}

TEST_F(ResultsStoreTest, MergeOfDisjointStoresEqualsDirectWrite) {
  const RunLayout layout = make_layout();
  const json manifest{{"git", "abc"}};
  std::vector<RunRecord> all;
  for (int s = 0; s < 2; ++s) {
    for (int r = 0; r < 6; ++r) all.push_back(make_run(layout, s, r));
  }
  {
    ResultsStore direct(file("direct.sqlite"));
    ResultsStore even(file("even.sqlite"));
    ResultsStore odd(file("odd.sqlite"));
    for (ResultsStore* store : {&direct, &even, &odd}) {
      store->begin(make_config(), layout, make_scenarios());
      store->set_manifest(manifest);
    }
    direct.put_runs(all);
    for (const auto& run : all) (run.replicate % 2 == 0 ? even : odd).put_run(run);
  }
  ResultsStore merged(file("merged.sqlite"));  // empty: takes the meta of the first store
  merged.merge_from(file("even.sqlite"));
  merged.merge_from(file("odd.sqlite"));
  const ResultsStore direct(file("direct.sqlite"));
  EXPECT_EQ(merged.config()->dump(), direct.config()->dump());
  EXPECT_EQ(merged.layout()->metric_names, layout.metric_names);
  EXPECT_EQ(merged.layout()->weeks, layout.weeks);
  EXPECT_EQ(merged.scenarios(), direct.scenarios());
  EXPECT_EQ(*merged.manifest(), manifest);
  EXPECT_EQ(merged.completed(), direct.completed());
  expect_same_runs(merged.runs(), direct.runs());

  // Merging again (all runs already present and identical) is a no-op.
  merged.merge_from(file("odd.sqlite"));
  expect_same_runs(merged.runs(), all);

  // A run in both stores with identical results but different timing is not a conflict.
  {
    ResultsStore rerun(file("rerun.sqlite"));
    rerun.begin(make_config(), layout, make_scenarios());
    RunRecord again = all[3];
    again.wall_seconds += 10.0;
    rerun.put_run(again);
  }
  merged.merge_from(file("rerun.sqlite"));
  expect_same_runs(merged.runs(), all);  // this store's wall_seconds kept

  // Merging into a non-empty store, and merging a store into itself.
  ResultsStore even(file("even.sqlite"));
  even.merge_from(file("odd.sqlite"));
  expect_same_runs(even.runs(), all);
  even.merge_from(file("even.sqlite"));
  expect_same_runs(even.runs(), all);

  // A store that never began contributes nothing.
  { ResultsStore blank(file("blank.sqlite")); }
  merged.merge_from(file("blank.sqlite"));
  EXPECT_EQ(merged.completed().size(), all.size());
}

TEST_F(ResultsStoreTest, MergeConflictsThrowAndChangeNothing) {
  const RunLayout layout = make_layout();
  {
    ResultsStore a(file("a.sqlite"));
    a.begin(make_config(), layout, make_scenarios());
    a.put_run(make_run(layout, 0, 0));
    a.put_run(make_run(layout, 0, 1));
    ResultsStore b(file("b.sqlite"));
    b.begin(make_config(), layout, make_scenarios());
    b.put_run(make_run(layout, 0, 2));  // would be new in a
    RunRecord changed = make_run(layout, 0, 1);
    changed.series[7] = -changed.series[7];  // series 'queue_length', week 1
    b.put_run(changed);
    ResultsStore c(file("c.sqlite"));
    c.begin(make_config(3), layout, make_scenarios());
    ResultsStore d(file("d.sqlite"));
    RunLayout other_layout = layout;
    other_layout.series_names[1] = "waiting";
    d.begin(make_config(), other_layout, make_scenarios());
  }
  ResultsStore a(file("a.sqlite"));
  EXPECT_STORE_ERROR(a.merge_from(file("b.sqlite")), "b.sqlite", "scenario 0, replicate 1",
                     "queue_length", "week 1");
  EXPECT_STORE_ERROR(a.merge_from(file("c.sqlite")), "config differs", "/population/size");
  EXPECT_STORE_ERROR(a.merge_from(file("d.sqlite")), "layout differs", "/series_names/1");
  EXPECT_STORE_ERROR(a.merge_from(file("missing.sqlite")), "missing.sqlite");
  // The failed merge is rolled back entirely: (0, 2) was not copied.
  const std::vector<std::pair<int, int>> expected{{0, 0}, {0, 1}};
  EXPECT_EQ(a.completed(), expected);
  expect_same_run(a.runs().at(1), make_run(layout, 0, 1));
}

TEST_F(ResultsStoreTest, CorruptedBlobsThrowInsteadOfCrashing) {
  const RunLayout layout = make_layout();
  {
    ResultsStore store(file("r.sqlite"));
    store.begin(make_config(), layout, make_scenarios());
    for (int r = 0; r < 3; ++r) store.put_run(make_run(layout, 1, r));
  }
  raw_sql(file("r.sqlite"),
          "UPDATE runs SET metrics = x'0001020304' WHERE scenario = 1 AND replicate = 1");
  {
    const ResultsStore store(file("r.sqlite"));
    EXPECT_EQ(store.completed().size(), 3u);  // keys are fine
    EXPECT_STORE_ERROR(store.runs(), "r.sqlite", "scenario 1, replicate 1", "metrics", "5 bytes");
    EXPECT_STORE_ERROR(store.runs(1), "scenario 1, replicate 1");
    int seen = 0;
    EXPECT_STORE_ERROR(store.for_each_run([&](const RunRecord&) { ++seen; }),
                       "scenario 1, replicate 1");
    EXPECT_EQ(seen, 1);  // streamed up to the corrupted run
    ResultsStore target(file("target.sqlite"));
    EXPECT_STORE_ERROR(target.merge_from(file("r.sqlite")), "scenario 1, replicate 1");
    EXPECT_TRUE(target.completed().empty());
    EXPECT_FALSE(target.config().has_value());  // meta copy rolled back too
  }
  // Truncated series, a series that is not a BLOB at all, and a non-integer key.
  raw_sql(file("r.sqlite"),
          "UPDATE runs SET metrics = zeroblob(24), series = substr(series, 1, 40) "
          "WHERE scenario = 1 AND replicate = 1");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).runs(), "scenario 1, replicate 1", "series",
                     "40 bytes");
  raw_sql(file("r.sqlite"), "UPDATE runs SET series = 'garbage' WHERE replicate = 1");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).runs(), "not a BLOB");
  raw_sql(file("r.sqlite"), "UPDATE runs SET replicate = 'x' WHERE replicate = 1");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).completed(), "replicate");
  // Garbage meta.
  raw_sql(file("r.sqlite"), "UPDATE meta SET value = '{not json' WHERE key = 'layout'");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).layout(), "meta.layout", "JSON");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).runs(), "meta.layout");
  raw_sql(file("r.sqlite"), "UPDATE meta SET value = '{\"weeks\": 3}' WHERE key = 'layout'");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).layout(), "malformed", "metric_names");
  raw_sql(file("r.sqlite"), "UPDATE meta SET value = '3' WHERE key = 'format_version'");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")), "format_version");
}

TEST_F(ResultsStoreTest, OpeningAFileThatIsNotADatabaseThrows) {
  {
    std::ofstream out(file("notes.txt"));
    out << "this is not a sqlite database, just some text that is long enough to have a header\n";
  }
  EXPECT_STORE_ERROR(ResultsStore(file("notes.txt")), "notes.txt", "not a database");
  EXPECT_STORE_ERROR(ResultsStore(file("no_such_dir") / "r.sqlite"), "no_such_dir");
}

TEST_F(ResultsStoreTest, MovedStoreKeepsWorking) {
  const RunLayout layout = make_layout();
  ResultsStore first(file("r.sqlite"));
  first.begin(make_config(), layout, make_scenarios());
  ResultsStore second(std::move(first));
  second.put_run(make_run(layout, 0, 0));
  EXPECT_EQ(second.path(), file("r.sqlite"));
  ResultsStore third(file("other.sqlite"));
  third = std::move(second);
  EXPECT_EQ(third.completed().size(), 1u);
  EXPECT_THROW(second.completed(), StoreError);  // NOLINT(bugprone-use-after-move)
}

// A child process writes 5 runs, then is SIGKILLed in the middle of writing a 6th (inside an
// open write transaction whose large blobs have already spilled uncommitted pages into the WAL).
// The parent must find exactly the 5 committed runs, intact.
TEST_F(ResultsStoreTest, SigkillLosesOnlyTheRunInFlight) {
  const RunLayout layout = make_layout();
  const fs::path path = file("r.sqlite");
  std::vector<RunRecord> committed;
  for (int r = 0; r < 5; ++r) committed.push_back(make_run(layout, r % 2, r));

  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    int code = 3;  // reached only if something failed before the SIGKILL
    try {
      ResultsStore store(path);
      store.begin(make_config(), layout, make_scenarios());
      for (const auto& run : committed) store.put_run(run);
      // Run #6, in flight: a raw write transaction holding several MB, forced to spill.
      sqlite3* db = nullptr;
      if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
          sqlite3_exec(db, "PRAGMA cache_size=10; BEGIN IMMEDIATE;", nullptr, nullptr, nullptr) ==
              SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db,
                           "INSERT INTO runs(scenario, replicate, wall_seconds, metrics, series) "
                           "VALUES(1, 5, 1.0, zeroblob(24), ?1)",
                           -1, &stmt, nullptr);
        std::vector<double> big(1 << 20, 1.5);  // 8 MB
        sqlite3_bind_blob(stmt, 1, big.data(), static_cast<int>(big.size() * 8), SQLITE_STATIC);
        if (sqlite3_step(stmt) == SQLITE_DONE) {
          ::kill(::getpid(), SIGKILL);  // mid-transaction: no COMMIT, no close
        }
      }
    } catch (...) {
      code = 4;
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with code " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);
  // The killed writer left its WAL behind, holding the spilled (uncommitted) pages of run #6.
  const fs::path wal(path.string() + "-wal");
  ASSERT_TRUE(fs::exists(wal));
  EXPECT_GT(fs::file_size(wal), 4u << 20);

  ResultsStore store(path);
  EXPECT_EQ(store.config()->dump(), make_config().dump());
  const std::vector<std::pair<int, int>> expected{{0, 0}, {0, 2}, {0, 4}, {1, 1}, {1, 3}};
  EXPECT_EQ(store.completed(), expected);
  std::vector<RunRecord> sorted = committed;
  std::sort(sorted.begin(), sorted.end(), [](const RunRecord& a, const RunRecord& b) {
    return std::pair(a.scenario, a.replicate) < std::pair(b.scenario, b.replicate);
  });
  expect_same_runs(store.runs(), sorted);
  // And the store is fully usable afterwards (also for the run that was lost).
  store.put_run(make_run(layout, 1, 5));
  EXPECT_EQ(store.completed().size(), 6u);
  raw_sql(path, "PRAGMA integrity_check");
}

// Same through the API only: a child loops on put_run and is SIGKILLed at an arbitrary moment.
// Whatever the moment, the store holds a prefix of the writes, every run intact.
TEST_F(ResultsStoreTest, SigkillDuringPutRunLoopKeepsAPrefixIntact) {
  const RunLayout layout = make_layout();
  const fs::path path = file("r.sqlite");
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    try {
      ResultsStore store(path);
      store.begin(make_config(), layout, make_scenarios());
      for (int r = 0; r < 5; ++r) store.put_run(make_run(layout, 0, r));
      std::thread killer([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        ::kill(::getpid(), SIGKILL);
      });
      for (int r = 5;; ++r) store.put_run(make_run(layout, 0, r));
    } catch (...) {
    }
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with code " << WEXITSTATUS(status);
  ASSERT_EQ(WTERMSIG(status), SIGKILL);

  ResultsStore store(path);
  const auto runs = store.runs();
  ASSERT_GE(runs.size(), 5u);
  for (std::size_t i = 0; i < runs.size(); ++i) {
    EXPECT_EQ(runs[i].replicate, static_cast<int>(i));
    expect_same_run(runs[i], make_run(layout, 0, static_cast<int>(i)));
  }
}

// Several processes writing the same store at once: the busy timeout serializes them.
TEST_F(ResultsStoreTest, ConcurrentWritersFromSeveralProcesses) {
  const RunLayout layout = make_layout();
  const fs::path path = file("r.sqlite");
  constexpr int kChildren = 3;
  constexpr int kRunsEach = 20;
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    const pid_t child = ::fork();
    ASSERT_NE(child, -1);
    if (child == 0) {
      int code = 0;
      try {
        ResultsStore store(path);
        store.begin(make_config(), layout, make_scenarios());
        for (int i = 0; i < kRunsEach; ++i) store.put_run(make_run(layout, i % 2, c * 100 + i));
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", c, e.what());
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(child);
  }
  for (const pid_t child : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  ResultsStore store(path);
  EXPECT_EQ(store.completed().size(), static_cast<std::size_t>(kChildren * kRunsEach));
  for (const auto& run : store.runs()) {
    expect_same_run(run, make_run(layout, run.scenario, run.replicate));
  }
}

// Per-zone values: stored with the layout's zones, read back bit-exactly, checked for size,
// and a store written before the column existed (no `zones` column) still opens and reads.
TEST_F(ResultsStoreTest, PerZoneValuesRoundTripAndAreChecked) {
  RunLayout layout = make_layout();
  layout.zone_attributes = {"code", "name"};
  layout.zones = {{"16015", "Angoul\u00eame"}, {"16102", "Cognac"}, {"16001", "Abzac"}};
  layout.zone_fields = {"needs_closed", "needs_abandoned"};
  layout.zone_ratios = {{"non_recours_rate", "needs_abandoned", "needs_closed"}};
  const fs::path path = file("z.sqlite");
  {
    ResultsStore store(path);
    store.begin(make_config(), layout, make_scenarios());
    RunRecord run = make_run(layout, 1, 2);
    run.zones = {10, 1, 20, 0.5, -0.0, std::numeric_limits<double>::quiet_NaN()};
    store.put_run(run);
    RunRecord bad = make_run(layout, 0, 0);
    bad.zones = {1, 2};
    EXPECT_STORE_ERROR(store.put_run(bad), "2 per-zone values, layout has 6 (3 zones x 2 fields)");
  }
  ResultsStore store(path);
  const auto back = store.layout();
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->zones, layout.zones);
  EXPECT_EQ(back->zone_fields, layout.zone_fields);
  EXPECT_EQ(back->zone_ratios, layout.zone_ratios);
  const auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].zones.size(), 6u);
  EXPECT_EQ(runs[0].zones[0], 10.0);
  EXPECT_EQ(bits(runs[0].zones[4]), bits(-0.0));
  EXPECT_TRUE(std::isnan(runs[0].zones[5]));
  // A layout without zones keeps the JSON it always had (old stores resume unchanged).
  const fs::path old = file("old.sqlite");
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                           "CREATE TABLE scenarios(idx INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                           "info TEXT NOT NULL);"
                           "CREATE TABLE runs(scenario INTEGER NOT NULL, replicate INTEGER NOT "
                           "NULL, wall_seconds REAL NOT NULL, metrics BLOB NOT NULL, series BLOB "
                           "NOT NULL, PRIMARY KEY(scenario, replicate));"
                           "INSERT INTO meta VALUES('format_version', '1');",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  {
    ResultsStore legacy(old);  // adds the (nullable) zones column
    legacy.begin(make_config(), make_layout(), make_scenarios());
  }
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "INSERT INTO runs(scenario, replicate, wall_seconds, metrics, series) "
                           "VALUES(0, 1, 1.0, zeroblob(24), zeroblob(96))",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ResultsStore legacy(old);
  legacy.put_run(make_run(make_layout(), 1, 1));
  const auto legacy_runs = legacy.runs();
  ASSERT_EQ(legacy_runs.size(), 2u);
  EXPECT_TRUE(legacy_runs[0].zones.empty());
  EXPECT_TRUE(legacy_runs[1].zones.empty());
}

// Each scenario's role is stored as typed columns (engine/scenario_role.hpp), kept by
// merge_from; a store of format_version 1 (the role as keys of each scenario's info) is upgraded
// when opened: its roles are read from those keys once.
TEST_F(ResultsStoreTest, ScenarioRolesRoundTripAndOlderStoresAreUpgraded) {
  using Kind = ScenarioRole::Kind;
  const Scenarios scenarios = {{"base", json::object()},
                               {"reform", json::object()},
                               {"base@city", json::object()},
                               {"reform@city", json::object()},
                               {"reform@as_configured", json::object()}};
  const std::vector<ScenarioRole> roles = {
      {.budget = Budget::EqualToBaseline},
      {.budget = Budget::EqualToBaseline},
      {.kind = Kind::TerritoryBaseline,
       .territory = "city",
       .scenario = "base",
       .budget = Budget::EqualToBaseline},
      {.kind = Kind::TerritoryComparison,
       .compared_with = 2,
       .territory = "city",
       .scenario = "reform",
       .budget = Budget::EqualToBaseline},
      {.kind = Kind::AsConfiguredArm, .arm_of = 1, .scenario = "reform"}};
  {
    ResultsStore store(file("r.sqlite"));
    store.begin(make_config(), make_layout(), scenarios, roles);
  }
  EXPECT_EQ(ResultsStore(file("r.sqlite")).scenario_roles(), roles);
  ResultsStore merged(file("merged.sqlite"));
  merged.merge_from(file("r.sqlite"));
  EXPECT_EQ(merged.scenario_roles(), roles);
  // Without roles, every scenario is a main one, as configured.
  {
    ResultsStore plain(file("plain.sqlite"));
    plain.begin(make_config(), make_layout(), make_scenarios());
    EXPECT_EQ(plain.scenario_roles(), std::vector<ScenarioRole>(2));
  }
  raw_sql(file("r.sqlite"), "UPDATE scenarios SET role = 'chief' WHERE idx = 1");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).scenario_roles(), "scenario 1", "chief");
  raw_sql(file("r.sqlite"), "UPDATE scenarios SET role = 'main', arm_of = 9 WHERE idx = 1");
  EXPECT_STORE_ERROR(ResultsStore(file("r.sqlite")).scenario_roles(), "arm_of");

  // Format 1: the same experiment with the roles as keys of the info.
  const fs::path old = file("v1.sqlite");
  raw_sql(old,
          "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
          "CREATE TABLE scenarios(idx INTEGER PRIMARY KEY, name TEXT NOT NULL, info TEXT NOT "
          "NULL);"
          "INSERT INTO meta VALUES('format_version', '1');"
          "INSERT INTO meta VALUES('config', '{\"budget\": \"equal_to_baseline\"}');"
          "INSERT INTO scenarios VALUES(0, 'base', '{\"budget\": \"equal_to_baseline\"}');"
          "INSERT INTO scenarios VALUES(1, 'reform', '{\"budget\": \"equal_to_baseline\"}');"
          "INSERT INTO scenarios VALUES(2, 'base@city', '{\"budget\": \"equal_to_baseline\", "
          "\"territory\": \"city\", \"territory_baseline\": true}');"
          "INSERT INTO scenarios VALUES(3, 'reform@city', '{\"budget\": \"equal_to_baseline\", "
          "\"territory\": \"city\", \"compared_with\": \"base@city\"}');"
          "INSERT INTO scenarios VALUES(4, 'reform@as_configured', '{\"budget\": "
          "\"as_configured\", \"arm_of\": \"reform\"}');");
  EXPECT_EQ(ResultsStore(old).scenario_roles(), roles);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(old.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'format_version'", -1, &stmt,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))), "2");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace govsim
