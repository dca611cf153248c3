// Re-orientation: what happens to a request a point turned away for want of a session this week,
// as services do it (docs/model.md §3, docs/mechanisms.md "Queues and re-orientation"). Under
// pooling the sites of an EPCI (or, pooling.beyond_epci_share, of several) share an agenda and
// place a share of them the same week at a site with a free slot (pool_turned_away); every other
// turned-away resident (every scenario) may give up there and then, or gets an appointment at the
// point's first later week with a free slot, or, when that is further off than the resident waits,
// is referred to the nearest other place with sessions left (a longer trip the resident may
// refuse), and comes back by itself only when no slot and no place is left (reorient_turned_away).
// A counter visit turned away (go_offline) is none of these: the adult comes back next week by
// itself, or posts it. Sequential, in the order of requests_ (by point, then by queue key): the
// same decisions for any thread count.
#include <algorithm>
#include <cmath>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

namespace {
// Minutes from resident i's reach list to `point` (0 for a mobile unit or a point not listed).
double minutes_to(const std::vector<std::pair<int, float>>& reach, int point) {
  for (const auto& [pt, minutes] : reach)
    if (pt == point) return minutes;
  return 0.0;
}
}  // namespace

bool Simulation::accepts_trip(double extra_minutes, Rng& rng) const {
  if (extra_minutes <= 0) return true;
  return rng.uniform() < std::exp(-extra_minutes / p_.queue_travel_tolerance_minutes);
}

double Simulation::max_trip_minutes(std::size_t i) const {
  return (pop_.flags[i] & kLimitedMobility) ? p_.max_travel_limited_minutes : p_.max_travel_minutes;
}

// Pooling (shared agenda): a share of the requests turned away (pooling.shared_agenda_share) are
// placed the same week at a site of the same EPCI with sessions left, within the resident's trip,
// if the resident accepts the longer trip (fixed order: by request key). With chance
// pooling.beyond_epci_share the agenda also offers sites of other EPCIs within the trip (drawn
// only when it is above 0, so that the EPCI-only agenda keeps its random stream).
void Simulation::pool_turned_away(Week& w) {
  if (!p_.pooling) return;
  const int t = w.t;
  std::vector<Request> left;
  for (const Request& r : requests_)
    if (r.point >= 0 && pop_.pending[r.resident] > 0 && !(pop_.flags[r.resident] & kAtCounter) &&
        points_[static_cast<std::size_t>(r.point)].full())
      left.push_back(r);
  std::sort(left.begin(), left.end(), [](const Request& a, const Request& b) {
    return a.key != b.key ? a.key < b.key : a.resident < b.resident;
  });
  for (Request& r : left) {
    const std::size_t i = r.resident;
    Rng rng(seed_, replicate_, kStreamQueue, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(t) | 0x80000u);
    if (rng.uniform() >= p_.pooling_agenda_share) continue;
    const bool beyond_epci =
        p_.pooling_beyond_epci_share > 0 && rng.uniform() < p_.pooling_beyond_epci_share;
    const int epci = t_.zones[static_cast<std::size_t>(pop_.zone[i])].epci;
    const auto& reach = reach_of(i);
    const double from = minutes_to(reach, r.point);
    for (const auto& [pt, minutes] : reach) {
      if (minutes > max_trip_minutes(i)) break;
      PointState& s = points_[static_cast<std::size_t>(pt)];
      if (s.spec.zone < 0 ||
          (!beyond_epci && t_.zones[static_cast<std::size_t>(s.spec.zone)].epci != epci))
        continue;
      if (!s.serves_at(t) || !(s.spec.services & required_services(pop_.need_kind[i])) || s.full())
        continue;
      if (!accepts_trip(minutes - from, rng)) break;
      Counters c;
      std::vector<Request> one = {r};
      const int cap_before = counted_capacity(s);
      serve_point(pt, t, one, c, w.point_dynamic[static_cast<std::size_t>(pt)]);
      c.capacity -= cap_before;  // capacity already counted
      w.c.unserved -= 1;
      w.c.add(c);
      // The request is served at pt: mark it served where requests_ holds it.
      for (std::size_t k = request_offset_[static_cast<std::size_t>(r.point)];
           k < request_offset_[static_cast<std::size_t>(r.point) + 1]; ++k)
        if (requests_[k].resident == r.resident) requests_[k].point = -1;
      break;
    }
  }
}

