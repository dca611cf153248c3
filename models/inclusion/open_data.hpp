// Real territories from open data: strict readers for an INSEE-style communes CSV and for places
// in the national standard for digital-mediation places (LaMednum "Lieux de médiation numérique"
// v1.0.2, CSV or JSON), the territory builder behind `govsim territory build`, the territory
// JSON it writes, and the two real territories vendored under data/territories/ ("loir-et-cher",
// "charente"), built at run time from the embedded files. Field-by-field rules:
// docs/territories.md.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

// One rejected row: file, line (1-based; for JSON the line of the record's opening brace, or of
// the offending key), the record's id when known, the field and the reason.
struct Rejection {
  std::string file;
  int line = 0;
  std::string record;
  std::string field;
  std::string value;
  std::string reason;
  std::string text() const;  // "file: line 12 (id 'x'), field 'latitude': reason (got '...')"
};

// A commune as read from the communes CSV (before the territory is assembled).
struct CommuneRecord {
  int line = 0;
  std::string code, name;
  double population = -1;  // all ages; -1 when only age bands are given
  double lat = 0, lon = 0;
  std::string epci_code, epci_name;
  int density_insee = 0;  // INSEE 7-level grid, 0 = absent
  double area_km2 = 0;    // 0 = absent (estimated from neighbours)
  bool has_age_bands = false;
  std::array<double, kAgeBands> adults{};
  double broadband_share = -1;  // -1 = absent
};

// A place as read from the standard (only what the model uses is kept).
struct PlaceRecord {
  int line = 0;
  std::string id, name, code_insee, typologie, date_maj, horaires;
  bool has_coords = false;
  double lat = 0, lon = 0;
  std::uint16_t services = 0;
  bool has_services = false;
  bool itinerant = false;
};

// The standard: every field of the schema with its constraints (required, pattern, type), read
// from the vendored schema (data/territories/reference/), and the national typology's codes.
struct StandardField {
  std::string name, type;
  bool required = false, unique = false;
  std::string pattern;  // full-match regular expression, "" if none
  std::size_t max_length = 0;
};
const std::vector<StandardField>& standard_fields();
bool is_typology_code(std::string_view code);
std::string typology_label(std::string_view code);
// The model's point type for a national typology code (docs/territories.md has the table).
PointType point_type_for(std::string_view typology_code);
// Checks one place (field name -> text value; absent fields are absent from the map) against the
// standard and the typology. Returns (field, reason) for every violation; empty = conforms.
std::vector<std::pair<std::string, std::string>> check_place(
    const std::map<std::string, std::string>& fields);

// Geography (docs/territories.md): straight-line distance × detour factor at a speed set by the
// density class of the origin, plus a fixed access/wait time, per mode.
enum class Mode : std::uint8_t { Car, PublicTransport, Foot };
inline constexpr int kModes = 3;
extern const std::array<const char*, kModes> kModeNames;  // "car", "public_transport", "foot"
double road_detour_factor();
double mode_speed_kmh(Mode m, Density origin);
double mode_access_minutes(Mode m, Density origin);
double mode_minutes(double straight_km, Mode m, Density origin);
// Minutes from the centroid of zone `from` to point `point` (its own coordinates when known).
double minutes_to_point(const Territory& t, int from, std::size_t point, Mode m);

// What was defaulted while building, and where the data come from.
struct BuildReport {
  std::vector<Rejection> rejected;
  int outside = 0;  // places in a département not covered by the communes file (left out)
  std::map<std::string, int> defaulted;  // what -> how many rows
  std::string places_date_min, places_date_max;
  int placeholder_dates = 0;  // date_maj before 2000 (placeholders such as 1970-01-01)
};

struct BuildInput {
  std::string communes_text, communes_file;
  std::string places_text, places_file;  // empty text = no places (generated status-quo network)
  std::string name, description, source, note;
  bool skip_invalid = false;
  // Called with (rows done, rows in all) while building: communes, then places (optional).
  std::function<void(long long, long long)> progress;
};

struct BuildResult {
  Territory territory;
  BuildReport report;
};

// Reads both files and assembles the territory. File-level problems (encoding, delimiter,
// missing columns, syntax, no rows) always throw InputError; row-level problems are collected
// and, unless skip_invalid, thrown as one InputError listing them (nothing is half-built).
BuildResult build_territory(const BuildInput& in);
// Same, from files on disk (places: CSV or JSON, detected from the content).
BuildResult build_territory_files(
    const std::string& name, const std::filesystem::path& communes,
    const std::filesystem::path& places, bool skip_invalid,
    const std::function<void(long long, long long)>& progress = nullptr);

// The readers alone (used by the builder, tests and the fuzz target).
std::vector<CommuneRecord> read_communes(const std::string& text, const std::string& file,
                                         std::vector<Rejection>& rejected);
std::vector<PlaceRecord> read_places(const std::string& text, const std::string& file,
                                     std::vector<Rejection>& rejected,
                                     std::map<std::string, int>& defaulted);

// Territory JSON (`govsim territory build --out`): everything the model uses, plus the summary.
nlohmann::json territory_to_json(const BuildResult& r);
Territory territory_from_json(const nlohmann::json& j, const std::string& file);
Territory load_territory_json(const std::filesystem::path& path);
// A short description for manifests and reports (name, sources, date range, counts, warning).
nlohmann::json territory_info(const Territory& t);
// Human summary printed by `govsim territory build`.
std::string build_summary(const BuildResult& r);
// CSV of rejected rows: file,line,record,field,value,reason.
std::string rejections_csv(const std::vector<Rejection>& rejected);

// The vendored real territories.
std::vector<std::string> real_territory_names();  // "loir-et-cher", "charente"
bool is_real_territory(const std::string& name);
BuildResult real_territory(const std::string& name);
// An embedded file by its path under the source tree ("data/territories/charente/places.json").
std::string_view embedded_file(std::string_view path);

}  // namespace govsim::inclusion
