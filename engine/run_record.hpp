// One completed simulation run: what the ensemble hands to statistics and the results store.
#pragma once

#include <algorithm>
#include <array>
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
  // Per-zone (commune) end values of each run, when the model records them (empty otherwise):
  // static description of the zones (`zone_attributes` names the columns of each row of
  // `zones`, the first being the zone's code) and the names of the values a run records per zone.
  std::vector<std::string> zone_attributes;     // e.g. "code", "name", "lat", "lon"
  std::vector<std::vector<std::string>> zones;  // one row per zone, as text
  std::vector<std::string> zone_fields;         // e.g. "adults", "needs_closed"
  // Ratios reported per zone over the replicates pooled: {name, numerator, denominator field}
  // (e.g. {"non_recours_rate", "needs_abandoned", "needs_closed"}).
  std::vector<std::array<std::string, 3>> zone_ratios;
  // Equity over zones on the first zone ratio (engine/zone_equity.hpp), when declared: the zone
  // attribute grouping zones (e.g. "epci": worst group minus best), and a numeric attribute cut
  // into classes at `zone_class_breaks` (e.g. "help_minutes" at 15 and 30; an empty value is
  // above the last break), named `zone_class_label` (e.g. "travel").
  std::string zone_group;
  std::string zone_class_attribute, zone_class_label;
  std::vector<double> zone_class_breaks;
  // The zone field counting the zone's people (e.g. "adults"): by convention the first of
  // zone_fields (cost-effectiveness counts people with it; "" when there are no zone fields).
  const std::string& zone_population() const {
    static const std::string none;
    return zone_fields.empty() ? none : zone_fields.front();
  }
  // Index of a zone field / zone attribute by name; its count (one past the end) when absent.
  std::size_t zone_field(const std::string& name) const {
    return static_cast<std::size_t>(std::find(zone_fields.begin(), zone_fields.end(), name) -
                                    zone_fields.begin());
  }
  std::size_t zone_attribute(const std::string& name) const {
    return static_cast<std::size_t>(
        std::find(zone_attributes.begin(), zone_attributes.end(), name) - zone_attributes.begin());
  }
  std::size_t zone_values() const {
    return zone_fields.empty() ? 0 : zones.size() * zone_fields.size();
  }
};

struct RunRecord {
  int scenario = 0;   // index into the experiment's scenario list
  int replicate = 0;  // replicate index r; replicate r of every scenario shares random streams
  std::vector<double> metrics;  // metrics[i] is RunLayout::metric_names[i]
  std::vector<double> series;   // row-major: series[s * weeks + w] is series s at week w
  std::vector<double> zones;    // zone-major: zones[z * zone_fields + f] (RunLayout::zone_values)
  double wall_seconds = 0.0;
};

}  // namespace govsim
