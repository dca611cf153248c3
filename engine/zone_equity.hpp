// Equity over zones (communes) from the per-zone values of each run: the gap between the worst
// and the best group of zones (e.g. EPCIs) on the first zone ratio (e.g. non-recours = needs given
// up / needs closed), and that ratio by class of a numeric zone attribute (e.g. car minutes to
// the nearest procedure help: <= 15, 15-30, > 30). Declared by the model in its RunLayout
// (zone_group, zone_class_*); computed per run, then mean and 95% t-interval over replicates.
// Written to equity.csv and printed by `govsim compare` (docs/metrics.md "Equity").
#pragma once

#include <string>
#include <vector>

#include "engine/results_store.hpp"
#include "engine/stats.hpp"

namespace govsim {

struct ZoneEquityRow {
  std::string scenario;
  // "<ratio>@<group>:gap" (worst group minus best) or "<ratio>@<label>:<class>", e.g.
  // "non_recours_rate@epci:gap", "non_recours_rate@travel:<=15", "...:15-30", "...:>30".
  std::string measure;
  std::string worst, best;  // gap rows: the groups worst and best on the ratio pooled over runs
  double zones = 0;         // class rows: zones in the class
  double people = 0;        // class rows: mean over runs of the class's population (first field)
  stats::Summary s;         // over the runs where the measure exists (n = how many)
};

// Rows for every scenario whose runs recorded per-zone values matching the layout (a run on
// another territory records NaN and is left out); empty when the layout declares no equity.
std::vector<ZoneEquityRow> zone_equity(const ResultsStore& store,
                                       const std::vector<std::string>& scenarios);

}  // namespace govsim
