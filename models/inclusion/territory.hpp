// The territory: zones (communes or city quarters) with their adults, geography, density class,
// EPCI and broadband; travel times; the initial network of access points. Three embedded
// territories are generated reproducibly from published aggregates (docs/territories.md), and
// planners can load their own (communes CSV + MedNum access-points CSV).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/inclusion/access_points.hpp"

namespace govsim::inclusion {

inline constexpr int kAgeBands = 5;  // 15-29, 30-44, 45-59, 60-74, 75+
extern const std::array<const char*, kAgeBands> kAgeBandNames;
enum class Density : std::uint8_t { Urban, Periurban, Rural };
inline constexpr int kDensityClasses = 3;
extern const std::array<const char*, kDensityClasses> kDensityNames;

struct Zone {
  std::string code;
  std::string name;
  double x_km = 0, y_km = 0;  // projected centroid
  double lat = 0, lon = 0;    // WGS84 centroid (real territories; 0 for generated ones)
  int density_insee = 0;      // INSEE 7-level density grid when known (1..7), else 0
  double area_km2 = 1;
  Density density = Density::Rural;
  int epci = 0;
  std::array<double, kAgeBands> adults{};  // adults by age band (full population, not scaled)
  double broadband_share = 0.8;            // households with a high-speed fixed offer
  double total_adults() const;
};

struct Territory {
  std::string name;
  std::string description;
  std::string source;  // where the aggregates come from
  std::string region;  // region the territory belongs to ("" = none named)
  // Published illectronisme figures of the territory's region, declared with the territory (each
  // < 0 if none): they replace the national age targets (population.illectronisme_<age>) in the
  // fit of the initial population unless a scenario sets any of those parameters
  // (docs/calibration.md). 60-74 and 75+ keep the national gap between their effects and meet
  // the overall rate.
  struct PublishedIllectronisme {
    double age_15_44 = -1, age_45_59 = -1, overall = -1;
    std::string source;
    bool declared() const { return age_15_44 >= 0 && age_45_59 >= 0 && overall >= 0; }
  } published_illectronisme;
  std::vector<Zone> zones;
  std::vector<std::string> epci_names;
  std::vector<PointSpec> points;      // initial network
  std::vector<PlaceInfo> place_info;  // parallel to `points` for real territories, else empty
  // Real territories (models/inclusion/open_data.hpp): date range of the places data (date_maj),
  // a caveat to show wherever the territory is used, rows rejected/left out when it was built.
  std::string places_date_min, places_date_max;
  std::string note;
  int rejected_rows = 0;
  int outside_places = 0;
  bool geographic = false;  // zones carry real lat/lon

  double total_adults() const;
  // Minutes by car from zone `from` to the centroid of zone `to` (the travel model, travel.hpp:
  // distance × detour / speed by density, plus access time; within a zone, half its radius).
  double travel_minutes(int from, int to) const;
  // Straight-line km between the centroids of two zones (within a zone, half its equivalent
  // radius: people do not live at the centroid).
  double distance_km(int from, int to) const;
};

// Embedded territories: "rural-department", "city", "former-mining-agglomeration"; also
// "france" (a generated national territory for benchmarks, ~35,000 communes, ~55M adults).
std::vector<std::string> builtin_territory_names();
bool is_builtin_territory(const std::string& name);
Territory builtin_territory(const std::string& name);

// A planner's own territory: communes CSV (INSEE style: code, name, epci, latitude, longitude,
// area_km2, pop_15_29, pop_30_44, pop_45_59, pop_60_74, pop_75_plus; optional broadband_share)
// and optionally access points in the MedNum standard. Throws InputError naming file/line/field.
Territory load_territory(const std::string& name, const std::filesystem::path& communes_csv,
                         const std::filesystem::path& points_csv);

// Adults by age band for a commune of `population` inhabitants (all ages) of density class `d`:
// 82% are 15+, split with the density-dependent mix documented in docs/territories.md.
std::array<double, kAgeBands> adults_from_population(double population, Density d);
// Initial share of households with a high-speed fixed offer by density class (assumption).
double default_broadband(Density d);

// Density class from adults per km² (INSEE-like grid thresholds, see docs/territories.md).
Density density_from(double inhabitants_per_km2);

}  // namespace govsim::inclusion
