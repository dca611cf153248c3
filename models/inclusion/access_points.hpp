// Access points (lieux de médiation numérique): types after the national typology, services
// after the 9 categories of the MedNum standard.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace govsim::inclusion {

// data-inclusion typology codes (shared/reference/data-inclusion-typologies-structures-v0.json).
enum class PointType : std::uint8_t {
  Epn,
  Library,
  FranceServices,
  SocialCentre,
  Ccas,
  ThirdPlace,
  ConseillerNumerique,  // a host of the Conseillers numériques programme (its own staffing)
  Mobile
};
inline constexpr int kPointTypes = 8;
const char* type_code(
    PointType t);  // "EPN", "BIB", "RFS", "CS", "CCAS", "TIERS_LIEUX", "CNFS", "ITINERANT"
bool is_neighbourhood_type(PointType t);  // EPN, library, social centre, CCAS (master-plan scale)
bool is_social_type(PointType t);         // social centre, CCAS (socio-digital mediation)
// Whether a point has premises of its own, with governance.point_fixed_cost_eur a year: not a
// mobile unit, nor a conseiller-numérique place (a permanence in its host's premises; the
// programme pays the post).
bool has_own_premises(PointType t);

// The 9 service categories of the MedNum standard, as bits.
enum Service : std::uint16_t {
  kAdminProcedures = 1 << 0,  // Aide aux démarches administratives
  kDailyTools = 1 << 1,       // Maîtrise des outils numériques du quotidien
  kJobs = 1 << 2,             // Insertion professionnelle via le numérique
  kSafety = 1 << 3,           // Utilisation sécurisée du numérique
  kParenting = 1 << 4,        // Parentalité et éducation avec le numérique
  kCreation = 1 << 5,         // Loisirs et créations numériques
  kUnderstanding = 1 << 6,    // Compréhension du monde numérique
  kAccess = 1 << 7,           // Accès internet et matériel informatique
  kEquipment = 1 << 8,        // Acquisition de matériel informatique à prix solidaire
};
inline constexpr int kServiceCount = 9;
extern const std::array<std::string_view, kServiceCount>
    kServiceLabels;  // French labels of the standard
extern const std::array<const char*, kServiceCount>
    kServiceNames;  // short names, same order ("procedures", "daily_tools", ...): metric levels
std::uint16_t default_services(PointType t);

// A point as described by a territory (initial network), before the model runs.
struct PointSpec {
  std::string id;
  std::string name;
  int zone = 0;
  PointType type = PointType::Epn;
  std::uint16_t services = 0;
  double fte = 0;             // mediator FTE devoted to digital mediation
  double hours_per_week = 0;  // opening hours (0 = unknown)
  // Built-in territories: the uniform draw deciding whether this EPN / social centre helps with
  // procedures (it does if the draw is below points.*_procedure_share, applied per run);
  // -1: the services are as declared.
  double procedure_draw = -1;
};

// What open data say about a real place beyond the model's PointSpec: own coordinates
// (projected like the zones), national typology codes and update date as given; at_centroid
// when it had no coordinates and was placed at its commune's centroid.
struct PlaceInfo {
  double x_km = 0, y_km = 0, lat = 0, lon = 0;
  bool at_centroid = false;
  std::string typologie;
  std::string date_maj;
  std::string source;    // the standard's `source` (which national list the record came from)
  std::string typed_by;  // the field whose value decided the point type (docs/territories.md)
};

double default_fte(PointType t);

// Places in the national standard are read by models/inclusion/open_data.hpp.

// Weekly opening hours from an OpenStreetMap opening_hours value ("Mo-Fr 09:00-12:00,14:00-17:00;
// Sa 09:00-12:00"). Supports day ranges/lists and time ranges; returns -1 if it cannot read it.
double weekly_hours(std::string_view opening_hours);

}  // namespace govsim::inclusion
