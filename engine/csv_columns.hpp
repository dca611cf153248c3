// The columns of the CSV exports, declared once: written by engine/exports.cpp, the keys of the
// rows of govsim._core.stats() and the columns of govsim.Results' DataFrames (exported as
// govsim._core.csv_columns()).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace govsim::csv_columns {

// summary.csv, Results.summary().
inline constexpr std::array<std::string_view, 13> kSummary = {
    "scenario", "metric", "mean", "sd",   "ci_low",    "ci_high", "n",
    "q05",      "q50",    "q95",  "rank", "rank_tied", "budget"};
// paired.csv, Results.paired().
inline constexpr std::array<std::string_view, 14> kPaired = {
    "scenario", "baseline",   "metric",      "mean_diff",    "sd_diff", "ci_low", "ci_high",
    "rel_diff", "rel_ci_low", "rel_ci_high", "share_better", "n",       "mid",    "verdict"};
// cost_effectiveness.csv: the gain per million euros of extra spending, then people per €100k
// (adults who avoid giving up, procedures not given up; primary metric only) and the note saying
// why the ratios are empty when they are not meaningful.
inline constexpr std::array<std::string_view, 20> kCostEffectiveness = {
    "scenario",
    "run_as",
    "metric",
    "extra_cost_eur",
    "extra_cost_ci_low",
    "extra_cost_ci_high",
    "gain",
    "gain_ci_low",
    "gain_ci_high",
    "gain_per_million_eur",
    "ci_low",
    "ci_high",
    "n",
    "adults_per_100k_eur",
    "adults_per_100k_eur_ci_low",
    "adults_per_100k_eur_ci_high",
    "procedures_per_100k_eur",
    "procedures_per_100k_eur_ci_low",
    "procedures_per_100k_eur_ci_high",
    "note"};
// equity.csv (engine/zone_equity.hpp): the gap between groups of zones and the ratio by class.
inline constexpr std::array<std::string_view, 10> kEquity = {
    "scenario", "measure", "mean", "ci_low", "ci_high", "n", "zones", "people", "worst", "best"};
// runs.csv: these, then one column per metric of the run layout.
inline constexpr std::array<std::string_view, 3> kRuns = {"scenario", "replicate", "wall_seconds"};
// timeseries.csv (long format).
inline constexpr std::array<std::string_view, 5> kTimeseries = {"scenario", "replicate", "week",
                                                                "series", "value"};

// The columns joined by commas (a CSV header without its newline).
template <std::size_t N>
std::string header(const std::array<std::string_view, N>& columns) {
  std::string out;
  for (std::size_t k = 0; k < N; ++k) (out += k ? "," : "") += columns[k];
  return out;
}

}  // namespace govsim::csv_columns
