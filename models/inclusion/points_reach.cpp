// Points and reach: the access points' posts and weekly session capacity, mobile units' rotation,
// new points, and which points each zone reaches within the travel cap (docs/model.md §3).
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

#include "models/inclusion/open_data.hpp"
#include "models/inclusion/simulation.hpp"

namespace govsim::inclusion {

namespace {
bool reach_before(const std::pair<int, float>& a, const std::pair<int, float>& b) {
  return a.second != b.second ? a.second < b.second : a.first < b.first;
}
}  // namespace

double Simulation::point_capacity_fte(const PointState& s, int t) const {
  double fte = s.social_fte;
  for (const Post& post : s.posts) {
    if (post.vacant(t)) continue;
    // Before a departure the current holder is still in post (hire_week is the successor's).
    const int age = t - post.hire_week;
    const double eff =
        (p_.ramp_up_weeks <= 0 || age >= p_.ramp_up_weeks || age < 0)
            ? 1.0
            : p_.new_hire_efficiency + (1 - p_.new_hire_efficiency) * age / p_.ramp_up_weeks;
    fte += post.fte * eff;
  }
  return fte;
}

void Simulation::weekly_points(Week& w) {
  const int t = w.t;
  w.point_dynamic.assign(points_.size(), {});  // residents whose skill first moves this week
  for (std::size_t k = 0; k < points_.size(); ++k) {
    PointState& s = points_[k];
    if (!s.serves_at(t)) {
      s.no_sessions();
      if (s.open && t < s.interrupted_until) ++interruption_point_weeks_;
      continue;
    }
    // France Services agents handle short procedure requests; at other points a share of
    // mediator time is set aside for workshops (sessions not about a procedure): the point's
    // course uses what its learners fill (workshops.cpp), the rest goes back to individual help.
    const bool fs = s.spec.type == PointType::FranceServices;
    const double full = point_capacity_fte(s, t) *
                        (fs ? p_.sessions_per_fte_week_fs : p_.sessions_per_fte_week) *
                        (1.0 - s.terms.reporting_share);
    s.workshop_hours = fs ? 0.0 : full * p_.workshop_share;
    const double workshop_used = hold_workshop(k, w);
    s.offer_sessions((full - workshop_used) * p_.population_scale, workshop_used);
  }
  // Mobile units tour the zones with no fixed point offering help within the limited-mobility
  // trip, in a fixed rotation.
  std::fill(mobile_visit_.begin(), mobile_visit_.end(), -1);
  if (p_.mobile_units > 0) {
    std::vector<int> uncovered;
    for (std::size_t z = 0; z < t_.zones.size(); ++z)
      if (nearest_admin_minutes(static_cast<int>(z)) > p_.max_travel_limited_minutes)
        uncovered.push_back(static_cast<int>(z));
    if (!uncovered.empty()) {
      int u = 0;
      const std::size_t n = uncovered.size();
      for (std::size_t k = 0; k < points_.size(); ++k) {
        if (points_[k].spec.type != PointType::Mobile) continue;
        for (int v = 0; v < p_.mobile_zones_per_week; ++v) {
          const std::size_t idx =
              (static_cast<std::size_t>(t) *
                   static_cast<std::size_t>(p_.mobile_units * p_.mobile_zones_per_week) +
               static_cast<std::size_t>(u * p_.mobile_zones_per_week + v)) %
              n;
          mobile_visit_[static_cast<std::size_t>(uncovered[idx])] = static_cast<int>(k);
        }
        ++u;
      }
    }
  }
}

double Simulation::nearest_service_minutes(int zone, bool car, std::uint16_t services) const {
  for (const auto& [pt, minutes] : (car ? reach_ : reach_nocar_)[static_cast<std::size_t>(zone)]) {
    const PointState& s = points_[static_cast<std::size_t>(pt)];
    if (s.open && week_ >= s.open_week && (s.spec.services & services)) return minutes;
  }
  return 1e9;
}

// Travel modes (docs/territories.md): a resident can go by car with the share of its zone's
// density class (population.car_share_*), one draw per resident index (kept by the adult who
// replaces a deceased resident: a household attribute of the dwelling); the others take public
// transport or walk, whichever is faster.
bool Simulation::has_car(std::size_t i) const {
  const auto d = static_cast<std::size_t>(t_.zones[pop_.zone[i]].density);
  Rng rng(seed_, replicate_, kStreamMode, static_cast<std::uint32_t>(i), 0);
  return rng.uniform() < p_.car_share()[d];
}

const std::vector<std::pair<int, float>>& Simulation::reach_of(std::size_t i) const {
  return (has_car(i) ? reach_ : reach_nocar_)[pop_.zone[i]];
}

double Simulation::no_car_minutes(int from, int to) const {
  const double km = t_.distance_km(from, to);
  const Density d = t_.zones[static_cast<std::size_t>(from)].density;
  return std::min(mode_minutes(km, Mode::PublicTransport, d), mode_minutes(km, Mode::Foot, d));
}

// Reach lists keep every point a resident may travel to (resolution.max_travel_*) and those the
// coverage metrics count (30 minutes); minutes are compared as stored (float).
double Simulation::reach_cap_minutes() const {
  return std::max({p_.max_travel_minutes, p_.max_travel_limited_minutes, 30.0});
}

void Simulation::rebuild_reach() {
  const double cap = reach_cap_minutes();
  // Zones holding fixed points, each with its points in index order.
  std::vector<std::pair<int, std::vector<int>>> holders;
  {
    std::vector<std::vector<int>> by_zone(t_.zones.size());
    for (std::size_t k = 0; k < points_.size(); ++k)
      if (points_[k].spec.zone >= 0)
        by_zone[static_cast<std::size_t>(points_[k].spec.zone)].push_back(static_cast<int>(k));
    for (std::size_t z = 0; z < by_zone.size(); ++z)
      if (!by_zone[z].empty()) holders.emplace_back(static_cast<int>(z), std::move(by_zone[z]));
  }
  reach_.assign(t_.zones.size(), {});
  reach_nocar_.assign(t_.zones.size(), {});
  // Each origin zone builds its own lists (parallel, no shared writes); lists are ordered by
  // (minutes, point index), so the result does not depend on evaluation order.
  tbb::parallel_for(std::size_t{0}, t_.zones.size(), [&](std::size_t from) {
    auto& list = reach_[from];
    auto& slow = reach_nocar_[from];
    for (const auto& [zone, pts] : holders) {
      const double m = t_.travel_minutes(static_cast<int>(from), zone);
      if (static_cast<float>(m) <= cap)
        for (int k : pts) list.emplace_back(k, static_cast<float>(m));
      const double s = no_car_minutes(static_cast<int>(from), zone);
      if (static_cast<float>(s) <= cap)
        for (int k : pts) slow.emplace_back(k, static_cast<float>(s));
    }
    std::sort(list.begin(), list.end(), reach_before);
    std::sort(slow.begin(), slow.end(), reach_before);
  });
}

void Simulation::add_reach(int k) {
  const double cap = reach_cap_minutes();
  const int zone = points_[static_cast<std::size_t>(k)].spec.zone;
  if (zone < 0) return;
  auto insert = [&](std::vector<std::pair<int, float>>& list, double m) {
    if (static_cast<float>(m) > cap) return;
    const std::pair<int, float> item(k, static_cast<float>(m));
    list.insert(std::upper_bound(list.begin(), list.end(), item, reach_before), item);
  };
  for (std::size_t from = 0; from < t_.zones.size(); ++from) {
    insert(reach_[from], t_.travel_minutes(static_cast<int>(from), zone));
    insert(reach_nocar_[from], no_car_minutes(static_cast<int>(from), zone));
  }
}

// The initial network: the territory's points (their services, posts, staff time and grants as
// the parameters set them) and the mobile units.
void Simulation::place_initial_points() {
  for (const PointSpec& spec : t_.points) {
    PointState s;
    s.spec = spec;
    if (spec.procedure_draw >=
        0) {  // built-in territory: the share offering procedures is a parameter
      const double share = spec.type == PointType::SocialCentre ? p_.social_centre_procedure_share
                                                                : p_.epn_procedure_share;
      s.spec.services =
          static_cast<std::uint16_t>((spec.services & ~kAdminProcedures) |
                                     (spec.procedure_draw < share ? kAdminProcedures : 0));
    }
    if (p_.master_plan && is_neighbourhood_type(spec.type) &&
        !(s.spec.services & kAdminProcedures)) {
      // The plan's first-level role: reception and orientation, with the place's own staff time
      // (a staff-time cost; no procedure sessions).
      s.plan_fte = p_.master_plan_orientation_fte;
    }
    double fte = spec.fte;
    if (p_.pooling)
      fte += p_.pooling_saving * p_.point_fixed_cost_eur / std::max(1.0, p_.fte_cost_eur);
    s.add_posts(fte, -1000);
    if (is_social_type(spec.type)) s.social_fte = p_.social_workers_trained * p_.social_worker_fte;
    s.stations = p_.stations_per_point;
    s.success = g_.session_success(p_, spec.type);
    grant_point(s, false);  // funders.cpp
    points_.push_back(std::move(s));
  }
  for (int u = 0; u < p_.mobile_units; ++u) {
    PointState s;
    s.spec = {"MOBILE-" + std::to_string(u + 1),
              "Mobile unit " + std::to_string(u + 1),
              -1,
              PointType::Mobile,
              default_services(PointType::Mobile),
              p_.mobile_fte,
              0};
    s.add_posts(p_.mobile_fte, -1000);
    s.success = g_.session_success(p_, PointType::Mobile);
    grant_point(s, false);
    points_.push_back(std::move(s));
  }
}

void Simulation::open_point(int zone, PointType type, double fte, int week) {
  PointState s;
  s.spec.id = "NEW-" + std::to_string(points_.size() + 1);
  s.spec.name =
      std::string("New ") + type_code(type) + " " + t_.zones[static_cast<std::size_t>(zone)].name;
  s.spec.zone = zone;
  s.spec.type = type;
  s.spec.services = default_services(type) | kAdminProcedures;
  s.open_week = week;
  s.add_posts(fte, week);
  s.stations = p_.stations_per_point;
  s.success = g_.session_success(p_, type);
  grant_point(s, true);  // funders.cpp: opened by the allocation rule
  points_.push_back(std::move(s));
}

}  // namespace govsim::inclusion
