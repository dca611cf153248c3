// One run: construction (population, initial network, first needs), the weekly step as an
// ordered list of processes (one file each, see docs/model.md "File map"), invariants.
#include "models/inclusion/simulation.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace govsim::inclusion {

Simulation::Simulation(std::shared_ptr<const ModelSpec> model, std::uint64_t seed,
                       std::uint32_t replicate, std::vector<double> budget_path)
    : RunState(std::move(model), seed, replicate) {
  budget_path_ = std::move(budget_path);
  const std::size_t nz = t_.zones.size();
  pop_model_ = fit_population_model(t_, p_);
  pop_ = generate_population(t_, p_, seed, replicate);
  zone_agents_.assign(nz, 0);
  zone_aware_.assign(nz, 0);
  zone_abandoned_year_.assign(nz, 0);
  zone_closed_.assign(nz, 0);
  zone_mediated_.assign(nz, 0);
  zone_abandoned_run_.assign(nz, 0);
  zone_need_estimate_.assign(nz, 0);
  zone_consultation_boost_.assign(nz, 0);
  zone_share_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z) zone_share_[z] = t_.zones[z].broadband_share;
  decay_per_week_ = std::log(2.0) / p_.skill_half_life_weeks;
  decay_.resize(static_cast<std::size_t>(p_.horizon_weeks) + 1);
  for (std::size_t d = 0; d < decay_.size(); ++d)
    decay_[d] = std::exp(-decay_per_week_ * static_cast<int>(d));
  zone_offer_cut_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z)
    zone_offer_cut_[z] = static_cast<std::uint16_t>(std::ceil(zone_share_[z] * 256.0));
  zone_density_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z)
    zone_density_[z] = static_cast<std::uint8_t>(t_.zones[z].density);
  // Need-kind weights (needs.cpp: arrive), as arrive() computed them for each resident.
  for (int d = 0; d < 2; ++d)
    for (int old = 0; old < 2; ++old) {
      std::array<double, kNeedKinds> w = p_.need_shares();
      if (d) w[1] *= p_.need_benefits_difficulty_factor;
      if (old) w[3] = 0;
      need_weights_[static_cast<std::size_t>(d * 2 + old)] = {
          w, std::accumulate(w.begin(), w.end(), 0.0)};
    }
  // Need-arrival table: log(1 - p_week) by year, age band and social difficulty.
  const int years = p_.horizon_weeks / 52 + 1;
  log_no_need_.assign(static_cast<std::size_t>(years) * kAgeBands * 2, 0.0);
  for (int y = 0; y < years; ++y)
    for (int a = 0; a < kAgeBands; ++a)
      for (int d = 0; d < 2; ++d) {
        const double rate = p_.need_rate_per_year * std::pow(1.0 + p_.need_rate_growth, y) *
                            p_.need_age_factor()[static_cast<std::size_t>(a)] *
                            (d ? p_.need_rate_difficulty_multiplier : 1.0);
        log_no_need_[(static_cast<std::size_t>(y) * kAgeBands + static_cast<std::size_t>(a)) * 2 +
                     static_cast<std::size_t>(d)] =
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
    if (spec.procedure_draw >=
        0) {  // built-in territory: the share offering procedures is a parameter
      const double share = spec.type == PointType::SocialCentre ? p_.social_centre_procedure_share
                                                                : p_.epn_procedure_share;
      s.spec.services =
          static_cast<std::uint16_t>((spec.services & ~kAdminProcedures) |
                                     (spec.procedure_draw < share ? kAdminProcedures : 0));
    }
    if (p_.master_plan && is_neighbourhood_type(spec.type)) {
      // A point taking on procedure help gives it the plan's staff time (its capacity for it).
      if (!(s.spec.services & kAdminProcedures)) s.plan_fte = p_.master_plan_procedure_fte;
      s.spec.services |= kAdminProcedures | kDailyTools;
    }
    double fte = spec.fte;
    if (p_.pooling)
      fte += p_.pooling_saving * p_.point_fixed_cost_eur / std::max(1.0, p_.fte_cost_eur);
    s.add_posts(fte, -1000);
    if (is_social_type(spec.type)) s.social_fte = p_.social_workers_trained * p_.social_worker_fte;
    s.stations = p_.stations_per_point;
    s.success = g_.session_success(p_, spec.type);
    grant_point(s, false);  // funders.cpp
    points_.push_back(std::move(s));
  }
  for (int u = 0; u < p_.mobile_units; ++u) {
    PointState s;
    s.spec = {"MOBILE-" + std::to_string(u + 1),
              "Mobile unit " + std::to_string(u + 1),
              -1,
              PointType::Mobile,
              default_services(PointType::Mobile),
              p_.mobile_fte,
              0};
    s.add_posts(p_.mobile_fte, -1000);
    s.success = g_.session_success(p_, PointType::Mobile);
    grant_point(s, false);
    points_.push_back(std::move(s));
  }
  set_budget_lines();  // funders.cpp
  rebuild_reach();
  mobile_visit_.assign(nz, -1);
  // Animation by zone: with France Services only, its awareness and partner-knowledge effects
  // reach the communes whose nearest procedure-help point (within the longest trip) is one.
  zone_animation_.assign(nz, g_.animation_reach);
  zone_partner_knowledge_.assign(nz, g_.partner_knowledge);
  if (p_.msap_only) {
    for (std::size_t z = 0; z < nz; ++z) {
      bool fs = false;
      for (const auto& [pt, minutes] : reach_[z]) {
        if (minutes > p_.max_travel_minutes) break;
        const PointState& s = points_[static_cast<std::size_t>(pt)];
        if (s.spec.services & kAdminProcedures) {
          fs = s.spec.type == PointType::FranceServices;
          break;
        }
      }
      if (!fs) {
        zone_animation_[z] = 0;
        zone_partner_knowledge_[z] = g_.partner_knowledge_at(p_, 0.0);
      }
    }
  }
  // First need arrivals.
  const std::size_t n_chunks = (pop_.size() + kChunk - 1) / kChunk;
  calendar_.reset(n_chunks, p_.horizon_weeks);
  pending_bits_.assign(n_chunks * kChunkWords, 0);
  unaware_bits_.assign(n_chunks * kChunkWords, 0);
  for (std::size_t i = 0; i < pop_.size(); ++i) mark_unaware(i);
  tbb::parallel_for(std::size_t{0}, n_chunks, [&](std::size_t c) {
    const std::size_t end = std::min(pop_.size(), (c + 1) * kChunk);
    for (std::size_t i = c * kChunk; i < end; ++i) schedule_next_need(i, 0);
  });
  // Yearly envelope: what the initial network costs (status quo money), growing yearly.
  for (const auto& pt : points_) {
    if (pt.spec.type == PointType::Mobile) continue;
    envelope0_ += point_fixed_cost() + pt.funded_fte() * p_.fte_cost_eur;
  }
  yearly_cycle(0);
  for (std::size_t i = 0; i < pop_.size(); ++i)
    if (skill(i, 0) >= p_.skill_autonomy_threshold && has_home_access(i)) autonomy_start_ += 1;
  autonomy_start_ /= std::max<double>(1.0, static_cast<double>(pop_.size()));
  const int weeks = p_.horizon_weeks + 1;
  series_.assign(weekly_series().size() * static_cast<std::size_t>(weeks), 0.0);
  record_series(0);
}

