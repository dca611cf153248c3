// Outcome metrics (brief §4): names, direction and meaning, counters and their aggregation.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "engine/experiment.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

enum Channel { kAlone = 0, kRelatives = 1, kMediation = 2 };

// Event counters (scaled population). Integers in doubles: sums are exact and order-free.
struct Counters {
  double arisen = 0, alone = 0, relatives = 0, mediation = 0, abandoned = 0;
  double sessions = 0, capacity = 0, wait_weeks = 0, referrals = 0, misdirected = 0;
  double station_uses = 0, unserved = 0;
  std::array<double, kAgeBands> arisen_age{}, abandoned_age{};
  std::array<double, kDensityClasses> arisen_density{}, abandoned_density{};
  std::array<double, 2> arisen_difficulty{}, abandoned_difficulty{};
  std::array<double, 5> arisen_income{}, abandoned_income{};
  void add(const Counters& o);
  double pending_count = 0;  // filled when checking invariants
};


// Headline metrics (always first, in this order), then subgroup and funder breakdowns.
const std::vector<MetricInfo>& headline_metrics();
// The full list, including "non_recours_rate@age:75+", "total_cost_eur@funder:state"...
const std::vector<MetricInfo>& all_metrics();
const std::vector<MetricInfo>& weekly_series();
bool higher_is_better(const std::string& metric);

}  // namespace govsim::inclusion
