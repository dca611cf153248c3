// Funders as actors (brief §2; docs/mechanisms.md, "Funders"): State, region, department, EPCI,
// communes, CAF and Banque des Territoires, each with
//   - objectives: the point types it co-funds and the share of their running cost it commits to
//     (funders.<type>_<funder>);
//   - a yearly budget line: what its objectives commit it to in the initial network, growing
//     with the envelope (computed by the run from the territory's points);
//   - a grant policy: grant length, renewal chance, reporting demand, delay before its new money
//     reaches a point (funders.<funder>.*).
// The funding structure changes who grants what: fragmented, each funder grants each point it
// funds on its own policy; single contracting authority, funders delegate a share of their line
// (funders.<funder>.delegates_to_authority) to one authority that grants each point once on a
// multi-year agreement; custodian, funders pool at a neutral custodian, also what they would
// keep out of an authority's programme (governance.custodian_extra_pooling). A point's reporting
// load, its mediators' turnover, its renewal risk and the delay of its new posts follow from the
// grants it holds; spend by funder follows from who holds the grants (or contributed to the pool).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

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

// A funder's objectives for a point type: the share of its running cost each funder commits to
// (funders.<type>_<funder>), rescaled to sum to 1 if they do not (a sweep moving one share).
FunderAmounts funding_shares(const Params& p, PointType type);

struct GrantPolicy {
  int years = 1;                // length of a grant
  double renewal = 1;           // chance it is renewed when it falls due
  double reporting_share = 0;   // share of the point's mediator time its reporting takes
  int payment_delay_weeks = 0;  // weeks before new money reaches the point
};

// The holder of a grant: a funder (0..kFunders-1) or the pooled structure (single authority or
// custodian), which spends its contributors' money.
inline constexpr int kPoolHolder = kFunders;

struct Grant {
  int holder = 0;     // a Funder index, or kPoolHolder
  double amount = 0;  // EUR/year committed to the point (who pays what share of its cost)
  int age = 0;        // years into the current grant
  bool active = true;
};

// The funders of a run, derived once from the parameters (frozen with the governance).
struct Funders {
  std::array<std::array<double, kPointTypes>, kFunders> objective{};  // [funder][type] shares
  double department_remote_weight = 1;  // the department's objective for remote areas
  std::array<GrantPolicy, kFunders> policy{};
  GrantPolicy pool_policy;        // the single authority's or custodian's agreements
  FunderAmounts pooled_share{};   // share of each funder's line handed to the pooled structure
  bool pooled_structure = false;  // single authority or custodian
  double fee = 0;                 // custodian's fee on the money it holds

  static Funders from(const Params& p);
  // Each funder's share of the cost of a point of this type, in a remote (rural) zone or not
  // (sums to 1, or 0 if nobody's objectives cover the type).
  FunderAmounts shares_at(PointType type, bool remote) const;
  const GrantPolicy& policy_of(int holder) const {
    return holder == kPoolHolder ? pool_policy : policy[static_cast<std::size_t>(holder)];
  }
  // The grants a point of this type holds when it enters the network with a yearly cost `cost`:
  // one per funder whose objectives cover the type (what it keeps), plus one from the pooled
  // structure for what the funders hand to it. opened_by_pool: a point opened by the authority
  // or custodian's own allocation (the pool funds it alone).
  std::vector<Grant> grants_for(PointType type, bool remote, double cost,
                                bool opened_by_pool) const;
};

// What a point's grants make of it (recomputed whenever its grants change).
struct GrantTerms {
  double reporting_share = 0;   // share of mediator time lost to reporting (capped)
  double turnover = 0;          // yearly leaving chance of its mediators
  int payment_delay_weeks = 0;  // slowest payer of a new post it is granted
};
GrantTerms grant_terms(const Params& p, const Funders& f, const std::vector<Grant>& grants);

// Split of a point's cost between its grant holders: own[f] the share funder f pays through its
// own grant, pooled the share the pooled structure pays (sum own + pooled = 1, or 0 with no
// active grant: nobody pays).
struct CostSplit {
  FunderAmounts own{};
  double pooled = 0;
  double own_total = 0;
};
CostSplit cost_split(const std::vector<Grant>& grants);

}  // namespace govsim::inclusion
