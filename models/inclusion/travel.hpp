// The travel model, used by every caller (the simulation's car minutes between zones, the
// access figures of real territories, the report's map): straight-line distance × a road detour
// factor at a door-to-door speed set by the density class of the origin, plus a fixed access or
// wait time, per mode (assumptions, docs/territories.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

enum class Mode : std::uint8_t { Car, PublicTransport, Foot };
inline constexpr int kModes = 3;
extern const std::array<const char*, kModes> kModeNames;  // "car", "public_transport", "foot"
double road_detour_factor();
double mode_speed_kmh(Mode m, Density origin);
double mode_access_minutes(Mode m, Density origin);
// Minutes for `straight_km` of straight-line distance from an origin of density `origin`.
double mode_minutes(double straight_km, Mode m, Density origin);
// Straight-line km from the centroid of zone `from` to point `point` (its own coordinates when
// known); within the commune at least half its equivalent radius (people do not live at the
// centroid).
double km_to_point(const Territory& t, int from, std::size_t point);
// Minutes from the centroid of zone `from` to point `point` (its own coordinates when known).
double minutes_to_point(const Territory& t, int from, std::size_t point, Mode m);
// Car minutes from a commune's centroid to the nearest place of the territory helping with
// procedures (as the territory declares its services); -1 when no place helps.
double car_minutes_to_procedure_help(const Territory& t, int from);

}  // namespace govsim::inclusion
