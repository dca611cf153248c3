// Equity over zones (communes) from the per-zone values of each run: the gap between the worst
// and the best group of zones (e.g. EPCIs) on the first zone ratio (e.g. non-recours = needs given
// up / needs closed), and that ratio by class of a numeric zone attribute (e.g. car minutes to
// the nearest procedure help: <= 15, 15-30, > 30). Declared by the model in its RunLayout
// (zone_group, zone_class_*); computed per run, then mean and 95% t-interval over replicates.
// Written to equity.csv and printed by `govsim compare` (docs/metrics.md "Equity").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/run_record.hpp"
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

// Accumulates the group and class sums of each run (fed by the experiment's one pass over its
// runs, compute_stats), then gives the rows of every scenario whose runs recorded per-zone
// values matching the layout (a run on another territory records NaN and is left out); no rows
// when the layout declares no equity.
class ZoneEquity {
 public:
  ZoneEquity(const RunLayout& layout, std::size_t scenarios);
  void add(const RunRecord& r);
  std::vector<ZoneEquityRow> rows(const std::vector<std::string>& scenarios) const;

 private:
  struct Sums {
    std::vector<double> gnum, gden, cnum, cden, cpeople;
  };
  bool on_ = false, grouped_ = false, classed_ = false;
  std::size_t nf_ = 0, nz_ = 0, num_ = 0, den_ = 0;
  std::string ratio_, group_name_, class_label_;
  std::vector<double> breaks_, class_zones_;
  std::vector<std::string> group_names_;
  std::vector<std::size_t> zone_group_, zone_class_;
  std::vector<std::map<int, Sums>> runs_;  // per scenario, per replicate
};

}  // namespace govsim
