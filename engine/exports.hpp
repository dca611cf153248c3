// The files written beside a results store: summary.csv, paired.csv, cost_effectiveness.csv,
// runs.csv, timeseries.csv (long format), communes.csv and manifest.json. Their columns are
// declared in engine/csv_columns.hpp; their numbers come from compute_stats
// (engine/experiment_stats.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "engine/results_store.hpp"

namespace govsim {

// Writes the requested outputs and manifest.json into out_dir (atomically, file by file).
void write_exports(const ResultsStore& store, const std::vector<MetricInfo>& metric_info,
                   const std::vector<std::string>& outputs, const std::filesystem::path& out_dir);

}  // namespace govsim
