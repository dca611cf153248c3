// Outcomes: the weekly series and the end values of every metric (docs/metrics.md).
#include <algorithm>
#include <cmath>
#include <limits>

#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

const std::vector<std::string>& zone_fields() {
  static const std::vector<std::string> f = {"adults", "needs_closed", "needs_abandoned",
                                             "needs_mediated", "coverage_30min"};
  return f;
}

void Simulation::close_week(const Week& w) {
  const Counters& week_c = w.c;
  totals_.add(week_c, false);  // the week's closures are drained here, not kept in the totals
  for (const auto& e : week_c.zone_closures) {
    zone_closed_[e.zone] += e.n;
    if (e.kind == Counters::kClosedMediation) zone_mediated_[e.zone] += e.n;
    if (e.kind == Counters::kClosedAbandoned) zone_abandoned_run_[e.zone] += e.n;
  }
}

double& Simulation::series_value(std::size_t series, int t) {
  return series_[series * static_cast<std::size_t>(p_.horizon_weeks + 1) +
                 static_cast<std::size_t>(t)];
}

void Simulation::record_week(const Week& w) {
  const int t = w.t;
  double illiterate = 0, autonomous = 0;
  stocks_now(t, illiterate, autonomous);
  record_series(t);
  series_value(series_index(Series::autonomy_rate), t) =
      autonomous / std::max<double>(1.0, static_cast<double>(pop_.size()));
  series_value(series_index(Series::illectronisme_rate), t) =
      illiterate / std::max<double>(1.0, static_cast<double>(pop_.size()));
  series_value(series_index(Series::sessions), t) = w.c.sessions;
  series_value(series_index(Series::unserved_requests), t) = w.c.unserved;
}

void Simulation::record_series(int t) {
  const double arisen = std::max(1.0, totals_.arisen);
  series_value(series_index(Series::non_recours_rate), t) =
      totals_.closed() > 0 ? totals_.abandoned / totals_.closed() : kNaN;
  series_value(series_index(Series::mediation_share), t) = totals_.mediation / arisen;
  if (t == 0) {
    double aut = 0, ill = 0;
    stocks_now(0, ill, aut);
    const double n = std::max<double>(1.0, static_cast<double>(pop_.size()));
    series_value(series_index(Series::autonomy_rate), 0) = aut / n;
    series_value(series_index(Series::illectronisme_rate), 0) = ill / n;
  }
  int open = 0;
  for (const auto& s : points_)
    if (s.open && t >= s.open_week && s.spec.type != PointType::Mobile) ++open;
  series_value(series_index(Series::open_points), t) = open;
  series_value(series_index(Series::cumulative_cost_eur), t) = spent_eur();
  // Yearly values: at the start, at each year's first week (after the yearly cycle) and at the end.
  if (t == 0 || (t > 1 && (t - 1) % 52 == 0) || t == p_.horizon_weeks)
    yearly_rates_ = per_adult_rates(t);
  series_value(series_index(Series::home_internet_rate), t) = yearly_rates_[0];
  // "In the past 52 weeks" is absent (NaN, not 0) until 52 weeks have been observed.
  const bool year_seen = t > 52 || (t == p_.horizon_weeks && t > 0);
  series_value(series_index(Series::adults_did_online_procedure_rate), t) =
      year_seen ? yearly_rates_[1] : kNaN;
  series_value(series_index(Series::adults_gave_up_rate), t) = year_seen ? yearly_rates_[2] : kNaN;
  // Yearly activity: over the weeks since the previous update (NaN until the first year is done).
  if (t > 1 && ((t - 1) % 52 == 0 || t == p_.horizon_weeks)) {
    const ActivityTotals now = activity_totals();
    yearly_activity_ = now.rates_since(activity_at_update_);
    activity_at_update_ = now;
  }
  series_value(series_index(Series::sessions_per_point_year), t) = yearly_activity_[0];
  series_value(series_index(Series::france_services_requests_per_site_year), t) =
      yearly_activity_[1];
  series_value(series_index(Series::cost_per_mediation_session_eur), t) = yearly_activity_[2];
  series_value(series_index(Series::cost_per_need_resolved_by_mediation_eur), t) =
      yearly_activity_[3];
  // Subgroup non-recours, cumulative.
  auto share = [](double a, double b) { return b > 0 ? a / b : kNaN; };  // no closed need: absent
  const Series nr = Series::non_recours_rate;
  for (std::size_t a = 0; a < kAgeBands; ++a)
    series_value(series_index(nr, Dimension::Age, a), t) =
        share(totals_.abandoned_age[a], totals_.closed_age[a]);
  for (std::size_t d = 0; d < kDensityClasses; ++d)
    series_value(series_index(nr, Dimension::Density, d), t) =
        share(totals_.abandoned_density[d], totals_.closed_density[d]);
  for (std::size_t g = 0; g < 2; ++g)
    series_value(series_index(nr, Dimension::Difficulty, g), t) =
        share(totals_.abandoned_difficulty[g], totals_.closed_difficulty[g]);
}

