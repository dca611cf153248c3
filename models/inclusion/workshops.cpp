// Workshop courses: the mediator time a point gives to workshops (mediation.workshop_share)
// seats the learners its individual sessions oriented there (serve_point enrols them), in the
// order they enrolled, one workshop a week each; a workshop raises the learner's skill like a
// teaching session (workshop.skill_gain_per_session x (1 - skill), decaying unless practised),
// and a learner leaves after workshop.course_sessions workshops or once at the autonomy
// threshold (docs/model.md §3). Points are independent (a resident is enrolled at one point at
// most): parallel over points, the same results for any thread count.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

void Simulation::hold_workshops(Week& w) {
  const int t = w.t;
  std::vector<double> attended(points_.size(), 0.0);
  tbb::parallel_for(std::size_t{0}, points_.size(), [&](std::size_t k) {
    PointState& s = points_[k];
    if (s.learners.empty()) return;
    // This week's learner places (simulated population), the fraction carried over.
    const double places =
        s.workshop_hours * p_.population_scale * p_.workshop_seats_per_hour + s.seat_carry;
    int seats = static_cast<int>(std::floor(places));
    s.seat_carry = places - seats;
    std::size_t kept = 0;
    for (PointState::Learner l : s.learners) {
      const std::size_t i = l.resident;
      if (seats > 0) {
        --seats;
        ++l.attended;
        attended[k] += 1;
        const double sk = skill(i, t);
        const double next = sk + p_.workshop_skill_gain * (1.0 - sk);
        pop_.gain[i] = static_cast<float>(next - pop_.base_skill[i]);
        pop_.gain_week[i] = static_cast<std::uint16_t>(t);
        if (!(pop_.flags[i] & kDynamic)) {  // enrolled after a teaching session: already moved
          pop_.flags[i] |= kDynamic;
          w.point_dynamic[k].push_back(static_cast<std::uint32_t>(i));
        }
        if (l.attended >= p_.workshop_course_sessions || next >= p_.skill_autonomy_threshold) {
          pop_.flags[i] = static_cast<std::uint16_t>(pop_.flags[i] & ~kEnrolled);
          continue;  // the course is done
        }
      }
      s.learners[kept++] = l;
    }
    s.learners.resize(kept);
  });
  for (double a : attended) w.c.workshop_attendances += a;
}

void Simulation::drop_learners(const std::vector<std::uint32_t>& renewed) {
  if (renewed.empty()) return;
  std::vector<bool> gone(pop_.size(), false);
  for (std::uint32_t i : renewed) gone[i] = true;
  for (PointState& s : points_)
    s.learners.erase(std::remove_if(s.learners.begin(), s.learners.end(),
                                    [&](const PointState::Learner& l) { return gone[l.resident]; }),
                     s.learners.end());
}

}  // namespace govsim::inclusion
