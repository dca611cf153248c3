// Preparing a run of `govsim run|compare|sweep` or of govsim.run_experiment (Python): the option
// checks, the command's view of the experiment and the output directory, written once for both
// front ends (engine/cli/cli.cpp, python/src/register_experiment.cpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/ensemble.hpp"
#include "engine/experiment.hpp"

namespace govsim {

// How error messages name an option: `--target-ci` (CLI) or `target_ci` (Python keyword).
enum class OptionSpelling { Cli, Python };

// What the user asked for, as given (nullopt / "" = not given).
struct RunRequest {
  std::string command = "compare";  // run, compare or sweep
  std::string scenario;             // run: the scenario by name ("" = the baseline)
  std::optional<int> runs;          // replicates per scenario (> 0), overrides the config
  std::optional<long long> seed;    // master seed (>= 0), overrides the config
  int threads = 0;                  // >= 0; 0 = the config's (all cores)
  std::optional<double> target_ci;  // adaptive replication: 95% CI half-width (> 0)
  std::string target_metric;        // with target_ci; "" = the model's primary metric
  int max_runs = 200;               // with target_ci
  std::string rank_by;              // a metric name, checked if given
  int shard_index = 0, shard_count = 1;
  bool resume = false, force = false;
};

// Checks `req` against `model` (InputError naming the option as `spelling` writes it), applies it
// to a copy of `spec` and narrows that copy for the command (prepare_for_command).
ExperimentSpec prepare_run(const ExperimentSpec& spec, const ModelAdapter& model,
                           const RunRequest& req, OptionSpelling spelling);

// Throws InputError naming `option` unless `name` is one of the model's metrics.
void check_metric_name(const ModelAdapter& model, const std::string& name,
                       const std::string& option);

// Narrows or expands a loaded experiment for a command: "run" keeps one scenario (by name, or
// the baseline), "sweep" expands the sweep section into design points, "compare" keeps all.
// Records runs and seed in the resolved config. Throws InputError (file, pointer).
void prepare_for_command(ExperimentSpec& spec, const std::string& command,
                         const std::string& scenario = "");

// The files a run writes into its output directory (the results store and its journal files,
// the exports, the manifest, the report): what `force` deletes.
const std::vector<std::string>& result_files();

// Makes `out_dir` ready for `req`: it must be a directory that can be written (or created); a
// directory already holding results is kept for `resume` (checked by
// check_store_agrees_with_exports; the store then checks that it holds the same experiment),
// cleared of result_files() for `force`, and refused otherwise (InputError, nothing touched). A
// store without a single run (left by a command that failed before its first run) is no result:
// it is cleared without `force`. Collective under MPI: only rank 0 looks at the directory; the
// other ranks throw JobAborted if it failed (engine/distributed.hpp).
void prepare_output_dir(const std::filesystem::path& out_dir, const RunRequest& req,
                        OptionSpelling spelling);

// InputError unless `out_dir` is, or can be created as, a directory this process can write.
void check_output_dir(const std::filesystem::path& out_dir);

// Runs in the store at `db`; -1 if it cannot be read.
long long store_run_count(const std::filesystem::path& db);

// InputError naming the file when the results directory's store cannot be read, or when its
// runs.csv export does not hold the store's runs (a copied or overwritten file): resuming or
// merging would mix two experiments.
void check_store_agrees_with_exports(const std::filesystem::path& results_dir);

// The ensemble options of `req` (threads, resume, shard); the caller adds progress and cancel.
EnsembleOptions ensemble_options(const RunRequest& req);

}  // namespace govsim
