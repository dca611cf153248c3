// The state one simulation run shares between its weekly processes (docs/model.md, "File
// map"): the frozen model it reads, the residents and access points it changes, and the
// accumulators the outcomes are computed from. Each process lives in its own file and
// reads/writes these fields (RunState groups them by writer); `Simulation::step()` and
// `yearly_step()` call the processes in order. PointState is in point_state.hpp.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "models/inclusion/calendar.hpp"
#include "models/inclusion/governance.hpp"
#include "models/inclusion/metrics.hpp"
#include "models/inclusion/params.hpp"
#include "models/inclusion/point_state.hpp"
#include "models/inclusion/population.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

// An absent value (a rate with no denominator yet): NaN, left out of means and shown as n/a.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Random streams (one per use of randomness; see engine/rng.hpp).
enum Stream : std::uint32_t {
  kStreamNeed = 1,
  kStreamAttempt = 2,
  kStreamSession = 3,
  kStreamQueue = 4,
  kStreamYear = 5,
  kStreamPost = 6,
  kStreamMode = 7,  // car availability (one draw per resident index, fixed over the run)
  kStreamAware = 8,
  kStreamConsortium = 9,  // custodian: which places join the consortium (one draw per point)
  kStreamLearning = 10,   // starting to use the internet (one draw per resident and year)
  kStreamForget = 11,    // losing track of the help on offer (one draw per aware resident and year)
  kStreamWorkshop = 12,  // asking to join a workshop course (one draw per resident and year)
};

constexpr std::size_t kChunk = 16384;  // residents per parallel work unit (not a result input)
static_assert(kChunk < NeedCalendar::kNil, "calendar links are 16-bit local indices");
constexpr std::size_t kChunkWords = kChunk / 64;  // bitmap words per chunk
static_assert(kChunk % 64 == 0);
constexpr std::uint16_t kNever = 65535;  // week value meaning "not within the run"

inline double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// u < logistic(x), decided from a single-precision estimate unless u lies within 1e-6 of it
// (the estimate is within ~1e-7 of the double value, so the answer is the same as the exact
// comparison's by construction; the exact form is evaluated in the rare close cases).
inline bool below_logistic(double u, double x) {
  const double p = 1.0 / (1.0 + static_cast<double>(std::exp(static_cast<float>(-x))));
  if (u < p - 1e-6) return true;
  if (u > p + 1e-6) return false;
  return u < logistic(x);
}

// u < -expm1(-x) = 1 - exp(-x) (the chance of an event at cumulative hazard x), decided from a
// single-precision estimate unless u lies within 1e-6 of it: float(x) is within 2^-24 x of x,
// which moves 1 - exp(-x) by at most 2^-24 x exp(-x) <= 2.2e-8, and expf is within 1 ulp
// (<= 6e-8 near 1), so the estimate is within ~1e-7 of the double value and the answer is the
// exact comparison's by construction (the exact form decides the rare close cases and any x
// outside [0, 80]).
inline bool below_one_minus_exp(double u, double x) {
  if (x >= 0 && x <= 80) {
    const double p = 1.0 - static_cast<double>(std::exp(static_cast<float>(-x)));
    if (u < p - 1e-6) return true;
    if (u > p + 1e-6) return false;
  }
  return u < -std::expm1(-x);
}

// floor(log1p(-u) / log_q) for u in [0, 1), log_q < 0 (the geometric waiting time), from a
// single-precision logarithm unless the quotient lies within its error bound of an integer, in
// which case the double-precision form is evaluated: the same value by construction.
inline double geometric_floor(double u, double log_q) {
  const double v = 1.0 - u;  // exact for u a multiple of 2^-53
  if (v >= 0x1p-100) {
    const double l = static_cast<double>(std::log(static_cast<float>(v)));
    const double x = l / log_q;
    // |l - log(v)| <= 2^-23 |l| (logf, 1 ulp) + 2^-24 (rounding v to float) + slack.
    const double err = (1.2e-7 * std::fabs(l) + 1e-7) / -log_q;
    const double f = std::floor(x);
    if (x - err > f && x + err < f + 1.0) return f;
  }
  return std::floor(std::log1p(-u) / log_q);
}

