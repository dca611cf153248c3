// Typed view of the inclusion model's parameters, generated from parameters.def.
#pragma once

#include <array>

#include "engine/parameters.hpp"

namespace govsim::inclusion {

enum class FundingStructure { Fragmented, SingleAuthority, Custodian };
enum class OwnerLevel { Commune, Epci, Department, Region };
enum class AllocationRule { CompetitiveCalls, NeedsDiagnosis, ConsultationThenCall };
enum class AnimationLevel { Epci, Department, Region, National };

struct Params {
#define GOVSIM_REAL(id, name, def, unit, lo, hi, src, doc) double id = def;
#define GOVSIM_INT(id, name, def, unit, lo, hi, src, doc) int id = def;
#define GOVSIM_BOOL(id, name, def, src, doc) bool id = def;
#define GOVSIM_CHOICE(id, name, def, choices, src, doc) int id = 0;
#include "models/inclusion/parameters.def"
#undef GOVSIM_REAL
#undef GOVSIM_INT
#undef GOVSIM_BOOL
#undef GOVSIM_CHOICE

  // Set by from(): a scenario set one of population.illectronisme_<age band> explicitly (then the
  // configured age targets are used even on a territory declaring published regional figures).
  bool age_targets_configured = false;

  FundingStructure funding() const {
    return static_cast<FundingStructure>(funding_structure);
  }
  OwnerLevel owner() const {
    return static_cast<OwnerLevel>(owner_level);
  }
  AllocationRule allocation() const {
    return static_cast<AllocationRule>(allocation_rule);
  }
  AnimationLevel animation() const {
    return static_cast<AnimationLevel>(animation_level);
  }

  // Per-age-band views of the parameters declared band by band.
  std::array<double, 5> skill_shape() const {
    return {skill_shape_15_29, skill_shape_30_44, skill_shape_45_59, skill_shape_60_74,
            skill_shape_75_plus};
  }
  std::array<double, 5> lives_alone() const {
    return {lives_alone_15_29, lives_alone_30_44, lives_alone_45_59, lives_alone_60_74,
            lives_alone_75_plus};
  }
  std::array<double, 5> limited_mobility() const {
    return {limited_mobility_15_29, limited_mobility_30_44, limited_mobility_45_59,
            limited_mobility_60_74, limited_mobility_75_plus};
  }
  // By density class (Density order: urban, peri-urban, rural).
  std::array<double, 3> car_share() const {
    return {car_share_urban, car_share_periurban, car_share_rural};
  }
  std::array<double, 5> mortality() const {
    return {mortality_15_29, mortality_30_44, mortality_45_59, mortality_60_74, mortality_75_plus};
  }
  std::array<double, 5> need_age_factor() const {
    return {need_age_factor_15_29, need_age_factor_30_44, need_age_factor_45_59,
            need_age_factor_60_74, need_age_factor_75_plus};
  }
  // Need kinds in NeedKind order: tax, benefits, health, employment, identity.
  std::array<double, 5> need_shares() const {
    return {need_share_tax, need_share_benefits, need_share_health, need_share_employment,
            need_share_identity};
  }

  // Network levers by point type, indexed by PointType (Epn, Library, FranceServices,
  // SocialCentre, Ccas, ThirdPlace; mobile units have their own mobile.* parameters).
  // Indexed by PointType (all types but Mobile, whose staffing is mobile.fte).
  std::array<double, 7> network_fte() const {
    return {network_fte_epn,
            network_fte_library,
            network_fte_france_services,
            network_fte_social_centre,
            network_fte_ccas,
            network_fte_third_place,
            network_fte_conseiller_numerique};
  }
  std::array<double, 7> network_hours() const {
    return {network_hours_epn,
            network_hours_library,
            network_hours_france_services,
            network_hours_social_centre,
            network_hours_ccas,
            network_hours_third_place,
            network_hours_conseiller_numerique};
  }
  std::array<int, 7> network_sites() const {
    return {network_sites_epn,
            network_sites_library,
            network_sites_france_services,
            network_sites_social_centre,
            network_sites_ccas,
            network_sites_third_place,
            network_sites_conseiller_numerique};
  }

  // Typed copy of a full value set of registry().
  static Params from(const ParamValues& values);
};

// The registry of every inclusion-model parameter (built once from parameters.def).
const ParamRegistry& registry();
// What is wrong in the join of uncertainty.def to parameters.def (empty when every assumption has
// exactly one valid entry and every entry names an assumption); asserted empty by a test.
const std::vector<std::string>& registry_uncertainty_problems();

}  // namespace govsim::inclusion
