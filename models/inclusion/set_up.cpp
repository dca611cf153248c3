// A run's set-up: the steps the Simulation constructor calls in order (simulation.cpp), from the
// residents and the per-zone tables to the first needs and the series' week 0. The initial
// network is placed in points_reach.cpp (place_initial_points).
#include <tbb/parallel_for.h>

#include <algorithm>
#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <numeric>

#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

void Simulation::draw_population() {
  pop_model_ = fit_population_model(t_, p_);
  pop_ = generate_population(t_, p_, seed_, replicate_);
}

void Simulation::set_up_zones() {
  const std::size_t nz = t_.zones.size();
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
  zone_offer_cut_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z)
    zone_offer_cut_[z] = static_cast<std::uint16_t>(std::ceil(zone_share_[z] * 256.0));
  zone_density_.resize(nz);
  for (std::size_t z = 0; z < nz; ++z)
    zone_density_[z] = static_cast<std::uint8_t>(t_.zones[z].density);
  mobile_visit_.assign(nz, -1);
}

void Simulation::set_up_tables() {
  decay_per_week_ = std::log(2.0) / p_.skill_half_life_weeks;
  decay_.resize(static_cast<std::size_t>(p_.horizon_weeks) + 1);
  for (std::size_t d = 0; d < decay_.size(); ++d)
    decay_[d] = std::exp(-decay_per_week_ * static_cast<int>(d));
  // Need-kind weights (needs.cpp: arrive), as arrive() computed them for each resident.
  for (int d = 0; d < 2; ++d)
    for (int old = 0; old < 2; ++old) {
      std::array<double, kNeedKinds> w = p_.need_shares();
      if (d) w[1] *= p_.need_benefits_difficulty_factor;
      if (old) w[3] = 0;
      need_weights_[static_cast<std::size_t>(d * 2 + old)] = {
          w, std::accumulate(w.begin(), w.end(), 0.0)};
    }
  // Need-rate factors by quantile bin: gamma(shape, 1 / shape) at the bins' midpoints, scaled to
  // a mean of exactly 1 (needs.rate_shape).
  {
    const boost::math::gamma_distribution<double> g(p_.need_rate_shape, 1.0 / p_.need_rate_shape);
    double sum = 0;
    for (std::size_t b = 0; b < need_factor_.size(); ++b)
      sum += need_factor_[b] = boost::math::quantile(g, (static_cast<double>(b) + 0.5) / 256.0);
    for (double& f : need_factor_) f *= static_cast<double>(need_factor_.size()) / sum;
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
}

void Simulation::count_residents() {
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    zone_agents_[pop_.zone[i]] += 1;
    if (pop_.base_skill[i] < p_.skill_basic_threshold) zone_need_estimate_[pop_.zone[i]] += 1;
  }
  recount_aware();                       // awareness.cpp
  orientation_.assign(pop_.size(), {});  // no one re-oriented yet (reorientation.cpp)
}

// Animation by zone: with France Services only, its awareness and partner-knowledge effects
// reach the communes whose nearest procedure-help point (within the longest trip) is one.
void Simulation::set_up_animation() {
  const std::size_t nz = t_.zones.size();
  zone_animation_.assign(nz, g_.animation_reach);
  zone_partner_knowledge_.assign(nz, g_.partner_knowledge);
  if (!p_.msap_only) return;
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

void Simulation::schedule_first_needs() {
  const std::size_t n_chunks = (pop_.size() + kChunk - 1) / kChunk;
  calendar_.reset(n_chunks, p_.horizon_weeks);
  pending_bits_.assign(n_chunks * kChunkWords, 0);
  unaware_bits_.assign(n_chunks * kChunkWords, 0);
  for (std::size_t i = 0; i < pop_.size(); ++i) mark_unaware(i);
  tbb::parallel_for(std::size_t{0}, n_chunks, [&](std::size_t c) {
    const std::size_t end = std::min(pop_.size(), (c + 1) * kChunk);
    for (std::size_t i = c * kChunk; i < end; ++i) schedule_next_need(i, 0);
  });
}

// Yearly envelope: what the initial network costs (status quo money), growing yearly.
double Simulation::initial_envelope() const {
  double envelope = 0;
  for (const auto& pt : points_) {
    if (pt.spec.type == PointType::Mobile) continue;
    envelope += point_yearly_cost(pt);
  }
  return envelope;
}

// Outcomes' starting points: the autonomous share of adults at the start and week 0's series.
void Simulation::start_outcomes() {
  for (std::size_t i = 0; i < pop_.size(); ++i)
    if (skill(i, 0) >= p_.skill_autonomy_threshold && has_home_access(i)) autonomy_start_ += 1;
  autonomy_start_ /= std::max<double>(1.0, static_cast<double>(pop_.size()));
  const int weeks = p_.horizon_weeks + 1;
  series_.assign(weekly_series().size() * static_cast<std::size_t>(weeks), 0.0);
  record_series(0);
}

}  // namespace govsim::inclusion
