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

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

void Simulation::hold_workshops(Week& w) {
  const int t = w.t;
  std::vector<double> attended(points_.size(), 0.0);
  tbb::parallel_for(std::size_t{0}, points_.size(), [&](std::size_t k) {
    PointState& s = points_[k];
    if (s.learners.empty() && s.next_applicant >= s.applicants.size()) return;
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
    // Seats left: this year's applicants, in their order, who still lack the skill and are in
    // no course (those who died left the list: drop_learners), attend their first workshop.
    while (seats > 0 && s.next_applicant < s.applicants.size()) {
      const std::size_t i = s.applicants[s.next_applicant++];
      if ((pop_.flags[i] & kEnrolled) || skill(i, t) >= p_.skill_autonomy_threshold) continue;
      --seats;
      attended[k] += 1;
      const double sk = skill(i, t);
      const double next = sk + p_.workshop_skill_gain * (1.0 - sk);
      pop_.gain[i] = static_cast<float>(next - pop_.base_skill[i]);
      pop_.gain_week[i] = static_cast<std::uint16_t>(t);
      if (!(pop_.flags[i] & kDynamic)) {
        pop_.flags[i] |= kDynamic;
        w.point_dynamic[k].push_back(static_cast<std::uint32_t>(i));
      }
      if (p_.workshop_course_sessions > 1 && next < p_.skill_autonomy_threshold) {
        pop_.flags[i] |= kEnrolled;
        s.learners.push_back({static_cast<std::uint32_t>(i), 1});
      }
    }
  });
  for (double a : attended) w.c.workshop_attendances += a;
}

// Yearly: each aware internet user below the autonomy threshold and in no course asks, with
// chance workshop.take_up_yearly, to join the course of the nearest point within the trip that
// gave time to workshops last week; each point's applicants, in a random order (a hash), replace
// last year's.
void Simulation::recruit_learners(int year, int week) {
  for (PointState& s : points_) {
    s.applicants.clear();
    s.next_applicant = 0;
  }
  if (p_.workshop_take_up_yearly <= 0) return;
  std::vector<std::uint64_t> key(pop_.size(), 0);
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (!(pop_.flags[i] & kAware) || (pop_.flags[i] & kEnrolled) || !has_home_access(i)) continue;
    if (skill(i, week) >= p_.skill_autonomy_threshold) continue;
    Rng rng(seed_, replicate_, kStreamWorkshop, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(year));
    if (rng.uniform() >= p_.workshop_take_up_yearly) continue;
    for (const auto& [pt, minutes] : reach_of(i)) {
      if (minutes > max_trip_minutes(i)) break;
      PointState& s = points_[static_cast<std::size_t>(pt)];
      if (!s.serves_at(week) || s.workshop_hours <= 0) continue;
      s.applicants.push_back(static_cast<std::uint32_t>(i));
      key[i] = (static_cast<std::uint64_t>(rng.next_u32()) << 32) | rng.next_u32();
      break;
    }
  }
  for (PointState& s : points_)
    std::sort(s.applicants.begin(), s.applicants.end(), [&](std::uint32_t a, std::uint32_t b) {
      return key[a] != key[b] ? key[a] < key[b] : a < b;
    });
}

void Simulation::drop_learners(const std::vector<std::uint32_t>& renewed) {
  if (renewed.empty()) return;
  std::vector<bool> gone(pop_.size(), false);
  for (std::uint32_t i : renewed) gone[i] = true;
  for (PointState& s : points_) {
    s.learners.erase(std::remove_if(s.learners.begin(), s.learners.end(),
                                    [&](const PointState::Learner& l) { return gone[l.resident]; }),
                     s.learners.end());
    s.applicants.erase(
        std::remove_if(s.applicants.begin() + static_cast<std::ptrdiff_t>(s.next_applicant),
                       s.applicants.end(), [&](std::uint32_t i) { return gone[i]; }),
        s.applicants.end());
  }
}

}  // namespace govsim::inclusion
