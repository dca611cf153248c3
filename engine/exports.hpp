// Statistics over a results store and the files written beside it: summary.csv, paired.csv,
// runs.csv, timeseries.csv (long format) and manifest.json.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "engine/results_store.hpp"
#include "engine/stats.hpp"

namespace govsim {

struct SummaryRow {
  std::string scenario, metric;
  stats::Summary s;
};
struct PairedRow {
  std::string scenario, baseline, metric;
  stats::Paired p;
};

struct ExperimentStats {
  std::vector<std::string> scenarios;
  std::vector<std::string> metrics;
  int baseline = 0;
  std::vector<SummaryRow> summary;  // scenario-major
  std::vector<PairedRow> paired;    // scenarios other than the baseline
};

// Computes per-scenario summaries and paired differences (replicates present in both).
ExperimentStats compute_stats(const ResultsStore& store,
                              const std::vector<MetricInfo>& metric_info);

// Writes the requested outputs and manifest.json into out_dir (atomically, file by file).
void write_exports(const ResultsStore& store, const std::vector<MetricInfo>& metric_info,
                   const std::vector<std::string>& outputs, const std::filesystem::path& out_dir);

// A readable ranked table of the headline metrics with 95% CIs (for `govsim compare`).
std::string comparison_table(const ExperimentStats& st, const std::vector<MetricInfo>& headline,
                             const std::string& rank_by);

}  // namespace govsim