ActivityTotals Simulation::activity_totals() const {
  ActivityTotals a;
  const double full = 1.0 / p_.population_scale;
  for (const auto& s : points_) {
    const double sessions = s.served * full + s.workshops;
    a.workshops += s.workshops;
    if (s.spec.type != PointType::Mobile) a.fixed_sessions += sessions;
    if (s.spec.type == PointType::FranceServices) {
      a.fs_requests += s.served * full;
      a.fs_counter += s.counter * full;
    }
    if (s.spec.services & kAdminProcedures) a.med_sessions += sessions;
  }
  a.point_weeks = point_weeks_;
  a.fs_site_weeks = fs_site_weeks_;
  a.mediation_points_spent = mediation_points_spent_;
  a.total_spent = spent_eur();
  a.mediation_needs = totals_.mediation * full;
  return a;
}

std::array<double, 4> ActivityTotals::rates_since(const ActivityTotals& s) const {
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const double spent = mediation_points_spent - s.mediation_points_spent;
  const double spent_all = total_spent - s.total_spent;
  const double needs = mediation_needs - s.mediation_needs;
  return {ratio(fixed_sessions - s.fixed_sessions, (point_weeks - s.point_weeks) / 52.0),
          ratio(fs_requests - s.fs_requests, (fs_site_weeks - s.fs_site_weeks) / 52.0),
          ratio(spent, med_sessions - s.med_sessions), needs > 0 ? spent_all / needs : spent_all};
}

std::array<double, 3> Simulation::per_adult_rates(int t) const {
  double home = 0, online = 0, gave_up = 0;
  const int year_ago = t - 52;
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (has_home_access(i)) home += 1;
    if (pop_.last_alone[i] != kNoWeek && pop_.last_alone[i] > year_ago) online += 1;
    if (pop_.last_gave_up[i] != kNoWeek && pop_.last_gave_up[i] > year_ago) gave_up += 1;
  }
  const double n = std::max<double>(1.0, static_cast<double>(pop_.size()));
  return {home / n, online / n, gave_up / n};
}

