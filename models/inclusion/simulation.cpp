#include "models/inclusion/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include "engine/rng.hpp"

namespace govsim::inclusion {

namespace {
constexpr double kReachMinutes = 45.0;    // zone -> point lists keep points within this time
}  // namespace

Simulation::Simulation(std::shared_ptr<const ModelSpec> model, std::uint64_t seed,
                       std::uint32_t replicate)
    : RunState(std::move(model), seed, replicate) {
  const std::size_t nz = t_.zones.size();
  pop_ = generate_population(t_, p_, seed, replicate);
  zone_agents_.assign(nz, 0);
  zone_aware_.assign(nz, 0);
  zone_abandoned_year_.assign(nz, 0);
  zone_need_estimate_.assign(nz, 0);
  zone_consultation_boost_.assign(nz, 0);
  zone_share_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z) zone_share_[z] = t_.zones[z].broadband_share;
  decay_per_week_ = std::log(2.0) / p_.skill_half_life_weeks;
  zone_offer_cut_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z) zone_offer_cut_[z] = zone_share_[z] * 256.0;
  // Need-arrival table: log(1 - p_week) by year, age band and social difficulty.
  const int years = p_.horizon_weeks / 52 + 1;
  log_no_need_.assign(static_cast<std::size_t>(years) * kAgeBands * 2, 0.0);
  for (int y = 0; y < years; ++y)
    for (int a = 0; a < kAgeBands; ++a)
      for (int d = 0; d < 2; ++d) {
        const double rate = p_.need_rate_per_year * std::pow(1.0 + p_.need_rate_growth, y) *
                            p_.need_age_factor()[static_cast<std::size_t>(a)] *
                            (d ? p_.need_rate_difficulty_multiplier : 1.0);
        log_no_need_[(static_cast<std::size_t>(y) * kAgeBands + static_cast<std::size_t>(a)) * 2 + static_cast<std::size_t>(d)] =
            rate > 0 ? std::log1p(std::expm1(-rate / 52.0)) : 0.0;
      }
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    zone_agents_[pop_.zone[i]] += 1;
    if (pop_.flags[i] & kAware) zone_aware_[pop_.zone[i]] += 1;
    if (pop_.base_skill[i] < p_.skill_basic_threshold) zone_need_estimate_[pop_.zone[i]] += 1;
  }
  // Initial network.
  for (const PointSpec& spec : t_.points) {
    PointState s;
    s.spec = spec;
    if (p_.master_plan && is_neighbourhood_type(spec.type))
      s.spec.services |= kAdminProcedures | kDailyTools;
    double fte = spec.fte;
    if (p_.pooling) fte += p_.pooling_saving * p_.point_fixed_cost_eur / std::max(1.0, p_.fte_cost_eur);
    s.add_posts(fte, -1000);
    if (is_social_type(spec.type)) s.social_fte = p_.social_workers_trained * p_.social_worker_fte;
    s.stations = p_.stations_per_point;
    s.grants = g_.grants_per_point;
    s.success = g_.session_success(p_, spec.type);
    points_.push_back(std::move(s));
  }
  for (int u = 0; u < p_.mobile_units; ++u) {
    PointState s;
    s.spec = {"MOBILE-" + std::to_string(u + 1), "Mobile unit " + std::to_string(u + 1), -1,
              PointType::Mobile, default_services(PointType::Mobile), p_.mobile_fte, 0};
    s.add_posts(p_.mobile_fte, -1000);
    s.grants = g_.grants_per_point;
    s.success = g_.session_success(p_, PointType::Mobile);
    points_.push_back(std::move(s));
  }
  rebuild_reach();
  mobile_visit_.assign(nz, -1);
  // First need arrivals.
  tbb::parallel_for(std::size_t{0}, (pop_.size() + kChunk - 1) / kChunk, [&](std::size_t c) {
    const std::size_t end = std::min(pop_.size(), (c + 1) * kChunk);
    for (std::size_t i = c * kChunk; i < end; ++i) schedule_next_need(i, 0);
  });
  // Yearly envelope: what the initial network costs (status quo money), growing yearly.
  for (const auto& pt : points_) {
    if (pt.spec.type == PointType::Mobile) continue;
    envelope0_ += point_fixed_cost() +
                  pt.funded_fte() * p_.fte_cost_eur;
  }
  yearly_cycle(0);
  for (std::size_t i = 0; i < pop_.size(); ++i)
    if (skill(i, 0) >= p_.skill_autonomy_threshold && has_home_access(i)) autonomy_start_ += 1;
  autonomy_start_ /= std::max<double>(1.0, static_cast<double>(pop_.size()));
  const int weeks = p_.horizon_weeks + 1;
  series_.assign(weekly_series().size() * static_cast<std::size_t>(weeks), 0.0);
  window_.assign(static_cast<std::size_t>(weeks), {0.0, 0.0});
  record_series(0);
}

Simulation::~Simulation() = default;

namespace {
}  // namespace

// One week: the processes in order (docs/model.md, "Process overview and scheduling").
void Simulation::step() {
  Week w;
  w.t = ++week_;
  const int t = w.t;
  if (t > 1 && (t - 1) % 52 == 0) yearly_cycle((t - 1) / 52);  // funding_allocation.cpp
  weekly_points(t);         // points_reach.cpp: capacity, mobile-unit rotation
  residents_act(w);         // help_seeking.cpp (needs.cpp): needs arise, residents seek help
  queue_requests(w);        // mediation_queues.cpp: requests grouped by point
  serve_queues(w);          // mediation_queues.cpp: each point serves its queue
  pool_turned_away(w);      // mediation_queues.cpp: pooled points serve requests turned away
  leave_static_stocks(w);   // skills.cpp: residents whose skill first moved
  give_up_unserved(w);      // mediation_queues.cpp: past the deadline, given up
  close_week(w);            // outcomes.cpp: totals and the time-to-target window
  accrue_spending(t);       // funding_allocation.cpp: running costs by funder
  record_week(w);           // outcomes.cpp: weekly series
#ifdef GOVSIM_CHECK_INVARIANTS
  if (auto v = check_invariants(); !v.empty()) throw std::logic_error("invariant violated: " + v.front());
#endif
}

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

void Simulation::run() {
  while (!done()) step();
}

std::vector<std::string> Simulation::check_invariants() const {
  std::vector<std::string> v;
  double pending = 0;
  for (std::size_t i = 0; i < pop_.size(); ++i) pending += pop_.pending[i];
  const Counters& c = totals_;
  const double closed = c.alone + c.relatives + c.mediation + c.abandoned + pending;
  if (c.arisen != closed) {
    std::ostringstream os;
    os << "needs arisen (" << c.arisen << ") != alone + relatives + mediation + abandoned + pending (" << closed << ")";
    v.push_back(os.str());
  }
  double agents = 0;
  for (double a : zone_agents_) agents += a;
  if (agents != static_cast<double>(pop_.size())) v.push_back("adults not conserved");
  if (spent_eur() > granted_ * (1 + 1e-9)) {
    std::ostringstream os;
    os << "money spent (" << spent_eur() << ") > money granted (" << granted_ << ")";
    v.push_back(os.str());
  }
  if (c.sessions > c.capacity) v.push_back("sessions exceed capacity");
  for (const auto& s : points_)
    if (s.used > s.capacity) v.push_back("point " + s.spec.id + " used more sessions than its capacity");
  return v;
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
