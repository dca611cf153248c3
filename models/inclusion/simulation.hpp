// One simulation run (FLAME GPU 2 style: a run takes a frozen copy of its model). Weekly step,
// yearly budget cycle. See docs/model.md for the ODD description of what this code does.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/rng.hpp"
#include "engine/run_record.hpp"
#include "models/inclusion/governance.hpp"
#include "models/inclusion/metrics.hpp"
#include "models/inclusion/params.hpp"
#include "models/inclusion/population.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

// Random streams (one per use of randomness; see engine/rng.hpp).
enum Stream : std::uint32_t {
  kStreamNeed = 1,
  kStreamAttempt = 2,
  kStreamSession = 3,
  kStreamQueue = 4,
  kStreamYear = 5,
  kStreamPost = 6,
};

struct Post {
  double fte = 1;
  int hire_week = -1000;   // week of the current holder's hiring (ramp-up)
  int vacant_until = -1;   // vacant from vacant_from up to (not including) this week
  int vacant_from = -1;
  bool vacant(int week) const { return vacant_from <= week && week < vacant_until; }
};

struct PointState {
  PointSpec spec;
  bool open = true;
  int open_week = 0;           // a planned point opens at this week
  int interrupted_until = 0;   // no service before this week (grant lapse)
  int grants = 1;              // active grants
  int grant_age = 0;           // years into the current grant
  std::vector<Post> posts;     // funded mediator posts
  double social_fte = 0;       // trained social workers' mediation time
  double stations = 0;         // self-service stations
  double carry = 0;            // fractional capacity carried to next week
  int capacity = 0;            // sessions available this week (scaled population)
  int used = 0;                // sessions used this week
  double success = 0.8;        // chance a session resolves the procedure
  double funded_fte() const;
  bool serves_at(int week) const { return open && week >= open_week && week >= interrupted_until; }
};

// A frozen model: territory + parameters + derived governance. Shared read-only by runs.
struct ModelSpec {
  std::shared_ptr<const Territory> territory;
  Params params;
  Governance governance;
};

class Simulation {
 public:
  Simulation(std::shared_ptr<const ModelSpec> model, std::uint64_t seed, std::uint32_t replicate);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  int week() const { return week_; }
  int horizon() const { return model_->params.horizon_weeks; }
  bool done() const { return week_ >= horizon(); }
  void step();      // advances one week
  void run();       // steps to the horizon
  RunRecord finish(int scenario_index) const;  // metrics and series (after run())

  // Inspection (tests, invariants).
  const Population& population() const { return pop_; }
  const std::vector<PointState>& points() const { return points_; }
  const Counters& counters() const { return totals_; }
  double spent_eur() const;
  double granted_eur() const { return granted_; }
  // Returns a description of every violated accounting invariant (empty if none).
  std::vector<std::string> check_invariants() const;
  // Share of adults lacking basic skills by age band now (calibration check).
  std::array<double, kAgeBands> illectronisme_by_age() const;
  std::array<double, kDensityClasses> illectronisme_by_density() const;

 private:
  struct Chunk;
  struct Request {
    std::uint64_t key;
    std::uint32_t resident;
    std::int32_t point;
  };
  double skill(std::size_t i, int t) const;
  bool has_home_access(std::size_t i) const;
  bool offer_at(std::size_t i) const;
  void schedule_next_need(std::size_t i, int t);
  void arrive(std::size_t i, int t, Chunk& c);
  void attempt(std::size_t i, int t, Chunk& c);
  void resolve(std::size_t i, int channel, int t, Counters& c);
  void abandon(std::size_t i, Counters& c);
  int choose_point(std::size_t i, int t, Rng& rng, bool& misdirected) const;
  // Serves a point's queue; residents whose skill moves for the first time go to `became_dynamic`.
  void serve_point(int point, int t, std::vector<Request>& requests, Counters& c,
                   std::vector<std::uint32_t>& became_dynamic);
  void yearly_cycle(int year);
  void weekly_points(int t);
  void rebuild_reach();
  void add_reach(int point);  // a point just added to points_
  void allocate(int year, double money);
  void open_point(int zone, PointType type, double fte, int week);
  void record_series(int t);
  double zone_uncovered_need(int zone) const;
  double network_cost() const;
  double point_fixed_cost() const;  // a fixed point's yearly fixed cost (after pooling savings)
  // Stocks (illiterate, autonomous adults): residents whose skill never moved keep their status
  // for a whole year (base skill, yearly broadband offer), so they are counted once a year; the
  // others ("dynamic") are evaluated every week.
  void recount_static_stocks();
  std::array<double, 2> static_status(std::size_t i) const;  // {illiterate, autonomous}
  void stocks_now(int t, double& illiterate, double& autonomous) const;
  double point_capacity_fte(const PointState& p, int t) const;
  double nearest_admin_minutes(int zone) const;

  std::shared_ptr<const ModelSpec> model_;
  const Params& p_;
  const Territory& t_;
  const Governance& g_;
  std::uint64_t seed_;
  std::uint32_t replicate_;
  int week_ = 0;
  Population pop_;
  std::vector<PointState> points_;
  std::vector<std::vector<std::pair<int, float>>> reach_;  // zone -> (point, minutes) sorted
  std::vector<int> mobile_visit_;      // zone -> mobile point visiting this week, or -1
  std::vector<double> zone_agents_;
  std::vector<double> zone_aware_;     // aware agents by zone
  std::vector<double> zone_abandoned_year_;  // observed non-recours by zone this year
  std::vector<double> zone_need_estimate_;   // static diagnosis (adults lacking skills)
  std::vector<double> zone_share_;     // broadband offer share by zone (current)
  std::vector<double> zone_offer_cut_; // 256 × zone_share_ (offer iff offer_rank < cut)
  std::vector<double> log_no_need_;    // [year][age][difficulty]: log(1 - weekly arrival chance)
  std::vector<std::uint32_t> dynamic_; // residents with kDynamic, in the order they became so
  double static_ill_ = 0, static_aut_ = 0;
  double decay_per_week_ = 0;          // ln 2 / skill half-life
  std::vector<double> zone_consultation_boost_;
  std::vector<Request> requests_;      // this week's, grouped by point
  std::vector<std::size_t> request_offset_;
  Counters totals_;
  FunderAmounts spent_{};
  double granted_ = 0;
  double envelope0_ = 0;
  double reporting_cost_ = 0, coordination_cost_ = 0;
  double autonomy_start_ = 0;
  int closures_ = 0, departures_ = 0, interruption_point_weeks_ = 0;
  std::vector<double> series_;         // [series][week]
  std::vector<std::array<double, 2>> window_;  // per week: resolved, closed (for time-to-target)
};

}  // namespace govsim::inclusion