// The earliest week after t, up to `last`, with a free slot at `point` (-1 if none): the first
// week wk by which the sessions the point offers from t + 1 (at this week's rate, before
// rounding) exceed the appointments booked up to wk.
int Simulation::first_free_slot(int point, int t, int last) const {
  const double rate = points_[static_cast<std::size_t>(point)].offered;
  double booked = 0;
  for (int wk = t + 1; wk <= last; ++wk) {
    booked += bookings_[static_cast<std::size_t>(point) * kBookingWeeks +
                        static_cast<std::size_t>(wk % kBookingWeeks)];
    if (booked + 1 <= rate * (wk - t) + 1e-9) return wk;
  }
  return -1;
}

void Simulation::reorient_turned_away(Week& w) {
  const int t = w.t;
  bookings_.resize(points_.size() * kBookingWeeks, 0);  // points opened since
  // Sessions each place still has this week, less the residents already referred to it.
  std::vector<int> spare(points_.size(), 0);
  for (std::size_t k = 0; k < points_.size(); ++k)
    if (points_[k].serves_at(t)) spare[k] = std::max(0, points_[k].capacity - points_[k].used);
  for (const Request& r : requests_) {
    if (r.point < 0) continue;  // served
    const std::size_t i = r.resident;
    // Closed, or past its deadline (given up this week by give_up_unserved).
    if (pop_.pending[i] == 0 || t >= pop_.deadline[i]) continue;
    if (pop_.flags[i] & kAtCounter) continue;  // a counter visit: comes back by itself
    Rng rng(seed_, replicate_, kStreamQueue, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(t));
    // (Without deadlines, the limit case without non-recours, no one gives up.)
    if (p_.need_deadlines_enabled && rng.uniform() < p_.queue_turned_away_give_up) {
      zone_abandoned_year_[pop_.zone[i]] += pop_.pending[i];
      abandon(i, w.c);
      w.c.turned_away_gave_up += 1;
      continue;
    }
    const int k = r.point;
    const int last = std::min<int>(pop_.deadline[i], t + kBookingWeeks - 1);
    const int slot = first_free_slot(k, t, last);
    auto book = [&](int week) {
      ++bookings_[static_cast<std::size_t>(k) * kBookingWeeks +
                  static_cast<std::size_t>(week % kBookingWeeks)];
      orientation_[i] = {k, static_cast<std::uint16_t>(week), true};
      w.c.appointments += 1;
    };
    if (slot >= 0 && slot - t <= p_.queue_max_wait_weeks) {
      book(slot);
      continue;
    }
    // A referral: the nearest other place within the trip that helps with the need and has
    // sessions left this week; the resident goes next week if it accepts the longer trip.
    const auto& reach = reach_of(i);
    const double from = minutes_to(reach, k);
    const std::uint16_t need = required_services(pop_.need_kind[i]);
    int to = -1;
    double to_minutes = 0;
    for (const auto& [pt, minutes] : reach) {
      if (minutes > max_trip_minutes(i)) break;
      const PointState& s = points_[static_cast<std::size_t>(pt)];
      if (pt == k || spare[static_cast<std::size_t>(pt)] <= 0 || !(s.spec.services & need))
        continue;
      to = pt;
      to_minutes = minutes;
      break;
    }
    if (to >= 0 && accepts_trip(to_minutes - from, rng)) {
      --spare[static_cast<std::size_t>(to)];
      orientation_[i] = {to, static_cast<std::uint16_t>(t + 1), false};
      w.c.referred_on += 1;
      continue;
    }
    if (slot >= 0) {  // a longer wait rather than nothing
      book(slot);
      continue;
    }
    // No slot before the deadline and no place: the resident is told so and stops coming (it
    // may still resolve alone or with relatives; at the deadline it gives up). Without a
    // deadline it comes back by itself.
    if (pop_.deadline[i] >= kNever - 1) continue;
    orientation_[i] = {k, static_cast<std::uint16_t>(pop_.deadline[i] + 1), false};
    w.c.no_slot_in_time += 1;
  }
  // Week t is over: its slots are free for week t + kBookingWeeks.
  for (std::size_t k = 0; k < points_.size(); ++k)
    bookings_[k * kBookingWeeks + static_cast<std::size_t>(t % kBookingWeeks)] = 0;
}

}  // namespace govsim::inclusion
