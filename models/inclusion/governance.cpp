#include "models/inclusion/governance.hpp"

#include <algorithm>

namespace govsim::inclusion {

const std::array<const char*, kFunders> kFunderNames = {
    "state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"};

const FunderAmounts& funding_shares(PointType type) {
  //                                        state region dept  epci  commune caf   bdt
  static const FunderAmounts kFs = {0.32, 0.00, 0.08, 0.40, 0.20, 0.00, 0.00};
  static const FunderAmounts kEpn = {0.20, 0.10, 0.10, 0.10, 0.50, 0.00, 0.00};
  static const FunderAmounts kBib = {0.00, 0.00, 0.10, 0.10, 0.80, 0.00, 0.00};
  static const FunderAmounts kCs = {0.00, 0.00, 0.20, 0.00, 0.30, 0.50, 0.00};
  static const FunderAmounts kCcas = {0.00, 0.00, 0.00, 0.00, 1.00, 0.00, 0.00};
  static const FunderAmounts kTiers = {0.10, 0.40, 0.00, 0.20, 0.30, 0.00, 0.00};
  static const FunderAmounts kMobile = {0.20, 0.00, 0.60, 0.20, 0.00, 0.00, 0.00};
  switch (type) {
    case PointType::FranceServices: return kFs;
    case PointType::Epn: return kEpn;
    case PointType::Library: return kBib;
    case PointType::SocialCentre: return kCs;
    case PointType::Ccas: return kCcas;
    case PointType::ThirdPlace: return kTiers;
    case PointType::Mobile: return kMobile;
  }
  return kEpn;
}

Governance Governance::from(const Params& p) {
  Governance g;
  switch (p.funding()) {
    case FundingStructure::Fragmented:
      g.grants_per_point = p.grants_fragmented;
      g.grant_years = 1;
      g.renewal = p.grant_renewal_fragmented;
      g.turnover = p.turnover_base + p.turnover_short_term;
      break;
    case FundingStructure::SingleAuthority:
    case FundingStructure::Custodian:
      g.grants_per_point = 1;
      g.grant_years = 3;
      g.renewal = p.grant_renewal_pooled;
      g.turnover = p.turnover_base;
      break;
  }
  g.reporting_share = std::min(0.9, p.reporting_share_per_grant * g.grants_per_point +
                                        (p.objectives_imposed ? 0.02 : 0.0));
  g.doing_with = std::min(1.0, p.doing_with_share + (p.objectives_imposed ? 0.25 : 0.0));
  g.priority_queue = p.objectives_imposed;
  switch (p.animation()) {
    case AnimationLevel::Epci: g.animation_reach = 1.0, g.animation_payer = Funder::Epci; break;
    case AnimationLevel::Department: g.animation_reach = 0.9, g.animation_payer = Funder::Department; break;
    case AnimationLevel::Region: g.animation_reach = 0.8, g.animation_payer = Funder::Region; break;
    case AnimationLevel::National: g.animation_reach = 0.6, g.animation_payer = Funder::BanqueTerritoires; break;
  }
  g.animation_reach *= p.animation_intensity;
  g.needs_targeting = p.allocation() != AllocationRule::CompetitiveCalls || p.observation;
  g.first_allocation_year = p.allocation() == AllocationRule::ConsultationThenCall ? 2 : 1;
  const double joined = p.partners_joined;
  const double outside = std::min(1.0, p.partner_knowledge_base + 0.5 * g.animation_reach);
  g.partner_knowledge = joined * p.partner_joined_knowledge + (1 - joined) * outside;
  g.rollout_start_year = p.political_sponsorship ? 0 : p.rollout_delay_years;
  g.rollout_speed = std::min(1.0, p.rollout_speed * (p.political_sponsorship ? 1.5 : 1.0));
  return g;
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
  if (p.funding() == FundingStructure::SingleAuthority) at(Funder::Department) += p.coordination_cost_eur;
  if (p.observation) {
    at(Funder::Region) += 0.5 * p.observation_cost_eur;
    at(Funder::BanqueTerritoires) += 0.5 * p.observation_cost_eur;
  }
  at(Funder::Department) += p.social_workers_trained * social_points * p.training_cost_eur;
  if (p.master_plan) at(Funder::Commune) += p.master_plan_cost_eur;
  if (p.pooling) at(Funder::Epci) += p.pooling_cost_eur * epcis;
  at(Funder::Department) += p.mobile_units * p.mobile_cost_eur;
  at(Funder::Epci) += static_cast<double>(p.stations_per_point) * open_points * p.station_cost_eur;
  // One partner office per 10,000 adults for each of the 5 partner networks.
  at(Funder::Caf) += p.partners_joined * 5.0 * adults / 10000.0 * p.partner_join_cost_eur;
  if (p.political_sponsorship) at(Funder::Department) += p.sponsorship_cost_eur;
  if (p.allocation() == AllocationRule::NeedsDiagnosis) at(Funder::Department) += p.diagnosis_cost_eur;
  if (p.allocation() == AllocationRule::ConsultationThenCall && year == 0) at(Funder::Epci) += p.consultation_cost_eur;
  if (p.demonstrator && year == 0) at(Funder::Commune) += p.demonstrator_cost_eur;
  return c;
}

}  // namespace govsim::inclusion