// The sessions a point newly offers this week that requests can use (a session held over from
// last week was counted then): at points helping with procedures or jobs (the needs the model
// has); mediators elsewhere help with other things (the denominator of capacity_used_share).
inline int counted_capacity(const PointState& s) {
  return (s.spec.services & (kAdminProcedures | kJobs)) ? s.capacity - s.held : 0;
}

// The services a point must offer to help with a need of this kind.
inline std::uint16_t required_services(int kind) {
  return kind == static_cast<int>(NeedKind::Employment) ? (kAdminProcedures | kJobs)
                                                        : kAdminProcedures;
}

// A frozen model: territory + parameters + derived governance. Shared read-only by runs.
struct ModelSpec {
  std::shared_ptr<const Territory> territory;
  Params params;
  Governance governance;
};

// Where a resident's next visit goes after a point turned it away (reorientation.cpp): `point`
// (-1: none) from `week` on, with a booked slot (an appointment) or not (a referral).
struct Orientation {
  std::int32_t point = -1;
  std::uint16_t week = 0;
  bool booked = false;
};
// Weeks ahead a point keeps its agenda (appointments are booked at most this many weeks - 1 on).
constexpr int kBookingWeeks = 16;

// A request for a mediation session at a point (this week).
struct Request {
  std::uint64_t key;
  std::uint32_t resident;
  std::int32_t point;
};

// What a chunk of residents produced this week (merged in chunk order).
struct Chunk {
  Counters c;
  std::vector<Request> requests;
  std::vector<std::uint32_t> became_aware;  // zones
  std::vector<std::uint32_t> abandoned_zone;
};

// This week's scratch, passed from process to process within one step().
struct Week {
  int t = 0;
  std::vector<Chunk> chunks;
  Counters c;  // this week's events
  std::vector<std::vector<std::uint32_t>>
      point_dynamic;  // by point: residents whose skill first moved
};

// Cumulative activity accounting (full population): sessions at fixed points (procedure help and
// workshops), France Services requests, sessions at points helping with procedures, open fixed
// point-weeks and France Services site-weeks, spending on points helping with procedures, total
// spending (all funders, every cost), needs resolved through mediation.
struct ActivityTotals {
  double fixed_sessions = 0, fs_requests = 0, med_sessions = 0, workshops = 0;
  double fs_counter = 0;  // of the France Services requests, counter visits (go_offline)
  double point_weeks = 0, fs_site_weeks = 0;
  double mediation_points_spent = 0, total_spent = 0, mediation_needs = 0;
  // Rates over the activity between `since` and this: sessions per open fixed point per year,
  // France Services requests per site per year, cost per mediation session, cost per need
  // resolved through mediation: total spending / those needs (the end metrics' definitions,
  // docs/metrics.md).
  std::array<double, 4> rates_since(const ActivityTotals& since) const;
};

// New money placed by the allocation rule at the start of a year (inspection: tests; the rule is
// in funding_allocation.cpp, docs/mechanisms.md "Owner level").
struct Placement {
  int year = 0;
  int pot = 0;         // the owner's perimeter the money came from (commune, EPCI or 0)
  int need_zone = -1;  // zone whose need drew it (-1: a competitive call)
  int point = -1;      // point funded (or opened)
  int units = 1;       // allocation units used (governance.allocation_unit_fte each)
  bool opened = false;
};

// The fields are grouped by the process that writes them; each group says who writes and who
// reads it ("set-up" is set_up.cpp, called in order by the Simulation constructor).
struct RunState {
  RunState(std::shared_ptr<const ModelSpec> model, std::uint64_t seed, std::uint32_t replicate)
      : model_(std::move(model)),
        p_(model_->params),
        t_(*model_->territory),
        g_(model_->governance),
        seed_(seed),
        replicate_(replicate) {}

  // ---- The run: written by the constructor (week_: step()); read by every process.
  std::shared_ptr<const ModelSpec> model_;
  const Params& p_;
  const Territory& t_;
  const Governance& g_;
  std::uint64_t seed_;
  std::uint32_t replicate_;
  int week_ = 0;
  // Equal-budget comparison (experiment.budget, docs/mechanisms.md): the cumulative spending to
  // reach by the end of each year (empty: the budget as configured).
  std::vector<double> budget_path_;

