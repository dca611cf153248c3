// Mediation queues: requests grouped by point, each point serving its queue up to capacity
// (sessions raise skill and trust; a counter visit is done without learning), and unserved
// requests given up past their deadline (docs/model.md §3); what a point does with a request it
// turns away is in reorientation.cpp.
#include <tbb/parallel_for.h>

#include <algorithm>

#include "engine/rng.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

// Groups this week's requests by point (counting sort, in chunk order).
void Simulation::queue_requests(Week& w) {
  std::size_t n_req = 0;
  for (const auto& ch : w.chunks) n_req += ch.requests.size();
  request_offset_.assign(points_.size() + 1, 0);
  for (const auto& ch : w.chunks)
    for (const Request& r : ch.requests) ++request_offset_[static_cast<std::size_t>(r.point) + 1];
  for (std::size_t k = 0; k < points_.size(); ++k) request_offset_[k + 1] += request_offset_[k];
  requests_.resize(n_req);
  {
    std::vector<std::size_t> fill(request_offset_.begin(), request_offset_.end() - 1);
    for (const auto& ch : w.chunks)
      for (const Request& r : ch.requests) requests_[fill[static_cast<std::size_t>(r.point)]++] = r;
  }
}

// Phase B: each point serves its queue up to capacity (parallel over points).
void Simulation::serve_queues(Week& w) {
  const int t = w.t;
  std::vector<Counters> point_c(points_.size());
  tbb::parallel_for(std::size_t{0}, points_.size(), [&](std::size_t k) {
    std::vector<Request> reqs(
        requests_.begin() + static_cast<std::ptrdiff_t>(request_offset_[k]),
        requests_.begin() + static_cast<std::ptrdiff_t>(request_offset_[k + 1]));
    if (reqs.empty()) {
      point_c[k].capacity += counted_capacity(points_[k]);
      return;
    }
    serve_point(static_cast<int>(k), t, reqs, point_c[k], w.point_dynamic[k]);
    std::copy(reqs.begin(), reqs.end(),
              requests_.begin() + static_cast<std::ptrdiff_t>(request_offset_[k]));
  });
  for (const auto& pc : point_c) w.c.add(pc);
}

void Simulation::serve_point(int point, int t, std::vector<Request>& reqs, Counters& c,
                             std::vector<std::uint32_t>& became_dynamic) {
  PointState& s = points_[static_cast<std::size_t>(point)];
  std::sort(reqs.begin(), reqs.end(), [](const Request& a, const Request& b) {
    return a.key != b.key ? a.key < b.key : a.resident < b.resident;
  });
  c.capacity += counted_capacity(s);
  for (Request& r : reqs) {
    if (s.full()) {
      c.unserved += 1;
      continue;
    }
    s.hold_session();
    c.sessions += 1;
    const std::size_t i = r.resident;
    if (pop_.flags[i] & kAtCounter) {  // a counter visit (go_offline): done there, nothing learnt
      s.counter += 1;
      c.counter_sessions += 1;
      pop_.flags[i] = static_cast<std::uint16_t>(pop_.flags[i] & ~kAtCounter);
      resolve(i, kOffline, t, c);
      r.point = -1;
      continue;
    }
    Rng rng(seed_, replicate_, kStreamSession, static_cast<std::uint32_t>(i),
            static_cast<std::uint32_t>(t));
    pop_.flags[i] |= kMediated;
    const bool taught = rng.uniform() < g_.doing_with;
    const double next = taught ? teach(i, t, p_.skill_gain_per_session, became_dynamic) : 0.0;
    if (rng.uniform() < s.success) {
      pop_.trust[i] = static_cast<float>(pop_.trust[i] + p_.trust_gain * (1.0 - pop_.trust[i]));
      resolve(i, kMediation, t, c);
    }
    // Oriented to the point's workshop course (workshops.cpp), if it holds one.
    if (taught && s.workshop_hours > 0 && next < p_.skill_autonomy_threshold &&
        !(pop_.flags[i] & kEnrolled) && rng.uniform() < p_.workshop_enrol_share) {
      pop_.flags[i] |= kEnrolled;
      s.learners.push_back({static_cast<std::uint32_t>(i), 0});
    }
    r.point = -1;  // served
  }
}

// Requests not resolved this week: past the deadline, given up.
void Simulation::give_up_unserved(Week& w) {
  const int t = w.t;
  for (const Request& r : requests_) {
    const std::size_t i = r.resident;
    if (pop_.flags[i] & kAtCounter) {  // a counter visit turned away: back next week, or posted
      pop_.flags[i] = static_cast<std::uint16_t>(pop_.flags[i] & ~kAtCounter);
      if (pop_.pending[i] > 0 && t >= pop_.deadline[i]) resolve(i, kOffline, t, w.c);
      continue;
    }
    if (pop_.pending[i] > 0 && t >= pop_.deadline[i]) {
      zone_abandoned_year_[pop_.zone[i]] += pop_.pending[i];
      abandon(i, w.c);
    }
  }
  for (const auto& ch : w.chunks)
    for (std::uint32_t z : ch.abandoned_zone) zone_abandoned_year_[z] += 1;
}

}  // namespace govsim::inclusion
