// One simulation run (FLAME GPU 2 style: a run takes a frozen copy of its model). Set-up,
// weekly step, yearly step. See docs/model.md for the ODD description of what this code does and
// its "File map" for where each process lives; the state they share is in run_state.hpp.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/rng.hpp"
#include "engine/run_record.hpp"
#include "models/inclusion/run_state.hpp"

namespace govsim::inclusion {

// The per-commune values each run records (RunLayout::zone_fields, docs/metrics.md): agents
// (full-population adults), needs closed, given up and resolved through mediation over the run
// (full population), share of the commune's adults within 30 minutes of help by their mode.
const std::vector<std::string>& zone_fields();

class Simulation : private RunState {
 public:
  // budget_path: empty for the budget as configured; else the cumulative spending the run must
  // reach by the end of each year (equal-budget comparison: the baseline's, same replicate).
  Simulation(std::shared_ptr<const ModelSpec> model, std::uint64_t seed, std::uint32_t replicate,
             std::vector<double> budget_path = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  int week() const { return week_; }
  int horizon() const { return model_->params.horizon_weeks; }
  bool done() const { return week_ >= horizon(); }
  void step();                                 // advances one week
  void run();                                  // steps to the horizon
  RunRecord finish(int scenario_index) const;  // metrics and series (after run())

  // Inspection (tests, invariants).
  const Population& population() const { return pop_; }
  const std::vector<PointState>& points() const { return points_; }
  const Counters& counters() const { return totals_; }
  // Placements of new money and, by year, the units the year's money bought.
  const std::vector<Placement>& placements() const { return placements_; }
  const std::vector<std::array<int, 2>>& allocation_units() const { return allocation_units_; }
  double spent_eur() const;
  double granted_eur() const { return granted_; }
  // Cumulative spending at the end of each year of the run (the last entry at the horizon).
  const std::vector<double>& spent_by_year() const { return spent_year_end_; }
  // Product of the scalings of mediator posts imposed by an equal budget (1: none).
  double staff_scale() const { return staff_scale_; }
  // Funders (funders.cpp): yearly budget lines at the start, each funder's share of the pooled
  // structure's spending, and spending by funder to date (full scale).
  const FunderAmounts& budget_lines() const { return line_; }
  const FunderAmounts& pool_shares() const { return pool_share_; }
  const FunderAmounts& spent_by_funder() const { return spent_; }
  // Resident i goes to points by car (else by public transport or on foot), and the points a
  // resident of `zone` may reach by that mode, sorted by minutes (the lists choose_point reads;
  // benchmarks/bench_main.cpp exports them for the Mesa reference).
  bool resident_has_car(std::size_t i) const { return has_car(i); }
  const std::vector<std::pair<int, float>>& reach_list(std::size_t zone, bool car) const {
    return (car ? reach_ : reach_nocar_)[zone];
  }
  // Returns a description of every violated accounting invariant (empty if none).
  std::vector<std::string> check_invariants() const;
  // Share of adults lacking basic skills by age band now (calibration check).
  std::array<double, kAgeBands> illectronisme_by_age() const;
  std::array<double, kDensityClasses> illectronisme_by_density() const;

 private:
  // Set-up steps, in the constructor's order (set_up.cpp unless named).
  void draw_population();
  void set_up_zones();
  void set_up_tables();
  void count_residents();
  void place_initial_points();  // points_reach.cpp
  void set_up_animation();
  void schedule_first_needs();
  double initial_envelope() const;
  void start_outcomes();
  // The yearly processes (yearly_step(), simulation.cpp, lists them in order) and the weekly
  // processes, in step() order (each defined in the file named).
  void yearly_step(int year);               // simulation.cpp (at the start of a year)
  void weekly_points(Week& w);              // points_reach.cpp
  void residents_act(Week& w);              // help_seeking.cpp
  void queue_requests(Week& w);             // mediation_queues.cpp
  void serve_queues(Week& w);               // mediation_queues.cpp
  void pool_turned_away(Week& w);           // reorientation.cpp
  void reorient_turned_away(Week& w);       // reorientation.cpp
  void leave_static_stocks(const Week& w);  // skills.cpp
  void give_up_unserved(Week& w);           // mediation_queues.cpp
  void close_week(const Week& w);           // outcomes.cpp
  void accrue_spending(int t);              // funding_allocation.cpp
  void record_week(const Week& w);          // outcomes.cpp

  // needs.cpp
  // `first_block`: the stream's first Philox block, computed beforehand (Rng::first_blocks).
  void schedule_next_need(std::size_t i, int t);
  void schedule_next_need(std::size_t i, int t, const Rng::Block& first_block);
  // Takes `residents` (in index order) off the calendar from `from_week` on.
  void unschedule(const std::vector<std::uint32_t>& residents, int from_week);
  void arrive(std::size_t i, int t, Chunk& c, const Rng::Block& kind_block,
              const Rng::Block& gap_block);
  // help_seeking.cpp
  void recount_aware();                                     // zone_aware_ from the residents' flags
  void add_aware(const std::vector<std::uint32_t>& zones);  // one more aware adult in each
  void attempt(std::size_t i, int t, Chunk& c, const Rng::Block& first_block);
  // Resident i at point pt: resolved alone on a self-service station there (false) or a request
  // in its queue (booked: served first).
  bool request_at(std::size_t i, int t, int pt, bool booked, bool home, double x_skill, Rng& rng,
                  Chunk& ch);
  std::uint64_t queue_key(std::size_t i, int t) const;  // i's place in this week's queues
  // workshops.cpp
  // Point k's course this week in its workshop time: the hours used (the rest: individual help).
  double hold_workshop(std::size_t k, Week& w);
  void recruit_learners(int year, int week);  // this year's applicants, by nearest course
  void drop_learners(const std::vector<std::uint32_t>& renewed);  // departed residents leave
  // An adult who prefers paper or the counter: a counter visit (a request at a France Services
  // site in reach) or the post.
  void go_offline(std::size_t i, int t, Rng& rng, Chunk& ch);
  // designated: a partner booked the slot (no misdirected first visit).
  // oriented_to: a master plan's first-level place the resident went to books this point instead.
  int choose_point(std::size_t i, int t, Rng& rng, bool& misdirected, bool designated,
                   int& oriented_to) const;
  // The nearest point (or the mobile unit visiting this week) that helps with i's need; -1: none.
  int nearest_helping_point(std::size_t i, int t) const;
  // A master plan's first-level place within i's trip serves this week.
  bool first_level_in_reach(std::size_t i, int t) const;
  // Awareness since the resident's last look (true if it became aware now).
  bool update_awareness(std::size_t i, int t, Rng& rng);
  void spread_awareness(int t);             // word of mouth among neighbours, every few weeks
  void lose_awareness(int year, int week);  // yearly: aware adults lose track (awareness.cpp)
  void mark_unaware(std::size_t i);         // into the word-of-mouth sweep if resident i is unaware
  void resolve(std::size_t i, int channel, int t, Counters& c);
  void abandon(std::size_t i, Counters& c);
  void count_closed(std::size_t i, double n, Counters& c) const;  // help_seeking.cpp: by subgroup
  // mediation_queues.cpp: serves a point's queue; residents whose skill moves for the first
  // time go to `became_dynamic`.
  void serve_point(int point, int t, std::vector<Request>& requests, Counters& c,
                   std::vector<std::uint32_t>& became_dynamic);
  // reorientation.cpp: the resident accepts a trip `extra_minutes` longer than planned; the
  // longest trip resident i makes; the first week after t (up to last) with a free slot at point.
  bool accepts_trip(double extra_minutes, Rng& rng) const;
  double max_trip_minutes(std::size_t i) const;
  int first_free_slot(int point, int t, int last) const;
  // skills.cpp. Stocks (illiterate, autonomous adults): residents whose skill never moved keep
  // their status for a whole year (base skill, yearly broadband offer), so they are counted
  // once a year; the others ("dynamic") are evaluated every week.
  double skill(std::size_t i, int t) const;
  // A teaching session or a workshop: skill += gain x (1 - skill); returns the new skill.
  double teach(std::size_t i, int t, double gain, std::vector<std::uint32_t>& moved);
  bool offer_at(std::size_t i) const;
  bool has_home_access(std::size_t i) const;
  void recount_static_stocks();
  // INSEE's illectronisme: no internet use (no home access) or use without basic skills.
  bool in_illectronisme(double skill, bool home) const;
  std::array<double, 2> static_status(std::size_t i) const;  // {illiterate, autonomous}
  void stocks_now(int t, double& illiterate, double& autonomous) const;
  // points_reach.cpp
  double point_capacity_fte(const PointState& p, int t) const;
  // Minutes to the nearest open point helping with procedures, by car or (car = false) by public
  // transport or on foot; 1e9 if none within the reach cap.
  double nearest_admin_minutes(int zone, bool car = true) const {
    return nearest_service_minutes(zone, car, kAdminProcedures);
  }
  // Minutes from `zone` to the nearest open point offering any service of `services`, by car or
  // without one (1e9 if none within the reach lists).
  double nearest_service_minutes(int zone, bool car, std::uint16_t services) const;
  double reach_cap_minutes() const;
  bool has_car(std::size_t i) const;  // resident i can go to a point by car
  // The reach list resident i uses (by car or not).
  const std::vector<std::pair<int, float>>& reach_of(std::size_t i) const;
  double no_car_minutes(int from, int to) const;
  void rebuild_reach();
  void add_reach(int point);  // a point just added to points_
  void open_point(int zone, PointType type, double fte, int week);
  // broadband.cpp
  void broadband_rollout(int year);
  // demography.cpp
  void demography(int year, int week);
  // learning.cpp: starting to use the internet, learning outside mediation
  void learn_outside_mediation(int year, int week);
  // funding_allocation.cpp
  bool owner_disrupts(int year) const;  // the owner's reorganisation draw (kStreamYear)
  double envelope(int year) const;      // the yearly envelope
  bool allocation_open(int year, bool disrupted) const;  // new money through the rule
  void grant_year_money(int year, bool disrupted);       // granted_ for the year
  void allocate(int year, double money);
  // Need by zone as the allocator estimates it: the diagnosis, observed non-recours, or both
  // combined (observation.diagnosis_weight_years).
  std::vector<double> estimated_need(int year) const;
  // The owner's perimeter a zone belongs to (commune: the zone; EPCI: its EPCI; else 0), the
  // number of perimeters, and how `units` of new money split among them (in proportion to the
  // running cost of the network each already funds, largest remainders).
  int owner_pot(int zone) const;
  std::size_t owner_pots() const;
  std::vector<int> pot_units(int units) const;
  double network_cost() const;
  // Equal budget: at the start of a year, places the money the year's target leaves beyond what
  // the network will cost (allocation rule), then scales mediator posts so the year's projected
  // spending meets the target. Returns the year's target.
  double balance_budget(int year, bool allocation_open);
  // Spending of weeks [from, to] as accrue_spending() would count it if the network does not
  // change: {part proportional to mediator posts, the rest (fixed costs, staff time, mechanisms)}.
  std::array<double, 2> project_spending(int from, int to) const;
  double point_fixed_cost() const;  // a fixed point's yearly fixed cost (after pooling savings)
  // The mechanisms' yearly cost by funder (Governance::mechanism_costs) for the points open at
  // `week` (kAnyWeek: every open point, whether or not its opening week has come) in `year`.
  static constexpr int kAnyWeek = std::numeric_limits<int>::max();
  FunderAmounts mechanism_costs_at(int week, int year) const;
  // funders.cpp: funders as actors. The grants a point holds when it enters the network
  // (opened_by_pool: opened by the single authority's or custodian's allocation).
  void grant_point(PointState& s, bool opened_by_pool);
  bool remote(const PointState& s) const;               // in a rural zone, or a mobile unit
  double point_yearly_cost(const PointState& s) const;  // committed: posts + fixed cost
  void set_budget_lines();  // line_ and pool_share_ from the initial network
  // Grants falling due are renewed or lost (lost money cuts posts, no grant left closes the
  // point; disrupted: the owner's reorganisation interrupts points whose grant falls due), then
  // mediators leave at their point's turnover.
  void renew_grants(int year, int week, bool disrupted);
  // New money for the year: the pooled structure's (or, fragmented, every funder's calls) through
  // the allocation rule, allocate(); a funder's money kept out of the pool tops up its own
  // grants. New posts wait for their slowest payer (GrantTerms::payment_delay_weeks).
  void place_new_money(int year, double money, bool allocation_open);
  void grow_own_grants(int year, double money);
  // Accrues `cost` of point s to its payers (the pooled part with the custodian's fee if
  // with_fee); returns what was paid.
  double pay(const PointState& s, double cost, bool with_fee);
  // Share of a point's cost its payers pay, fee included if with_fee (1 without a fee; 0 with
  // no active grant).
  double paid_factor(const PointState& s, bool with_fee) const;
  // outcomes.cpp
  void record_series(int t);
  // Shares of adults with home access, who resolved a need alone online and who gave up a need
  // in the 52 weeks up to week t (the yearly series and the end metrics).
  std::array<double, 3> per_adult_rates(int t) const;
  ActivityTotals activity_totals() const;           // cumulative activity and spending to date
  double& series_value(std::size_t series, int t);  // series_ at (series_index(...), week t)
};

}  // namespace govsim::inclusion