  // ---- Fixed tables: written by set-up; read by needs.cpp, skills.cpp, help_seeking.cpp,
  // demography.cpp (pop_model_) and funding_allocation.cpp (zone_need_estimate_).
  PopulationModel pop_model_;  // the fitted initial-population model (entrants are drawn from it)
  std::vector<std::uint8_t> zone_density_;  // Density of each zone (a byte, cache-friendly)
  // Need-kind weights and their sum by [social difficulty][past the employment age band]: the
  // values arrive() would compute for each resident, computed once (needs.cpp).
  struct NeedWeights {
    std::array<double, kNeedKinds> w;
    double total;
  };
  std::array<NeedWeights, 4> need_weights_{};
  std::vector<double> log_no_need_;  // [year][age][difficulty]: log(1 - weekly arrival chance)
  std::array<double, 256> need_factor_{};  // by need_level: the adult's need-rate factor (mean 1)
  double decay_per_week_ = 0;              // ln 2 / skill half-life
  // decay_[d] = exp(-decay_per_week_ * d) for d = 0..horizon: the same value skill() would
  // compute, looked up (bit-identical).
  std::vector<double> decay_;
  std::vector<double> zone_need_estimate_;  // static diagnosis (adults lacking skills)
  // Animation reach by zone (France Services only: none where the nearest procedure-help point is
  // not a France Services) and partners' chance to know where to refer there.
  std::vector<double> zone_animation_;
  std::vector<double> zone_partner_knowledge_;

  // ---- Residents: written by set-up (draw_population), demography.cpp (deaths, entrants,
  // ageing) and the residents' processes (needs.cpp, help_seeking.cpp, mediation_queues.cpp,
  // skills.cpp: needs, awareness, skills, trust); read by every process and outcomes.cpp.
  Population pop_;
  std::vector<double> zone_agents_;  // adults by zone (set-up: count_residents)

  // ---- Needs calendar (calendar.hpp): written by needs.cpp (schedule_next_need, unschedule)
  // and help_seeking.cpp (residents_act); read by help_seeking.cpp. Need arrivals by chunk and
  // week, and one bit per resident set while an episode is pending ([chunk][kChunk / 64] words;
  // a bit whose episode was closed elsewhere is cleared at the next visit). Visits follow
  // resident order (cache-friendly).
  NeedCalendar calendar_;
  std::vector<std::uint64_t> pending_bits_;

  // ---- Awareness: written by awareness.cpp (recount_aware, add_aware, spread_awareness,
  // lose_awareness, mark_unaware; zone_consultation_boost_: funding_allocation.cpp, allocate);
  // read by awareness.cpp (update_awareness, called from help_seeking.cpp too).
  std::vector<double> zone_aware_;  // aware agents by zone
  // Word of mouth (awareness.cpp: spread_awareness), a periodic event: one bit per resident
  // set while it may be unaware, same layout as pending_bits_ (a bit whose resident became aware
  // elsewhere is cleared at the next sweep; entrants are marked by demography, adults who lose
  // track by lose_awareness).
  std::vector<std::uint64_t> unaware_bits_;
  std::vector<double> zone_consultation_boost_;

  // ---- Skill stocks: written by skills.cpp (recount_static_stocks, leave_static_stocks); read
  // by skills.cpp (stocks_now) and outcomes.cpp.
  std::vector<std::uint32_t> dynamic_;  // residents with kDynamic, in resident order
  double static_ill_ = 0, static_aut_ = 0;

  // ---- Broadband: written by broadband.cpp (broadband_rollout); read by skills.cpp
  // (offer_at) and demography.cpp.
  std::vector<double> zone_share_;  // broadband offer share by zone (current)
  // ceil(256 × zone_share_): offer iff offer_rank < cut (the same test as offer_rank < 256 × share
  // for an integer rank), 2 bytes per zone so that the table stays in cache.
  std::vector<std::uint16_t> zone_offer_cut_;

