// Strict readers of real open data: an INSEE-style communes CSV, and places in the national
// standard (mednum_standard.hpp), CSV or JSON. Row-level problems are collected as Rejections
// (file, line, record, field, reason); file-level ones throw InputError. Field-by-field rules:
// docs/territories.md.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
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
  std::string source, dispositifs;  // `source`, `dispositif_programmes_nationaux` ('|'-separated)
  bool has_coords = false;
  double lat = 0, lon = 0;
  std::uint16_t services = 0;
  bool has_services = false;
  bool itinerant = false;
};

// The readers (used by the builder, tests and the fuzz target).
std::vector<CommuneRecord> read_communes(const std::string& text, const std::string& file,
                                         std::vector<Rejection>& rejected);
std::vector<PlaceRecord> read_places(const std::string& text, const std::string& file,
                                     std::vector<Rejection>& rejected,
                                     std::map<std::string, int>& defaulted);

}  // namespace govsim::inclusion
