// One completed simulation run: what the ensemble hands to statistics and the results store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace govsim {

// A run's scalar end values and weekly series. Metric and series names are shared by every run
// of an experiment (same order), so they are stored once in RunLayout and runs carry values only.
struct RunLayout {
  std::vector<std::string> metric_names;  // e.g. "non_recours_rate", "autonomy_rate@age:75+"
  std::vector<std::string> series_names;  // weekly series, e.g. "autonomy_rate"
  int weeks = 0;                          // length of every series (horizon + 1, week 0 = start)
};

struct RunRecord {
  int scenario = 0;   // index into the experiment's scenario list
  int replicate = 0;  // replicate index r; replicate r of every scenario shares random streams
  std::vector<double> metrics;  // metrics[i] is RunLayout::metric_names[i]
  std::vector<double> series;   // row-major: series[s * weeks + w] is series s at week w
  double wall_seconds = 0.0;
};

}  // namespace govsim