RunRecord Simulation::finish(int scenario_index) const {
  RunRecord r;
  r.scenario = scenario_index;
  r.replicate = static_cast<int>(replicate_);
  const Counters& c = totals_;
  const double n = std::max<double>(1.0, static_cast<double>(pop_.size()));
  const double arisen = std::max(1.0, c.arisen);
  // Stocks at the end, overall and by subgroup.
  // Illectronisme (INSEE): no internet use (no home access) or use without basic skills.
  std::array<double, kAgeBands> n_age{}, ill_age{}, aut_age{}, off_age{}, low_age{};
  std::array<double, kDensityClasses> n_den{}, ill_den{}, aut_den{}, off_den{}, low_den{};
  std::array<double, 2> n_dif{}, ill_dif{}, aut_dif{}, off_dif{}, low_dif{};
  double ill = 0, aut = 0, aware = 0, off = 0, low = 0;
  const std::array<double, 3> per_adult = per_adult_rates(week_);
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (pop_.flags[i] & kAware) aware += 1;
    const double s = skill(i, week_);
    const bool home = has_home_access(i);
    const bool is_ill = in_illectronisme(s, home);
    const bool is_aut = !is_ill && s >= p_.skill_autonomy_threshold;
    const auto a = pop_.age_band[i];
    const auto d = static_cast<std::size_t>(t_.zones[pop_.zone[i]].density);
    const std::size_t k = (pop_.flags[i] & kSocialDifficulty) ? 0 : 1;
    n_age[a] += 1, n_den[d] += 1, n_dif[k] += 1;
    if (is_ill) ill += 1, ill_age[a] += 1, ill_den[d] += 1, ill_dif[k] += 1;
    if (!home) off += 1, off_age[a] += 1, off_den[d] += 1, off_dif[k] += 1;
    if (home && is_ill) low += 1, low_age[a] += 1, low_den[d] += 1, low_dif[k] += 1;
    if (is_aut) aut += 1, aut_age[a] += 1, aut_den[d] += 1, aut_dif[k] += 1;
  }
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  // Coverage (full population, by zone): adults with a point helping with procedures within 20
  // or 30 minutes by their mode (car for the zone's car share, else public transport or foot).
  // Per-commune end values (zone_fields(), full population): agents, needs closed, given up and
  // resolved through mediation over the run, and the commune's coverage within 30 minutes.
  const std::size_t nf = zone_fields().size();
  r.zones.assign(t_.zones.size() * nf, 0.0);
  double cov20 = 0, cov30 = 0, adults = 0;
  // By service category of the MedNum standard (own mode) and by mode (every adult by car /
  // without one), help with procedures: coverage_{20,30}min@service:* and @mode:*.
  std::array<double, kServiceCount> svc20{}, svc30{};
  std::array<double, 2> mode20{}, mode30{};
  for (std::size_t z = 0; z < t_.zones.size(); ++z) {
    const double car = nearest_admin_minutes(static_cast<int>(z), true);
    const double slow = nearest_admin_minutes(static_cast<int>(z), false);
    const double a = t_.zones[z].total_adults();
    const double cs = p_.car_share()[static_cast<std::size_t>(t_.zones[z].density)];
    adults += a;
    const double c30 = cs * (car <= 30) + (1 - cs) * (slow <= 30);
    cov20 += a * (cs * (car <= 20) + (1 - cs) * (slow <= 20));
    cov30 += a * c30;
    mode20[0] += a * (car <= 20), mode20[1] += a * (slow <= 20);
    mode30[0] += a * (car <= 30), mode30[1] += a * (slow <= 30);
    for (int k = 0; k < kServiceCount; ++k) {
      const auto bit = static_cast<std::uint16_t>(1u << k);
      const double sc = nearest_service_minutes(static_cast<int>(z), true, bit);
      const double ss = nearest_service_minutes(static_cast<int>(z), false, bit);
      svc20[static_cast<std::size_t>(k)] += a * (cs * (sc <= 20) + (1 - cs) * (ss <= 20));
      svc30[static_cast<std::size_t>(k)] += a * (cs * (sc <= 30) + (1 - cs) * (ss <= 30));
    }
    double* zv = &r.zones[z * nf];
    zv[0] = zone_agents_[z] / p_.population_scale;
    zv[1] = zone_closed_[z] / p_.population_scale;
    zv[2] = zone_abandoned_run_[z] / p_.population_scale;
    zv[3] = zone_mediated_[z] / p_.population_scale;
    zv[4] = c30;
  }
  const double total_cost = spent_eur();
  const double full = 1.0 / p_.population_scale;
  // Concentration index of non-recours over income quintiles (grouped data).
  double mu = 0, wsum = 0;
  std::array<double, 5> h{}, w{};
  for (std::size_t q = 0; q < 5; ++q) {
    w[q] = c.closed_income[q];
    h[q] = ratio(c.abandoned_income[q], c.closed_income[q]);
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
  // Time to target: first week the illectronisme rate is at most (1 - reduction) x its start.
  double weeks_to = p_.horizon_weeks + 1;
  {
    const std::size_t base =
        series_index(Series::illectronisme_rate) * static_cast<std::size_t>(p_.horizon_weeks + 1);
    const double target = (1.0 - p_.illectronisme_target_reduction) * series_[base];
    for (int t = 1; t <= p_.horizon_weeks && t <= week_; ++t)
      if (series_[base + static_cast<std::size_t>(t)] <= target) {
        weeks_to = t;
        break;
      }
  }
  // Rural-urban comparison: absent (NaN) unless both classes have adults and closed needs.
  constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();
  const std::size_t rural = 2, urban = 0;
  const bool both = n_den[rural] > 0 && n_den[urban] > 0 && c.closed_density[rural] > 0 &&
                    c.closed_density[urban] > 0;
  const double nr_rural = both ? c.abandoned_density[rural] / c.closed_density[rural] : kAbsent;
  const double nr_urban = both ? c.abandoned_density[urban] / c.closed_density[urban] : kAbsent;
  int open_end = 0;
  for (const auto& s : points_)
    if (s.open && s.spec.type != PointType::Mobile && week_ >= s.open_week) ++open_end;
  // Activity (full population) over the whole run: procedure-help sessions and workshops at
  // fixed points, France Services requests, what the points helping with procedures cost per
  // session, and total spending per need resolved through mediation.
  const ActivityTotals act = activity_totals();
  const std::array<double, 4> activity = act.rates_since(ActivityTotals{});
  const double gained_adults = (aut / n - autonomy_start_) * n * full;
  using M = Metric;
  MetricValues v;
  v.set(M::illectronisme_rate, ill / n);
  v.set(M::internet_non_use_rate, off / n);
  v.set(M::low_skill_user_rate, low / n);
  v.set(M::autonomy_rate, aut / n);
  v.set(M::non_recours_rate, c.abandoned / std::max(1.0, c.closed()));
  v.set(M::mediation_share, c.mediation / arisen);
  v.set(M::mean_wait_weeks, ratio(c.wait_weeks, c.mediation));
  v.set(M::coverage_30min, ratio(cov30, adults));
  v.set(M::total_cost_eur, total_cost);
  v.set(M::cost_per_need_resolved_by_mediation_eur, activity[3]);
  v.set(M::rural_urban_gap, nr_rural - nr_urban);
  v.set(M::rural_urban_ratio, both && nr_urban > 0 ? nr_rural / nr_urban : kAbsent);
  v.set(M::pending_share, (c.arisen - c.closed()) / arisen);
  v.set(M::alone_share, c.alone / arisen);
  v.set(M::relatives_share, c.relatives / arisen);
  v.set(M::offline_share, c.offline / arisen);
  v.set(M::france_services_counter_share, ratio(act.fs_counter, act.fs_requests));
  v.set(M::autonomy_gain, aut / n - autonomy_start_);
  v.set(M::coverage_20min, ratio(cov20, adults));
  v.set(M::sessions_per_1000_adults, 1000.0 * c.sessions / n);
  v.set(M::spending_per_adult_year_eur,
        total_cost / (n * full) / (std::max(1, std::min(week_, p_.horizon_weeks)) / 52.0));
  v.set(M::capacity_used_share, ratio(c.sessions, c.capacity));
  v.set(M::turned_away_per_session, ratio(c.unserved, c.sessions));
  v.set(M::referral_share, c.referrals / arisen);
  v.set(M::plan_orientation_share, c.plan_orientations / arisen);
  v.set(M::staff_time_cost_eur, staff_time_spent_);
  v.set(M::overhead_share, ratio(reporting_cost_ + coordination_cost_, total_cost));
  v.set(M::non_recours_concentration_index, ci);
  v.set(M::point_closures, static_cast<double>(closures_));
  v.set(M::mediator_departures, static_cast<double>(departures_));
  v.set(M::interruption_weeks, static_cast<double>(interruption_point_weeks_));
  v.set(M::open_points_end, static_cast<double>(open_end));
  v.set(M::weeks_to_illectronisme_target, weeks_to);
  v.set(M::aware_share, aware / n);
  v.set(M::home_internet_rate, per_adult[0]);
  v.set(M::adults_did_online_procedure_rate, per_adult[1]);
  v.set(M::adults_gave_up_rate, per_adult[2]);
  v.set(M::sessions_per_point_year, activity[0]);
  v.set(M::france_services_requests_per_site_year, activity[1]);
  v.set(M::cost_per_mediation_session_eur, activity[2]);
  v.set(M::cost_per_additional_autonomous_adult_eur,
        gained_adults >= 1.0 ? total_cost / gained_adults : total_cost);
  v.set(M::workshop_attendances_per_1000_adults, 1000.0 * c.workshop_attendances / n);
  v.set(M::workshop_share_of_sessions, ratio(act.workshops, act.workshops + c.sessions * full));
  // Breakdowns: each level's numerator over its denominator.
  auto set_groups = [&](Metric m, const auto& num_age, const auto& den_age, const auto& num_den,
                        const auto& den_den, const auto& num_dif, const auto& den_dif) {
    auto ratios = [&](const auto& num, const auto& den) {
      std::vector<double> out;
      // A level with no one in it (no urban commune, no closed need) is absent, not 0.
      for (std::size_t k = 0; k < num.size(); ++k)
        out.push_back(den[k] > 0 ? num[k] / den[k] : kNaN);
      return out;
    };
    v.set_levels(m, Dimension::Age, ratios(num_age, den_age));
    v.set_levels(m, Dimension::Density, ratios(num_den, den_den));
    v.set_levels(m, Dimension::Difficulty, ratios(num_dif, den_dif));
  };
  set_groups(M::illectronisme_rate, ill_age, n_age, ill_den, n_den, ill_dif, n_dif);
  set_groups(M::internet_non_use_rate, off_age, n_age, off_den, n_den, off_dif, n_dif);
  set_groups(M::low_skill_user_rate, low_age, n_age, low_den, n_den, low_dif, n_dif);
  set_groups(M::autonomy_rate, aut_age, n_age, aut_den, n_den, aut_dif, n_dif);
  set_groups(M::non_recours_rate, c.abandoned_age, c.closed_age, c.abandoned_density,
             c.closed_density, c.abandoned_difficulty, c.closed_difficulty);
  v.set_levels(M::total_cost_eur, Dimension::Funder, spent_);
  auto share_of_adults = [&](auto counts) {
    for (double& x : counts) x = ratio(x, adults);
    return counts;
  };
  v.set_levels(M::coverage_30min, Dimension::Service, share_of_adults(svc30));
  v.set_levels(M::coverage_20min, Dimension::Service, share_of_adults(svc20));
  v.set_levels(M::coverage_30min, Dimension::Mode, share_of_adults(mode30));
  v.set_levels(M::coverage_20min, Dimension::Mode, share_of_adults(mode20));
  r.metrics = v.values();
  r.series = series_;
  return r;
}

}  // namespace govsim::inclusion
