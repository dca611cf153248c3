// Workshop courses: the mediator time a point sets aside for workshops (mediation.workshop_share)
// seats, at the start of each week, the learners its individual sessions oriented there
// (serve_point enrols them) in the order they enrolled, then this year's applicants from its
// catchment (recruit_learners), one workshop a week each; the time the learners do not fill goes
// back to individual help (weekly_points). A workshop raises the learner's skill like a teaching
// session (workshop.skill_gain_per_session x (1 - skill), decaying unless practised), and a
// learner leaves after workshop.course_sessions workshops or once at the autonomy threshold
// (docs/model.md §3). Points are served in a fixed order and a resident is enrolled at one point
// at most: the same results for any thread count.
#include <algorithm>
#include <cmath>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

double Simulation::hold_workshop(std::size_t k, Week& w) {
  PointState& s = points_[k];
  const int t = w.t;
  // Learner places per hour of workshop time (simulated population).
  const double per_hour = p_.workshop_seats_per_hour * p_.population_scale;
  if (s.workshop_hours <= 0 || per_hour <= 0 ||
      (s.learners.empty() && s.next_applicant >= s.applicants.size())) {
    s.seat_carry = 0;
    return 0.0;  // no course this week: all the time goes to individual help
  }
  // This week's places, the fraction carried over.
  const double places = s.workshop_hours * per_hour + s.seat_carry;
  const int seats = static_cast<int>(std::floor(places));
  int filled = 0;
  std::vector<std::uint32_t>& moved = w.point_dynamic[k];
  std::size_t kept = 0;
  for (PointState::Learner l : s.learners) {
    if (filled < seats) {
      ++filled;
      ++l.attended;
      const double next = teach(l.resident, t, p_.workshop_skill_gain, moved);
      if (l.attended >= p_.workshop_course_sessions || next >= p_.skill_autonomy_threshold) {
        pop_.flags[l.resident] = static_cast<std::uint16_t>(pop_.flags[l.resident] & ~kEnrolled);
        continue;  // the course is done
      }
    }
    s.learners[kept++] = l;
  }
  s.learners.resize(kept);
  // Seats left: this year's applicants, in their order, who still lack the skill and are in no
  // course (those who died left the list: drop_learners), attend their first workshop.
  while (filled < seats && s.next_applicant < s.applicants.size()) {
    const std::size_t i = s.applicants[s.next_applicant++];
    if ((pop_.flags[i] & kEnrolled) || skill(i, t) >= p_.skill_autonomy_threshold) continue;
    ++filled;
    const double next = teach(i, t, p_.workshop_skill_gain, moved);
    if (p_.workshop_course_sessions > 1 && next < p_.skill_autonomy_threshold) {
      pop_.flags[i] |= kEnrolled;
      s.learners.push_back({static_cast<std::uint32_t>(i), 1});
    }
  }
  w.c.workshop_attendances += filled;
  if (filled == seats) {
    s.seat_carry = places - seats;
    return s.workshop_hours;
  }
  // Fewer learners than places: the workshops held take the time their learners fill.
  s.seat_carry = 0;
  return filled / per_hour;
}

// Yearly: each aware adult below the autonomy threshold and in no course, whether or not it uses
// the internet (a workshop lends the devices: a first guided use), asks, with
// chance workshop.take_up_yearly, to join the course of the nearest point within the trip that
// sets time aside for workshops (open, not a France Services site); each point's applicants, in a
// random order (a hash), replace last year's.
void Simulation::recruit_learners(int year, int week) {
  for (PointState& s : points_) {
    s.applicants.clear();
    s.next_applicant = 0;
  }
  if (p_.workshop_take_up_yearly <= 0 || p_.workshop_share <= 0)
    return;  // no course, or no one asks
  std::vector<std::vector<std::pair<std::uint64_t, std::uint32_t>>> keyed(points_.size());
  for (std::size_t i = 0; i < pop_.size(); ++i) {
    if (!(pop_.flags[i] & kAware) || (pop_.flags[i] & kEnrolled)) continue;
    if (skill(i, week) >= p_.skill_autonomy_threshold) continue;
    Rng rng(seed_, replicate_, kStreamWorkshop, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(year));
    if (rng.uniform() >= p_.workshop_take_up_yearly) continue;
    for (const auto& [pt, minutes] : reach_of(i)) {
      if (minutes > max_trip_minutes(i)) break;
      const PointState& s = points_[static_cast<std::size_t>(pt)];
      if (!s.serves_at(week) || s.spec.type == PointType::FranceServices) continue;  // no course
      const std::uint64_t key = (static_cast<std::uint64_t>(rng.next_u32()) << 32) | rng.next_u32();
      keyed[static_cast<std::size_t>(pt)].emplace_back(key, static_cast<std::uint32_t>(i));
      break;
    }
  }
  for (std::size_t k = 0; k < points_.size(); ++k) {
    std::sort(keyed[k].begin(), keyed[k].end());  // by key, then resident
    for (const auto& [key, i] : keyed[k]) points_[k].applicants.push_back(i);
  }
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
