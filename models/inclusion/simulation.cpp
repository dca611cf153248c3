// One run: the set-up, the weekly step and the yearly step, each an ordered list of calls (one
// file per process, see docs/model.md "File map"), and the invariants.
#include "models/inclusion/simulation.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace govsim::inclusion {

// Set-up, in order (set_up.cpp unless named). Every random draw is keyed by its stream, agent or
// point and week (engine/rng.hpp): the order is that of the state each step builds on.
Simulation::Simulation(std::shared_ptr<const ModelSpec> model, std::uint64_t seed,
                       std::uint32_t replicate, std::vector<double> budget_path)
    : RunState(std::move(model), seed, replicate) {
  budget_path_ = std::move(budget_path);
  draw_population();       // the fitted population model and the residents (population.cpp)
  set_up_zones();          // per-zone tables: broadband offer, density, accumulators
  set_up_tables();         // skill decay, need-kind weights, need-arrival table
  count_residents();       // adults, aware adults (awareness.cpp), diagnosed need by zone
  place_initial_points();  // points_reach.cpp: the territory's points and mobile units, grants
  set_budget_lines();      // funders.cpp: each funder's budget line and pool share
  rebuild_reach();         // points_reach.cpp: the points each zone reaches
  set_up_animation();      // France Services animation and partners' knowledge by zone
  schedule_first_needs();  // the calendar's first need arrivals; the unaware bitmap
  envelope0_ = initial_envelope();  // what the initial network costs a year
  yearly_step(0);                   // the first year's processes (below)
  start_outcomes();                 // autonomy at the start, the series' week 0
}

Simulation::~Simulation() = default;

// One week: the processes in order (docs/model.md, "Process overview and scheduling").
void Simulation::step() {
  Week w;
  w.t = ++week_;
  const int t = w.t;
  if (t > 1 && (t - 1) % 52 == 0) yearly_step((t - 1) / 52);  // the yearly processes (below)
  weekly_points(w);  // points_reach.cpp (workshops.cpp): workshop courses, capacity, mobile units
  if (t % p_.awareness_update_weeks == 0) spread_awareness(t);  // awareness.cpp
  residents_act(w);         // help_seeking.cpp (needs.cpp): needs arise, residents seek help
  queue_requests(w);        // mediation_queues.cpp: requests grouped by point
  serve_queues(w);          // mediation_queues.cpp: each point serves its queue
  pool_turned_away(w);      // reorientation.cpp: a shared agenda places requests turned away
  reorient_turned_away(w);  // reorientation.cpp: appointments, referrals, giving up
  leave_static_stocks(w);   // skills.cpp: residents whose skill first moved
  give_up_unserved(w);      // mediation_queues.cpp: past the deadline, given up
  close_week(w);            // outcomes.cpp: totals and the time-to-target window
  accrue_spending(t);       // funding_allocation.cpp: running costs by funder
  if (t % 52 == 0 || t == horizon()) spent_year_end_.push_back(spent_eur());
  record_week(w);  // outcomes.cpp: weekly series
#ifdef GOVSIM_CHECK_INVARIANTS
  if (auto v = check_invariants(); !v.empty())
    throw std::logic_error("invariant violated: " + v.front());
#endif
}

// One year's processes, at the first week of the year (year 0: at set-up), in order
// (docs/model.md, "Process overview and scheduling").
void Simulation::yearly_step(int year) {
  const int week = year * 52 + 1;
  const bool disrupted = owner_disrupts(year);  // funding_allocation.cpp: reorganisation draw
  broadband_rollout(year);                      // broadband.cpp: the offer grows by zone
  if (year > 0 && p_.demography_enabled) demography(year, week);  // demography.cpp
  if (year > 0) learn_outside_mediation(year, week);  // learning.cpp: use, skills outside sessions
  if (year > 0) lose_awareness(year, week);           // awareness.cpp: moves, changes, forgetting
  recruit_learners(year, week);  // workshops.cpp: who asks to join a workshop course this year
  recount_static_stocks();       // skills.cpp: stocks of the residents whose skill never moved
  if (year > 0) renew_grants(year, week, disrupted);  // funders.cpp: renewals, turnover
  if (year > 0)  // funders.cpp: the envelope beyond the network's cost, through the rule
    place_new_money(year, envelope(year) - network_cost(), allocation_open(year, disrupted));
  std::fill(zone_abandoned_year_.begin(), zone_abandoned_year_.end(), 0.0);  // observation
  grant_year_money(year, disrupted);  // funding_allocation.cpp: (equal budget: balanced)
}

void Simulation::run() {
  while (!done()) step();
}

std::vector<std::string> Simulation::check_invariants() const {
  std::vector<std::string> v;
  double pending = 0;
  for (std::size_t i = 0; i < pop_.size(); ++i) pending += pop_.pending[i];
  const Counters& c = totals_;
  const double closed = c.closed() + pending;
  if (c.arisen != closed) {
    std::ostringstream os;
    os << "needs arisen (" << c.arisen
       << ") != alone + relatives + mediation + offline + abandoned + pending (" << closed << ")";
    v.push_back(os.str());
  }
  double agents = 0;
  for (double a : zone_agents_) agents += a;
  if (agents != static_cast<double>(pop_.size())) v.push_back("adults not conserved");
  if (spent_eur() > granted_ * (1 + 1e-9)) {
    std::ostringstream os;
    os << "money spent (" << spent_eur() << ") > money granted (" << granted_ << ")";
    v.push_back(os.str());
  }
  if (c.sessions > c.capacity) v.push_back("sessions exceed capacity");
  for (const auto& s : points_)
    if (s.used > s.capacity)
      v.push_back("point " + s.spec.id + " used more sessions than its capacity");
  return v;
}

}  // namespace govsim::inclusion
