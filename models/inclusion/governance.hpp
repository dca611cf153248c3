// Governance mechanisms (brief §5): how a scenario's parameters translate into the rules the
// processes follow. A mechanism never writes an outcome: it changes grant structure, reporting
// load, turnover, allocation targets, awareness hazards, partner knowledge, services offered,
// capacity or broadband rollout, and it has a cost charged to the funder who pays it.
// docs/mechanisms.md gives each causal path.
#pragma once

#include <array>
#include <string>

#include "models/inclusion/access_points.hpp"
#include "models/inclusion/funders.hpp"
#include "models/inclusion/params.hpp"

namespace govsim::inclusion {

// Rules derived once from the parameters (frozen for a run).
struct Governance {
  // funding structure: the funders as actors and their grant policies (funders.hpp)
  Funders funders;
  // custodian: partner offices in the network (referral.partners_joined, plus those the
  // consortium draws in: governance.custodian_partner_join)
  double partners_joined = 0;
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
