#include "models/inclusion/metrics.hpp"

#include "models/inclusion/governance.hpp"

namespace govsim::inclusion {

void Counters::add(const Counters& o) {
  arisen += o.arisen;
  alone += o.alone;
  relatives += o.relatives;
  mediation += o.mediation;
  abandoned += o.abandoned;
  sessions += o.sessions;
  capacity += o.capacity;
  wait_weeks += o.wait_weeks;
  referrals += o.referrals;
  misdirected += o.misdirected;
  station_uses += o.station_uses;
  unserved += o.unserved;
  for (int a = 0; a < kAgeBands; ++a) {
    arisen_age[static_cast<std::size_t>(a)] += o.arisen_age[static_cast<std::size_t>(a)];
    abandoned_age[static_cast<std::size_t>(a)] += o.abandoned_age[static_cast<std::size_t>(a)];
  }
  for (int d = 0; d < kDensityClasses; ++d) {
    arisen_density[static_cast<std::size_t>(d)] += o.arisen_density[static_cast<std::size_t>(d)];
    abandoned_density[static_cast<std::size_t>(d)] += o.abandoned_density[static_cast<std::size_t>(d)];
  }
  for (std::size_t k = 0; k < 2; ++k) {
    arisen_difficulty[k] += o.arisen_difficulty[k];
    abandoned_difficulty[k] += o.abandoned_difficulty[k];
  }
  for (std::size_t q = 0; q < 5; ++q) {
    arisen_income[q] += o.arisen_income[q];
    abandoned_income[q] += o.abandoned_income[q];
  }
}

const std::vector<MetricInfo>& headline_metrics() {
  static const std::vector<MetricInfo> m = {
      {"illectronisme_rate", false, "share", "Adults lacking basic digital skills at the end."},
      {"autonomy_rate", true, "share", "Adults able to do online procedures alone at home at the end."},
      {"non_recours_rate", false, "share", "Needs abandoned past their deadline / needs arisen."},
      {"mediation_share", true, "share", "Needs resolved through mediation / needs arisen."},
      {"mean_wait_weeks", false, "weeks", "Mean weeks from a need arising to its resolution by mediation."},
      {"coverage_30min", true, "share", "Adults within 30 minutes by car of an open point offering help with procedures (end)."},
      {"total_cost_eur", false, "EUR", "Total spending over the horizon, all funders (full population)."},
      {"cost_per_resolved_need_eur", false, "EUR", "Total spending / needs resolved through mediation (full population)."},
      {"rural_urban_gap", false, "share", "Non-recours rate in rural zones minus urban zones."},
  };
  return m;
}

namespace {
std::vector<MetricInfo> build_all() {
  std::vector<MetricInfo> m = headline_metrics();
  const std::vector<MetricInfo> extra = {
      {"alone_share", true, "share", "Needs resolved alone / needs arisen."},
      {"relatives_share", false, "share", "Needs resolved by relatives (no skill gain) / needs arisen."},
      {"autonomy_gain", true, "share", "Autonomy rate at the end minus at the start."},
      {"coverage_20min", true, "share", "Adults within 20 minutes by car of an open point offering help with procedures (end)."},
      {"sessions_per_1000_adults", true, "sessions", "Mediation sessions delivered per 1,000 adults over the horizon."},
      {"capacity_used_share", true, "share", "Sessions delivered / session capacity."},
      {"referral_share", true, "share", "Adults referred by a partner / needs arisen."},
      {"overhead_share", false, "share", "Reporting and coordination costs / total cost."},
      {"non_recours_concentration_index", true, "index", "Concentration index of non-recours by income quintile (negative: concentrated among the poor)."},
      {"point_closures", false, "points", "Access points closed over the horizon."},
      {"mediator_departures", false, "departures", "Mediators who left over the horizon (full population)."},
      {"interruption_weeks", false, "point-weeks", "Weeks of service interruption summed over points."},
      {"open_points_end", true, "points", "Open fixed access points at the end."},
      {"weeks_to_90pct_resolved", false, "weeks", "First week when 90% of needs closed over the past 13 weeks were resolved (horizon + 1 if never)."},
      {"aware_share", true, "share", "Adults who know of the help on offer at the end."},
  };
  m.insert(m.end(), extra.begin(), extra.end());
  for (const char* base : {"illectronisme_rate", "autonomy_rate", "non_recours_rate"}) {
    const bool hib = std::string(base) == "autonomy_rate";
    for (int a = 0; a < kAgeBands; ++a)
      m.push_back({std::string(base) + "@age:" + kAgeBandNames[static_cast<std::size_t>(a)], hib, "share", "By age band."});
    for (int d = 0; d < kDensityClasses; ++d)
      m.push_back({std::string(base) + "@density:" + kDensityNames[static_cast<std::size_t>(d)], hib, "share", "By density class."});
    m.push_back({std::string(base) + "@difficulty:yes", hib, "share", "Adults in social difficulty."});
    m.push_back({std::string(base) + "@difficulty:no", hib, "share", "Adults not in social difficulty."});
  }
  for (int f = 0; f < kFunders; ++f)
    m.push_back({std::string("total_cost_eur@funder:") + kFunderNames[static_cast<std::size_t>(f)], false, "EUR", "Spending by this funder."});
  return m;
}
}  // namespace

const std::vector<MetricInfo>& all_metrics() {
  static const std::vector<MetricInfo> m = build_all();
  return m;
}

namespace {
std::vector<MetricInfo> build_series() {
  std::vector<MetricInfo> s = {
      {"non_recours_rate", false, "share", "Cumulative non-recours rate to date."},
      {"mediation_share", true, "share", "Cumulative mediation share to date."},
      {"autonomy_rate", true, "share", "Autonomy rate this week."},
      {"illectronisme_rate", false, "share", "Illectronisme rate this week."},
      {"sessions", true, "sessions", "Sessions delivered this week (simulated population)."},
      {"unserved_requests", false, "requests", "Requests turned away for lack of capacity this week."},
      {"open_points", true, "points", "Open fixed points this week."},
      {"cumulative_cost_eur", false, "EUR", "Spending to date (full population)."},
  };
  // Cumulative non-recours by subgroup (same order as the end-value subgroups).
  for (int a = 0; a < kAgeBands; ++a)
    s.push_back({std::string("non_recours_rate@age:") + kAgeBandNames[static_cast<std::size_t>(a)], false, "share", "Cumulative non-recours rate to date, by age band."});
  for (int d = 0; d < kDensityClasses; ++d)
    s.push_back({std::string("non_recours_rate@density:") + kDensityNames[static_cast<std::size_t>(d)], false, "share", "Cumulative non-recours rate to date, by density class."});
  s.push_back({"non_recours_rate@difficulty:yes", false, "share", "Cumulative non-recours rate to date, adults in social difficulty."});
  s.push_back({"non_recours_rate@difficulty:no", false, "share", "Cumulative non-recours rate to date, other adults."});
  return s;
}
}  // namespace

const std::vector<MetricInfo>& weekly_series() {
  static const std::vector<MetricInfo> s = build_series();
  return s;
}

bool higher_is_better(const std::string& metric) {
  for (const auto& m : all_metrics())
    if (m.name == metric) return m.higher_is_better;
  for (const auto& m : weekly_series())
    if (m.name == metric) return m.higher_is_better;
  return false;
}

}  // namespace govsim::inclusion
