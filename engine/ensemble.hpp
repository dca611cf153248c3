// Monte Carlo ensembles: (scenario, replicate) tasks on oneTBB, streamed to the results store.
// Replicate r of every scenario uses the same random streams (common random numbers); results
// are bit-identical whatever the thread count; a killed experiment resumes where it stopped.
// Under an MPI launcher (mpirun -n N) every rank calls run_experiment: rank 0 hands the tasks out
// and writes the store, the others run tasks and return (engine/distributed.hpp).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/experiment.hpp"

namespace govsim {

struct EnsembleOptions {
  int threads = 0;  // overrides spec.threads when > 0
  bool resume = false;
  // Tasks are numbered (replicate-major); this process runs those with index % count == index.
  // Stores of the shards are merged with `govsim merge` (ResultsStore::merge_from).
  int shard_index = 0, shard_count = 1;
  std::function<void(long long done, long long total)> progress;
  const std::atomic<bool>* cancel = nullptr;
  bool write_exports = true;
};

struct EnsembleReport {
  int runs_per_scenario = 0;
  long long runs_done = 0;     // run in this call
  long long runs_resumed = 0;  // found in the store
  bool cancelled = false;
  std::string target_message;  // adaptive replication outcome, or ""
  double wall_seconds = 0;
  std::filesystem::path store;
  bool writer = true;  // false on MPI ranks other than 0: they ran tasks, rank 0 wrote the store
};

// The store file inside an output directory.
std::filesystem::path store_path(const std::filesystem::path& out_dir);

EnsembleReport run_experiment(const ExperimentSpec& spec, const ModelAdapter& model,
                              const std::filesystem::path& out_dir, const EnsembleOptions& opts);

}  // namespace govsim
