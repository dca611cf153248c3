#include "engine/run_request.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "engine/distributed.hpp"
#include "engine/errors.hpp"
#include "engine/results_store.hpp"
#include "engine/sweep.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// `name` in CLI spelling ("target-ci") as `spelling` writes it.
std::string option(const std::string& name, OptionSpelling spelling) {
  if (spelling == OptionSpelling::Cli) return "--" + name;
  std::string s = name;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

}  // namespace

void check_metric_name(const ModelAdapter& model, const std::string& name,
                       const std::string& option) {
  const auto ms = model.metrics();
  if (std::none_of(ms.begin(), ms.end(), [&](const auto& m) { return m.name == name; }))
    throw InputError(option, "", "a metric name (docs/metrics.md)", name);
}

ExperimentSpec prepare_run(const ExperimentSpec& loaded, const ModelAdapter& model,
                           const RunRequest& req, OptionSpelling spelling) {
  auto opt = [&](const char* name) { return option(name, spelling); };
  if (req.command != "run" && req.command != "compare" && req.command != "sweep")
    throw InputError("command", "", "run, compare or sweep", "'" + req.command + "'");
  ExperimentSpec spec = loaded;
  if (req.runs) {
    if (*req.runs <= 0)
      throw InputError(opt("runs"), "", "a positive integer", std::to_string(*req.runs));
    spec.runs = *req.runs;
  }
  if (req.seed) {
    if (*req.seed < 0)
      throw InputError(opt("seed"), "", "a non-negative integer", std::to_string(*req.seed));
    spec.seed = static_cast<std::uint64_t>(*req.seed);
  }
  if (req.threads < 0)
    throw InputError(opt("threads"), "", "0 or a positive integer", std::to_string(req.threads));
  if (req.target_ci) {
    if (!(*req.target_ci > 0))
      throw InputError(opt("target-ci"), "", "a positive half-width",
                       std::to_string(*req.target_ci));
    const std::string target =
        req.target_metric.empty() ? model.metric_with_role(kPrimaryRole) : req.target_metric;
    check_metric_name(model, target, opt("target-metric"));
    if (req.max_runs <= 0)
      throw InputError(opt("max-runs"), "", "a positive integer", std::to_string(req.max_runs));
    spec.target_ci = TargetCi{target, *req.target_ci, req.max_runs};
  }
  if (!req.rank_by.empty()) check_metric_name(model, req.rank_by, opt("rank-by"));
  if (req.shard_count < 1 || req.shard_index < 0 || req.shard_index >= req.shard_count)
    throw InputError(
        opt("shard"), "", "K/N with 0 <= K < N",
        "'" + std::to_string(req.shard_index) + "/" + std::to_string(req.shard_count) + "'");
  prepare_for_command(spec, req.command, req.scenario);
  return spec;
}

void prepare_for_command(ExperimentSpec& spec, const std::string& command,
                         const std::string& scenario) {
  if (command == "run") {
    int pick = spec.baseline;
    if (!scenario.empty()) {
      pick = -1;
      for (std::size_t i = 0; i < spec.scenarios.size(); ++i)
        if (spec.scenarios[i].name == scenario) pick = static_cast<int>(i);
      if (pick < 0)
        throw InputError(spec.file, "/scenarios", "a scenario named \"" + scenario + "\"", "none");
    }
    const auto k = static_cast<std::size_t>(pick);
    spec.scenarios = {spec.scenarios[k]};
    spec.baseline = 0;
    spec.resolved["scenarios"] = json::array({spec.resolved["scenarios"][k]});
    spec.resolved["baseline"] = spec.scenarios[0].name;
  } else if (command == "sweep") {
    if (!spec.sweep)
      throw InputError(spec.file, "/", "a \"sweep\" section for govsim sweep", "none");
    expand_sweep(spec);
    // Design points are not compared with design point 0: a sweep names no baseline.
    spec.resolved["baseline"] = nullptr;
  }
  spec.resolved["command"] = command;
  if (command == "run") spec.resolved["scenario_option"] = scenario;
  spec.resolved["runs"] = spec.runs;
  spec.resolved["seed"] = spec.seed;
}

const std::vector<std::string>& result_files() {
  static const std::vector<std::string> files = {
      "results.sqlite", "results.sqlite-wal", "results.sqlite-shm", "summary.csv", "paired.csv",
      "runs.csv",       "timeseries.csv",     "manifest.json",      "report.html"};
  return files;
}