Simulation::~Simulation() = default;

// One week: the processes in order (docs/model.md, "Process overview and scheduling").
void Simulation::step() {
  Week w;
  w.t = ++week_;
  const int t = w.t;
  if (t > 1 && (t - 1) % 52 == 0) yearly_cycle((t - 1) / 52);  // funding_allocation.cpp
  weekly_points(t);  // points_reach.cpp: capacity, mobile-unit rotation
  if (t % p_.awareness_update_weeks == 0) spread_awareness(t);  // help_seeking.cpp
  residents_act(w);        // help_seeking.cpp (needs.cpp): needs arise, residents seek help
  queue_requests(w);       // mediation_queues.cpp: requests grouped by point
  serve_queues(w);         // mediation_queues.cpp: each point serves its queue
  pool_turned_away(w);     // mediation_queues.cpp: pooled points serve requests turned away
  leave_static_stocks(w);  // skills.cpp: residents whose skill first moved
  give_up_unserved(w);     // mediation_queues.cpp: past the deadline, given up
  close_week(w);           // outcomes.cpp: totals and the time-to-target window
  accrue_spending(t);      // funding_allocation.cpp: running costs by funder
  if (t % 52 == 0 || t == horizon()) spent_year_end_.push_back(spent_eur());
  record_week(w);  // outcomes.cpp: weekly series
#ifdef GOVSIM_CHECK_INVARIANTS
  if (auto v = check_invariants(); !v.empty())
    throw std::logic_error("invariant violated: " + v.front());
#endif
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
    os << "needs arisen (" << c.arisen
       << ") != alone + relatives + mediation + abandoned + pending (" << closed << ")";
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
    if (s.used > s.capacity)
      v.push_back("point " + s.spec.id + " used more sessions than its capacity");
  return v;
}

}  // namespace govsim::inclusion
