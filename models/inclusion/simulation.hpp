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
#include "models/inclusion/run_state.hpp"

namespace govsim::inclusion {

class Simulation : private RunState {
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
  // The weekly processes, in step() order.
  void residents_act(Week& w);
  void queue_requests(Week& w);
  void serve_queues(Week& w);
  void pool_turned_away(Week& w);
  void leave_static_stocks(const Week& w);
  void give_up_unserved(Week& w);
  void close_week(const Week& w);
  void accrue_spending(int t);
  void record_week(const Week& w);
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
  void broadband_rollout(int year);
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
};

}  // namespace govsim::inclusion
