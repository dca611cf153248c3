// The travel model (models/inclusion/travel.hpp).
#include "models/inclusion/travel.hpp"

#include <algorithm>
#include <cmath>

namespace govsim::inclusion {

const std::array<const char*, kModes> kModeNames = {"car", "public_transport", "foot"};

namespace {
constexpr double kDetourFactor = 1.3;
// Door-to-door speeds (km/h of road distance) by density class of the origin: urban, peri-urban,
// rural; and fixed access/parking or walk-and-wait minutes (assumptions, docs/territories.md).
constexpr std::array<std::array<double, kDensityClasses>, kModes> kSpeed = {{
    {22.0, 40.0, 55.0},  // car (also Territory::travel_minutes)
    {14.0, 18.0, 22.0},  // public transport, in-vehicle incl. stops
    {4.5, 4.5, 4.5},     // on foot
}};
constexpr std::array<std::array<double, kDensityClasses>, kModes> kAccessMinutes = {{
    {5.0, 5.0, 5.0},  // car: to and from the car, parking
    {10.0, 20.0,
     40.0},           // public transport: walk to the stop and mean wait (rural lines are sparse)
    {0.0, 0.0, 0.0},  // foot
}};
}  // namespace

double road_detour_factor() {
  return kDetourFactor;
}
double mode_speed_kmh(Mode m, Density d) {
  return kSpeed[static_cast<std::size_t>(m)][static_cast<std::size_t>(d)];
}
double mode_access_minutes(Mode m, Density d) {
  return kAccessMinutes[static_cast<std::size_t>(m)][static_cast<std::size_t>(d)];
}
double mode_minutes(double km, Mode m, Density d) {
  return mode_access_minutes(m, d) + 60.0 * km * kDetourFactor / mode_speed_kmh(m, d);
}

// Straight-line km from the centroid of zone `from` to point `point` (its own coordinates when
// known); within the commune at least half its equivalent radius (people do not live at the
// centroid).
double km_to_point(const Territory& t, int from, std::size_t point) {
  const Zone& z = t.zones[static_cast<std::size_t>(from)];
  const PointSpec& p = t.points[point];
  const Zone& pz = t.zones[static_cast<std::size_t>(p.zone)];
  const bool own = point < t.place_info.size();
  const double px = own ? t.place_info[point].x_km : pz.x_km,
               py = own ? t.place_info[point].y_km : pz.y_km;
  double km = std::hypot(z.x_km - px, z.y_km - py);
  if (p.zone == from) km = std::max(km, 0.5 * std::sqrt(z.area_km2 / M_PI));
  return km;
}

double minutes_to_point(const Territory& t, int from, std::size_t point, Mode m) {
  return mode_minutes(km_to_point(t, from, point), m,
                      t.zones[static_cast<std::size_t>(from)].density);
}

double car_minutes_to_procedure_help(const Territory& t, int from) {
  double best = -1;
  for (std::size_t p = 0; p < t.points.size(); ++p) {
    if (!(t.points[p].services & kAdminProcedures)) continue;
    const double km = km_to_point(t, from, p);
    if (best < 0 || km < best) best = km;
  }
  return best < 0 ? -1
                  : mode_minutes(best, Mode::Car, t.zones[static_cast<std::size_t>(from)].density);
}

}  // namespace govsim::inclusion
