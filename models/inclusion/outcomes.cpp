// Outcomes: the weekly series and the end values of every metric (docs/metrics.md).
#include "models/inclusion/simulation.hpp"

#include <algorithm>
#include <cmath>

namespace govsim::inclusion {

void Simulation::close_week(const Week& w) {
  const Counters& week_c = w.c;
  totals_.add(week_c);
  window_[static_cast<std::size_t>(w.t)] = {week_c.alone + week_c.relatives + week_c.mediation,
                                            week_c.alone + week_c.relatives + week_c.mediation + week_c.abandoned};
}

void Simulation::record_week(const Week& w) {
  const int t = w.t;
  double illiterate = 0, autonomous = 0;
  stocks_now(t, illiterate, autonomous);
  record_series(t);
  const std::size_t W = static_cast<std::size_t>(p_.horizon_weeks + 1);
  series_[2 * W + static_cast<std::size_t>(t)] = autonomous / std::max<double>(1.0, static_cast<double>(pop_.size()));
  series_[3 * W + static_cast<std::size_t>(t)] = illiterate / std::max<double>(1.0, static_cast<double>(pop_.size()));
  series_[4 * W + static_cast<std::size_t>(t)] = w.c.sessions;
  series_[5 * W + static_cast<std::size_t>(t)] = w.c.unserved;
}

void Simulation::record_series(int t) {
  const std::size_t W = static_cast<std::size_t>(p_.horizon_weeks + 1);
  const auto ut = static_cast<std::size_t>(t);
  const double arisen = std::max(1.0, totals_.arisen);
  series_[0 * W + ut] = totals_.abandoned / arisen;
  series_[1 * W + ut] = totals_.mediation / arisen;
  if (t == 0) {
    double aut = 0, ill = 0;
    stocks_now(0, ill, aut);
    const double n = std::max<double>(1.0, static_cast<double>(pop_.size()));
    series_[2 * W] = aut / n;
    series_[3 * W] = ill / n;
  }
  int open = 0;
  for (const auto& s : points_)
    if (s.open && t >= s.open_week && s.spec.type != PointType::Mobile) ++open;
  series_[6 * W + ut] = open;
  series_[7 * W + ut] = spent_eur();
  // Subgroup non-recours, cumulative (series 8.. in weekly_series() order).
  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  std::size_t k = 8;
  for (std::size_t a = 0; a < kAgeBands; ++a, ++k) series_[k * W + ut] = share(totals_.abandoned_age[a], totals_.arisen_age[a]);
  for (std::size_t d = 0; d < kDensityClasses; ++d, ++k)
    series_[k * W + ut] = share(totals_.abandoned_density[d], totals_.arisen_density[d]);
  for (std::size_t g = 0; g < 2; ++g, ++k) series_[k * W + ut] = share(totals_.abandoned_difficulty[g], totals_.arisen_difficulty[g]);
}

RunRecord Simulation::finish(int scenario_index) const {
  RunRecord r;
  r.scenario = scenario_index;
  r.replicate = static_cast<int>(replicate_);
  const Counters& c = totals_;
  const double n = std::max<double>(1.0, static_cast<double>(pop_.size()));
  const double arisen = std::max(1.0, c.arisen);
  // Stocks at the end, overall and by subgroup.
  std::array<double, kAgeBands> n_age{}, ill_age{}, aut_age{};
  std::array<double, kDensityClasses> n_den{}, ill_den{}, aut_den{};
  std::array<double, 2> n_dif{}, ill_dif{}, aut_dif{};
  double ill = 0, aut = 0, aware = 0;
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (pop_.flags[i] & kAware) aware += 1;
    const double s = skill(i, week_);
    const bool is_ill = s < p_.skill_basic_threshold;
    const bool is_aut = s >= p_.skill_autonomy_threshold && has_home_access(i);
    const auto a = pop_.age_band[i];
    const auto d = static_cast<std::size_t>(t_.zones[pop_.zone[i]].density);
    const std::size_t k = (pop_.flags[i] & kSocialDifficulty) ? 0 : 1;
    n_age[a] += 1, n_den[d] += 1, n_dif[k] += 1;
    if (is_ill) ill += 1, ill_age[a] += 1, ill_den[d] += 1, ill_dif[k] += 1;
    if (is_aut) aut += 1, aut_age[a] += 1, aut_den[d] += 1, aut_dif[k] += 1;
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  // Coverage (full population, by zone).
  double cov20 = 0, cov30 = 0, adults = 0;
  for (std::size_t z = 0; z < t_.zones.size(); ++z) {
    const double m = nearest_admin_minutes(static_cast<int>(z));
    const double a = t_.zones[z].total_adults();
    adults += a;
    if (m <= 20) cov20 += a;
    if (m <= 30) cov30 += a;
  }
  const double total_cost = spent_eur();
  const double full = 1.0 / p_.population_scale;
  // Concentration index of non-recours over income quintiles (grouped data).
  double mu = 0, wsum = 0;
  std::array<double, 5> h{}, w{};
  for (std::size_t q = 0; q < 5; ++q) {
    w[q] = c.arisen_income[q];
    h[q] = ratio(c.abandoned_income[q], c.arisen_income[q]);
    mu += w[q] * h[q];
    wsum += w[q];
  }
  mu = ratio(mu, wsum);
  double ci = 0, cum = 0;
  for (std::size_t q = 0; q < 5; ++q) {
    const double rank = ratio(cum + 0.5 * w[q], wsum);
    ci += ratio(w[q], wsum) * h[q] * (2 * rank - 1);
    cum += w[q];
  }
  ci = ratio(ci, mu);
  // Time to target: first week the 13-week window resolved >= 90% of closed needs.
  double weeks_to = p_.horizon_weeks + 1;
  {
    double res = 0, closed = 0;
    for (int t = 1; t <= p_.horizon_weeks; ++t) {
      res += window_[static_cast<std::size_t>(t)][0];
      closed += window_[static_cast<std::size_t>(t)][1];
      if (t > 13) {
        res -= window_[static_cast<std::size_t>(t - 13)][0];
        closed -= window_[static_cast<std::size_t>(t - 13)][1];
      }
      if (t >= 13 && closed > 0 && res / closed >= 0.9) {
        weeks_to = t;
        break;
      }
    }
  }
  int open_end = 0;
  for (const auto& s : points_)
    if (s.open && s.spec.type != PointType::Mobile && week_ >= s.open_week) ++open_end;
  const std::size_t rural = 2, urban = 0;
  std::vector<double> m = {
      ill / n,
      aut / n,
      c.abandoned / arisen,
      c.mediation / arisen,
      ratio(c.wait_weeks, c.mediation),
      ratio(cov30, adults),
      total_cost,
      c.mediation > 0 ? total_cost / (c.mediation * full) : total_cost,
      ratio(c.abandoned_density[rural], c.arisen_density[rural]) - ratio(c.abandoned_density[urban], c.arisen_density[urban]),
      c.alone / arisen,
      c.relatives / arisen,
      aut / n - autonomy_start_,
      ratio(cov20, adults),
      1000.0 * c.sessions / n,
      ratio(c.sessions, c.capacity),
      c.referrals / arisen,
      ratio(reporting_cost_ + coordination_cost_, total_cost),
      ci,
      static_cast<double>(closures_),
      static_cast<double>(departures_),
      static_cast<double>(interruption_point_weeks_),
      static_cast<double>(open_end),
      weeks_to,
      aware / n,
  };
  auto push_groups = [&](const auto& num, const auto& den) {
    for (std::size_t a = 0; a < kAgeBands; ++a) m.push_back(ratio(num[0][a], den[0][a]));
    for (std::size_t d = 0; d < kDensityClasses; ++d) m.push_back(ratio(num[1][d], den[1][d]));
    m.push_back(ratio(num[2][0], den[2][0]));
    m.push_back(ratio(num[2][1], den[2][1]));
  };
  using Groups = std::array<std::vector<double>, 3>;
  auto groups = [](const auto& a, const auto& d, const auto& k) {
    return Groups{std::vector<double>(a.begin(), a.end()), std::vector<double>(d.begin(), d.end()),
                  std::vector<double>(k.begin(), k.end())};
  };
  const Groups den = groups(n_age, n_den, n_dif);
  push_groups(groups(ill_age, ill_den, ill_dif), den);
  push_groups(groups(aut_age, aut_den, aut_dif), den);
  push_groups(groups(c.abandoned_age, c.abandoned_density, c.abandoned_difficulty),
              groups(c.arisen_age, c.arisen_density, c.arisen_difficulty));
  for (double v : spent_) m.push_back(v);
  r.metrics = std::move(m);
  r.series = series_;
  return r;
}

}  // namespace govsim::inclusion
