#include "models/inclusion/governance.hpp"

#include <algorithm>
#include <cmath>

namespace govsim::inclusion {

Governance Governance::from(const Params& p) {
  Governance g;
  g.funders = Funders::from(p);
  g.partners_joined = p.partners_joined;
  if (p.funding() == FundingStructure::Custodian)
    g.partners_joined += p.custodian_partner_join * (1.0 - p.partners_joined);
  g.doing_with = std::min(
      1.0, p.doing_with_share + (p.objectives_imposed ? p.objectives_doing_with_extra : 0.0));
  g.priority_queue = p.objectives_imposed;
  switch (p.animation()) {
    case AnimationLevel::Epci:
      g.animation_reach = p.animation_reach_epci, g.animation_payer = Funder::Epci;
      break;
    case AnimationLevel::Department:
      g.animation_reach = p.animation_reach_department, g.animation_payer = Funder::Department;
      break;
    case AnimationLevel::Region:
      g.animation_reach = p.animation_reach_region, g.animation_payer = Funder::Region;
      break;
    case AnimationLevel::National:
      g.animation_reach = p.animation_reach_national, g.animation_payer = Funder::BanqueTerritoires;
      break;
  }
  g.animation_reach *= p.animation_intensity;
  g.needs_targeting = p.allocation() != AllocationRule::CompetitiveCalls || p.observation;
  g.first_allocation_year =
      1 + (p.allocation() == AllocationRule::ConsultationThenCall ? p.consultation_delay_years : 0);
  g.partner_knowledge = g.partner_knowledge_at(p, g.animation_reach);
  g.rollout_start_year = p.political_sponsorship ? 0 : p.rollout_delay_years;
  g.rollout_speed = std::min(
      1.0, p.rollout_speed * (p.political_sponsorship ? p.sponsorship_rollout_factor : 1.0));
  return g;
}

double Governance::partner_knowledge_at(const Params& p, double reach) const {
  const double joined = partners_joined;
  const double outside =
      std::min(1.0, p.partner_knowledge_base + p.animation_partner_knowledge * reach);
  return joined * p.partner_joined_knowledge + (1 - joined) * outside;
}

double Governance::session_success(const Params& p, PointType type) const {
  const double reach = (p.msap_only && type != PointType::FranceServices) ? 0.0 : animation_reach;
  return std::min(1.0, p.mediator_skill + p.animation_skill_gain * reach);
}

FunderAmounts Governance::mechanism_costs(const Params& p, double adults, int social_points,
                                          int open_points, int epcis, int year) const {
  FunderAmounts c{};
  auto at = [&](Funder f) -> double& { return c[static_cast<std::size_t>(f)]; };
  at(animation_payer) += p.animation_intensity * adults / 100000.0 * p.animator_cost_eur;
  if (p.funding() == FundingStructure::SingleAuthority)
    at(Funder::Department) += p.coordination_cost_eur;
  if (p.observation) {
    at(Funder::Region) += p.observation_region_share * p.observation_cost_eur;
    at(Funder::BanqueTerritoires) += (1.0 - p.observation_region_share) * p.observation_cost_eur;
  }
  at(Funder::Department) += p.social_workers_trained * social_points * p.training_cost_eur;
  if (p.master_plan) at(Funder::Commune) += p.master_plan_cost_eur;
  if (p.pooling) at(Funder::Epci) += p.pooling_cost_eur * epcis;
  at(Funder::Department) += p.mobile_units * p.mobile_cost_eur;
  at(Funder::Epci) += static_cast<double>(p.stations_per_point) * open_points * p.station_cost_eur;
  at(Funder::Caf) +=
      partners_joined * p.partner_offices_per_10000 * adults / 10000.0 * p.partner_join_cost_eur;
  if (p.political_sponsorship) at(Funder::Department) += p.sponsorship_cost_eur;
  if (p.allocation() == AllocationRule::NeedsDiagnosis)
    at(Funder::Department) += p.diagnosis_cost_eur;
  if (p.allocation() == AllocationRule::ConsultationThenCall && year == 0)
    at(Funder::Epci) += p.consultation_cost_eur;
  if (p.demonstrator && year == 0) at(Funder::Commune) += p.demonstrator_cost_eur;
  return c;
}

}  // namespace govsim::inclusion
