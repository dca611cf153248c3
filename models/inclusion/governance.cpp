#include "models/inclusion/governance.hpp"

#include <algorithm>
#include <cmath>

namespace govsim::inclusion {

const std::array<const char*, kFunders> kFunderNames = {
    "state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"};

namespace {
FunderAmounts declared_shares(const Params& p, PointType type) {
  switch (type) {
    case PointType::FranceServices:
      return {p.share_fs_state,
              p.share_fs_region,
              p.share_fs_department,
              p.share_fs_epci,
              p.share_fs_commune,
              p.share_fs_caf,
              p.share_fs_banque_des_territoires};
    case PointType::Epn:
      return {p.share_epn_state,
              p.share_epn_region,
              p.share_epn_department,
              p.share_epn_epci,
              p.share_epn_commune,
              p.share_epn_caf,
              p.share_epn_banque_des_territoires};
    case PointType::Library:
      return {p.share_library_state,
              p.share_library_region,
              p.share_library_department,
              p.share_library_epci,
              p.share_library_commune,
              p.share_library_caf,
              p.share_library_banque_des_territoires};
    case PointType::SocialCentre:
      return {p.share_social_centre_state,
              p.share_social_centre_region,
              p.share_social_centre_department,
              p.share_social_centre_epci,
              p.share_social_centre_commune,
              p.share_social_centre_caf,
              p.share_social_centre_banque_des_territoires};
    case PointType::Ccas:
      return {p.share_ccas_state,
              p.share_ccas_region,
              p.share_ccas_department,
              p.share_ccas_epci,
              p.share_ccas_commune,
              p.share_ccas_caf,
              p.share_ccas_banque_des_territoires};
    case PointType::ThirdPlace:
      return {p.share_third_place_state,
              p.share_third_place_region,
              p.share_third_place_department,
              p.share_third_place_epci,
              p.share_third_place_commune,
              p.share_third_place_caf,
              p.share_third_place_banque_des_territoires};
    case PointType::Mobile:
      return {p.share_mobile_state,
              p.share_mobile_region,
              p.share_mobile_department,
              p.share_mobile_epci,
              p.share_mobile_commune,
              p.share_mobile_caf,
              p.share_mobile_banque_des_territoires};
  }
  return {};
}
}  // namespace

// A type's shares as declared (funders.*); rescaled to sum to 1 if they do not (a sweep moving
// one share), so that every euro spent is paid by someone.
FunderAmounts funding_shares(const Params& p, PointType type) {
  FunderAmounts s = declared_shares(p, type);
  double total = 0;
  for (double v : s) total += v;
  if (total > 0 && std::abs(total - 1.0) > 1e-9)
    for (double& v : s) v /= total;
  return s;
}

Governance Governance::from(const Params& p) {
  Governance g;
  switch (p.funding()) {
    case FundingStructure::Fragmented:
      g.grants_per_point = p.grants_fragmented;
      g.grant_years = p.grant_years_fragmented;
      g.renewal = p.grant_renewal_fragmented;
      g.turnover = p.turnover_base + p.turnover_short_term;
      break;
    case FundingStructure::SingleAuthority:
    case FundingStructure::Custodian:
      g.grants_per_point = 1;
      g.grant_years = p.grant_years_pooled;
      g.renewal = p.grant_renewal_pooled;
      g.turnover = p.turnover_base;
      break;
  }
  g.reporting_share = std::min(p.reporting_share_max,
                               p.reporting_share_per_grant * g.grants_per_point +
                                   (p.objectives_imposed ? p.objectives_reporting_extra : 0.0));
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
  const double joined = p.partners_joined;
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
      p.partners_joined * p.partner_offices_per_10000 * adults / 10000.0 * p.partner_join_cost_eur;
  if (p.political_sponsorship) at(Funder::Department) += p.sponsorship_cost_eur;
  if (p.allocation() == AllocationRule::NeedsDiagnosis)
    at(Funder::Department) += p.diagnosis_cost_eur;
  if (p.allocation() == AllocationRule::ConsultationThenCall && year == 0)
    at(Funder::Epci) += p.consultation_cost_eur;
  if (p.demonstrator && year == 0) at(Funder::Commune) += p.demonstrator_cost_eur;
  return c;
}

}  // namespace govsim::inclusion
