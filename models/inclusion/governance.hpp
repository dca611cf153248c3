// Governance mechanisms (brief §5): how a scenario's parameters translate into the rules the
// processes follow. A mechanism never writes an outcome: it changes grant structure, reporting
// load, turnover, allocation targets, awareness hazards, partner knowledge, services offered,
// capacity or broadband rollout, and it has a cost charged to the funder who pays it.
// docs/mechanisms.md gives each causal path.
#pragma once

#include <array>
#include <string>

#include "models/inclusion/access_points.hpp"
#include "models/inclusion/params.hpp"

namespace govsim::inclusion {

enum class Funder : std::uint8_t {
  State,
  Region,
  Department,
  Epci,
  Commune,
  Caf,
  BanqueTerritoires
};
inline constexpr int kFunders = 7;
extern const std::array<const char*, kFunders> kFunderNames;
using FunderAmounts = std::array<double, kFunders>;

// Who pays a point's running cost, by point type (assumption after the funding lines of
// France Services, conseillers numériques, CAF social-centre agreements; docs/mechanisms.md).
FunderAmounts funding_shares(const Params& p,
                             PointType type);  // who pays a point type's running cost (funders.*)

// Rules derived once from the parameters (frozen for a run).
struct Governance {
  // funding structure
  int grants_per_point = 1;    // grants each point manages (reporting load)
  int grant_years = 1;         // length of a grant
  double renewal = 1;          // chance a grant is renewed when due
  double turnover = 0;         // yearly leaving chance of a mediator
  double reporting_share = 0;  // share of mediator time lost to reporting
  // practice
  double doing_with = 0;        // share of teaching sessions
  bool priority_queue = false;  // objectives: priority publics served first
  // animation
  double animation_reach = 0;  // effect multiplier on reached points (level-dependent)
  // allocation
  bool needs_targeting = false;  // new money follows (estimated or observed) unmet needs
  int first_allocation_year = 1;
  double partner_knowledge = 0;  // chance that a partner knows where to refer
  // broadband
  int rollout_start_year = 0;
  double rollout_speed = 0;
  Funder animation_payer = Funder::Epci;

  static Governance from(const Params& p);
  // Chance that a partner knows where to refer, for a given animation reach.
  double partner_knowledge_at(const Params& p, double reach) const;
  double session_success(const Params& p, PointType type) const;
  // Yearly cost of the mechanisms that are not part of a point's running cost, by funder.
  // adults: full-scale adult population; social_points: number of social centres and CCAS;
  // open_points: fixed open points (for stations); epcis: EPCI count; year: 0-based.
  FunderAmounts mechanism_costs(const Params& p, double adults, int social_points, int open_points,
                                int epcis, int year) const;
};

}  // namespace govsim::inclusion