  // ---- Points and reach: points_ changed through PointState's members (point_state.hpp lists
  // who changes what); reach lists and mobile visits written by points_reach.cpp (rebuild_reach,
  // add_reach, weekly_points); read by help_seeking.cpp, mediation_queues.cpp,
  // funding_allocation.cpp and outcomes.cpp.
  std::vector<PointState> points_;
  // zone -> (point, minutes) sorted: by car (reach_), and for adults without a car by public
  // transport or on foot, whichever is faster (reach_nocar_); docs/territories.md.
  std::vector<std::vector<std::pair<int, float>>> reach_;
  std::vector<std::vector<std::pair<int, float>>> reach_nocar_;
  std::vector<int> mobile_visit_;  // zone -> mobile point visiting this week, or -1

  // ---- Mediation queues: written by mediation_queues.cpp (queue_requests, serve_queues,
  // give_up_unserved); read by mediation_queues.cpp; zone_abandoned_year_ also by
  // funding_allocation.cpp (estimated_need) and reset by yearly_step().
  std::vector<Request> requests_;  // this week's, grouped by point
  std::vector<std::size_t> request_offset_;
  std::vector<double> zone_abandoned_year_;  // observed non-recours by zone this year
  // ---- Re-orientation: written by reorientation.cpp (reorient_turned_away) and help_seeking.cpp
  // (attempt: the resident goes; resolve, abandon: the episode ends); read by help_seeking.cpp.
  std::vector<Orientation> orientation_;  // by resident (set-up: count_residents)
  // Appointments booked by point and week: [point * kBookingWeeks + week % kBookingWeeks].
  std::vector<std::uint16_t> bookings_;

  // ---- Funding: written by funders.cpp (set_budget_lines, renew_grants, pay) and
  // funding_allocation.cpp (grant_year_money, allocate, balance_budget, accrue_spending);
  // envelope0_ by the constructor; interruption_point_weeks_ by points_reach.cpp
  // (weekly_points); read by funding_allocation.cpp and outcomes.cpp.
  FunderAmounts spent_{};
  // Funders (funders.cpp): each funder's yearly budget line at the start (what its objectives
  // commit it to in the initial network) and its share of the pooled structure's spending (its
  // contribution to the single authority or custodian).
  FunderAmounts line_{};
  FunderAmounts pool_share_{};
  double granted_ = 0;
  double envelope0_ = 0;
  double reporting_cost_ = 0, coordination_cost_ = 0;
  std::vector<Placement> placements_;                 // every placement of new money, in order
  std::vector<std::array<int, 2>> allocation_units_;  // {year, units the year's money buys}
  // The product of the yearly scalings of mediator posts an equal budget imposed.
  double staff_scale_ = 1;
  int closures_ = 0, departures_ = 0, interruption_point_weeks_ = 0;
  // Activity accounting (funding_allocation.cpp: accrue_spending; full population): spending on
  // points that help with procedures, open fixed point-weeks and France Services site-weeks.
  double mediation_points_spent_ = 0;
  double staff_time_spent_ = 0;  // time of social workers and master-plan staff given to mediation
  double point_weeks_ = 0, fs_site_weeks_ = 0;

  // ---- Outcomes: written by outcomes.cpp (close_week, record_week, record_series), set-up
  // (start_outcomes: autonomy_start_) and step() (spent_year_end_); read by outcomes.cpp
  // (finish) and the inspection accessors.
  Counters totals_;
  // Needs closed, resolved through mediation and given up over the run, by zone (simulated
  // population; the per-commune outputs).
  std::vector<double> zone_closed_, zone_mediated_, zone_abandoned_run_;
  double autonomy_start_ = 0;
  // Home internet, did a procedure online, gave up (last yearly update).
  std::array<double, 3> yearly_rates_{};
  // Cumulative activity at the last yearly update (the yearly activity series are the
  // differences since then) and the activity rates of that update.
  ActivityTotals activity_at_update_{};
  // Sessions/point-year, FS requests/site-year, cost per session, cost per need via mediation;
  // absent (NaN) until a year is done.
  std::array<double, 4> yearly_activity_{kNaN, kNaN, kNaN, kNaN};
  std::vector<double> series_;  // [series][week]
  // Cumulative spending at the end of each year (and at the horizon).
  std::vector<double> spent_year_end_;
};

}  // namespace govsim::inclusion
