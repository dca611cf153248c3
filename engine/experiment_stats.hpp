// The statistics of an experiment over its results store: per-scenario summaries, paired
// differences against the baseline with their verdicts, ranks with ties, and cost-effectiveness
// (compute_stats). Read by the CSV exports, the comparison table, the CLI and Python.
#pragma once

#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "engine/results_store.hpp"
#include "engine/stats.hpp"
#include "engine/zone_equity.hpp"

namespace govsim {

struct SummaryRow {
  std::string scenario, metric;
  stats::Summary s;
};
struct PairedRow {
  std::string scenario, baseline, metric;
  stats::Paired p;
  double mid = 0;  // minimal important difference used (metric units)
  stats::Verdict verdict = stats::Verdict::NoDifference;
};
// Rank of a scenario on one metric, best first, with ties: scenarios whose paired difference
// from the best scenario of their group is not detectable (95% CI covers 0) share the group's
// rank ("1=", "1=", "3"). Standard competition ranking.
struct RankRow {
  std::string scenario, metric;
  int rank = 0;
  bool tied = false;
};

// Minimal important difference of a metric (docs/metrics.md): the experiment's
// `minimal_important_difference` entry if any, else by unit: 0.001 (0.1 point) for shares, 0.5
// for weeks, else 1% of the baseline mean's magnitude.
double minimal_important_difference(const MetricInfo& m, double baseline_mean,
                                    const nlohmann::json& config);

// Cost-effectiveness of a scenario run as configured against the baseline: outcome gained (in
// the metric's unit, positive = better) per million euros of extra spending, paired replicates.
// On the primary metric, when the runs record per-zone values (RunLayout), also people per
// €100k of extra spending, each a ratio of paired means over replicates (stats::Ratio, delta
// method): adults = the gain on the primary metric (a share) x the zones' population
// (RunLayout::zone_population) in the baseline run of the replicate; procedures = the count
// behind the primary metric's zone ratio (its numerator, e.g. needs given up), baseline minus
// scenario (oriented: positive = better). Their n is 0 when not computed.
// Meaningful only when the gain is detectable (95% CI excludes 0), at least the minimal
// important difference, on a metric with a goal direction, and the extra cost is detectably
// positive; otherwise every ratio is NaN and `note` says why (cost_effect_note_label).
struct CostEffectRow {
  std::string scenario;  // the scenario (for an "@as_configured" arm, the scenario it is run of)
  std::string run_as;    // the scenario as stored
  std::string metric;
  stats::Paired cost;  // extra spending (EUR) over the baseline
  stats::Paired gain;  // outcome difference (metric unit; oriented: positive = better)
  stats::Ratio per_million;
  stats::Ratio adults_per_100k, procedures_per_100k;
  double mid = 0;  // minimal important difference of the metric (its unit)
  // "" (meaningful), "no_verdict", "not_detectable", "below_mid" or "no_extra_cost".
  std::string note;
};

// Plain-English reason of a CostEffectRow::note ("effect not detectable", ...; "" for "").
const char* cost_effect_note_label(const std::string& note);

struct ExperimentStats {
  // experiment.budget: "as_configured" or "equal_to_baseline"; and each scenario's own budget
  // ("equal_to_baseline" for the baseline and the scenarios spending its total, else
  // "as_configured"), by scenario index.
  std::string budget = "as_configured";
  std::vector<std::string> scenario_budget;
  std::vector<CostEffectRow> cost_effect;  // headline outcomes of scenarios run as configured
  std::vector<std::string> scenarios;
  std::vector<std::string> metrics;
  int baseline = 0;
  std::vector<SummaryRow> summary;         // scenario-major
  std::vector<PairedRow> paired;           // scenarios other than the baseline
  std::vector<RankRow> ranks;              // every metric, every scenario
  std::vector<ZoneEquityRow> zone_equity;  // equity over communes (engine/zone_equity.hpp)
  bool has_baseline = true;                // false for a sweep without a named baseline
  // The rank of (scenario, metric) as printed: "1", "1=", ... ("" if unknown).
  std::string rank_label(const std::string& scenario, const std::string& metric) const;
};

// Computes per-scenario summaries and paired differences (replicates present in both).
ExperimentStats compute_stats(const ResultsStore& store,
                              const std::vector<MetricInfo>& metric_info);

// The entry of `name` in `info` (nullptr if none), and whether higher is better for it (true
// when the metric is unknown).
const MetricInfo* find_metric(const std::vector<MetricInfo>& info, const std::string& name);
bool metric_hib(const std::vector<MetricInfo>& info, const std::string& name);

}  // namespace govsim
