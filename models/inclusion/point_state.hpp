// An access point's state over one run (its posts, grants, opening and weekly sessions) and the
// member functions through which every change to it goes. Who changes what (docs/model.md §3):
//   entering the network   points_reach.cpp (place_initial_points at set-up, open_point later);
//                          its grants and terms: funders.cpp (grant_point)
//   posts                  add_posts, add_post_from, delay_posts_from, cut_posts, scale_posts,
//                          Post::leave: called from funders.cpp (renewals, turnover, new money)
//                          and funding_allocation.cpp (allocate, balance_budget)
//   grants, terms          funders.cpp only (renew_grants, place_new_money, grow_own_grants)
//   closing, interruption  funders.cpp (renew_grants: close, interrupt_until)
//   weekly sessions        points_reach.cpp (weekly_points: workshop time, offer_sessions,
//                          no_sessions) and
//                          mediation_queues.cpp (serve_point: hold_session)
//   workshop course        mediation_queues.cpp (serve_point: enrols learners) and
//                          workshops.cpp (hold_workshop: seats, attendance, leaving, the
//                          workshop time used)
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/inclusion/access_points.hpp"
#include "models/inclusion/funders.hpp"

namespace govsim::inclusion {

struct Post {
  double fte = 1;
  int hire_week = -1000;  // week of the current holder's hiring (ramp-up)
  int vacant_until = -1;  // vacant from vacant_from up to (not including) this week
  int vacant_from = -1;
  bool vacant(int week) const { return vacant_from <= week && week < vacant_until; }
  // The holder leaves at `week`; the successor is hired `hiring_delay` weeks later.
  void leave(int week, int hiring_delay) {
    vacant_from = week;
    vacant_until = week + hiring_delay;
    hire_week = vacant_until;
  }
};

struct PointState {
  PointSpec spec;
  bool open = true;
  int open_week = 0;           // a planned point opens at this week
  int interrupted_until = 0;   // no service before this week (grant lapse)
  std::vector<Grant> grants;   // who funds it, on which policy (funders.hpp)
  GrantTerms terms;            // reporting load, turnover, payment delay its grants make
  bool in_consortium = false;  // custodian: the place joined the consortium (funders.cpp)
  std::vector<Post> posts;     // funded mediator posts
  double social_fte = 0;       // trained social workers' mediation time (staff-time cost)
  double plan_fte = -1;        // master plan: reception and orientation staff time of a
                               // first-level place (staff-time cost only); -1: not one
  double stations = 0;         // self-service stations
  double carry = 0;            // fractional capacity carried to next week
  int capacity = 0;            // sessions available this week (scaled population)
  int used = 0;                // sessions used this week
  int held = 0;                // of capacity, a session kept unused from last week (0 or 1)
  double offered = 0;          // sessions offered this week before rounding (its agenda's rate)
  double success = 0.8;        // chance a session resolves the procedure
  double served = 0;           // procedure-help sessions held over the run (simulated population)
  double counter = 0;          // of them, counter visits of adults able online (go_offline)
  double workshop_hours = 0;   // mediator time set aside for workshops this week (full population)
  // Workshop course (workshops.cpp): learners enrolled after a teaching session here, in order,
  // with the workshop sessions each has attended; the fraction of a seat carried over.
  struct Learner {
    std::uint32_t resident;
    std::uint16_t attended;
  };
  std::vector<Learner> learners;
  std::vector<std::uint32_t> applicants;  // this year's, in a random order (recruit_learners)
  std::size_t next_applicant = 0;
  double seat_carry = 0;
  double workshops = 0;  // sessions not about a procedure over the run (full population)

  double funded_fte() const;
  double filled_fte(int week) const;  // FTE of the posts held (not vacant) in `week`
  bool serves_at(int week) const { return open && week >= open_week && week >= interrupted_until; }
  bool full() const { return used >= capacity; }  // no session left this week

  // Posts. Funds `fte` more as posts of one FTE each, the last taking the remainder (the one
  // place FTE becomes posts: initial network, mobile units, new points).
  void add_posts(double fte, int hire_week);
  // One post of `fte` funded from `week`, vacant until its holder starts at `start`.
  void add_post_from(double fte, int week, int start) {
    posts.push_back({fte, start, start, week});
  }
  // Posts from index `first` on start `weeks` later; returns their cost at `fte_cost` per FTE.
  double delay_posts_from(std::size_t first, int weeks, double fte_cost);
  // Cuts `fte` from the last posts; returns the number of posts that disappear.
  int cut_posts(double fte);
  void scale_posts(double k);

  // Closing (no grant left): returns the departures (its funded FTE, rounded up).
  int close();
  void interrupt_until(int week) { interrupted_until = week; }

  // Weekly sessions: none this week, or `sessions` (plus last week's fraction) after
  // `workshops_held` hours of workshops (full population); one session held.
  void no_sessions() {
    used = 0;
    capacity = 0;
    held = 0;
    offered = 0;
    workshop_hours = 0;
  }
  void offer_sessions(double sessions, double workshops_held);
  void hold_session() {
    ++used;
    served += 1;
  }
};

}  // namespace govsim::inclusion