long long store_run_count(const fs::path& db) {
  try {
    ResultsStore store(db);
    return static_cast<long long>(store.completed().size());
  } catch (const StoreError&) {
    return -1;
  }
}

void check_output_dir(const fs::path& out) {
  std::error_code ec;
  const fs::path p = out.empty() ? fs::path(".") : out;
  if (fs::exists(p, ec) && !fs::is_directory(p, ec))
    throw InputError(out.string(), "", "an output directory",
                     "an existing file; choose another output directory");
  // The nearest existing ancestor must be a writable directory.
  fs::path probe = fs::absolute(p, ec);
  while (!probe.empty() && !fs::exists(probe, ec) && probe != probe.parent_path())
    probe = probe.parent_path();
  if (!fs::is_directory(probe, ec))
    throw InputError(out.string(), "", "an output directory that can be created",
                     probe.string() + " is a file; choose another output directory");
  if (::access(probe.c_str(), W_OK | X_OK) != 0)
    throw InputError(
        out.string(), "", "a writable output directory",
        "no write permission in " + probe.string() + "; choose another output directory");
}

void check_store_agrees_with_exports(const fs::path& dir) {
  const fs::path db = store_path(dir);
  // The runs.csv export first: without it (or without a row) there is nothing to compare,
  // and the store is left untouched (opening it would fold its write-ahead log).
  const fs::path runs_csv = dir / "runs.csv";
  std::error_code ec;
  if (!fs::is_regular_file(runs_csv, ec)) return;
  std::ifstream in(runs_csv);
  std::string line;
  long long rows = -1;  // the header
  while (std::getline(in, line))
    if (!line.empty()) ++rows;
  if (rows <= 0) return;  // (a header alone: no run to compare)
  long long in_store = 0;
  try {
    ResultsStore store(db);
    in_store = static_cast<long long>(store.completed().size());
  } catch (const StoreError& e) {
    throw InputError(
        db.string(), "", "a govsim results store (SQLite)",
        std::string(e.what()) +
            "; if it is damaged, rerun the experiment with --force (or another output directory)");
  }
  if (rows != in_store)
    throw InputError(
        runs_csv.string(), "",
        "the runs of " + db.filename().string() + " (" + std::to_string(in_store) + ")",
        std::to_string(rows) +
            " rows: the exports and the store disagree; rerun with --force (or another "
            "output directory) instead of mixing two experiments");
}

void prepare_output_dir(const fs::path& out_dir, const RunRequest& req, OptionSpelling spelling) {
  // Under MPI every rank gets here with the same request; only rank 0, the writer, looks at the
  // directory, and the others learn whether it succeeded (JobAborted with exit status 2 if not).
  dist::on_writer(
      [&] {
        check_output_dir(out_dir);
        if (!fs::exists(store_path(out_dir))) return;
        if (req.resume) {
          check_store_agrees_with_exports(out_dir);
          return;
        }
        // A store without runs and without exports beside it is what a command that failed
        // before its first run left: no results, cleared without --force.
        // (The exports are looked at first: the store is opened only when there are none.)
        const bool left_by_failure =
            std::none_of(result_files().begin(), result_files().end(),
                         [&](const std::string& f) {
                           return f.rfind("results.sqlite", 0) != 0 && fs::exists(out_dir / f);
                         }) &&
            store_run_count(store_path(out_dir)) == 0;
        if (!req.force && !left_by_failure) {
          const bool cli = spelling == OptionSpelling::Cli;
          const std::string how = cli ? "--resume / --force" : "resume=True / force=True";
          throw InputError(
              out_dir.string(), "", "an output directory without results (or " + how + ")",
              "it already holds results.sqlite; " +
                  std::string(cli ? "add --resume to complete it, --force to replace it, or "
                                    "choose another --out"
                                  : "pass resume=True to complete it, force=True to replace "
                                    "it, or another out"));
        }
        for (const auto& f : result_files()) fs::remove(out_dir / f);
      },
      [](const std::exception& e) {
        return dynamic_cast<const InputError*>(&e) != nullptr ? 2 : 1;
      });
}

EnsembleOptions ensemble_options(const RunRequest& req) {
  EnsembleOptions opts;
  opts.threads = req.threads;
  opts.resume = req.resume;
  opts.shard_index = req.shard_index;
  opts.shard_count = req.shard_count;
  return opts;
}

}  // namespace govsim
