// The national standard for digital-mediation places (LaMednum "Lieux de médiation numérique"
// v1.0.2): its fields and their constraints read from the vendored schema
// (data/territories/reference/), the national typology's codes and the model's point type for
// each, the check of one place against both, its service labels and its opening hours.
// Field-by-field rules: docs/territories.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/inclusion/access_points.hpp"

namespace govsim::inclusion {

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
// Service bits of a '|'-separated list of the standard's service labels (unknown labels ignored).
std::uint16_t services_from(const std::string& labels);
// Weekly opening hours from an OSM opening_hours value, also reading the "week 01-53/2" prefix
// (every other week counts half) and skipping public-holiday rules ("PH off"); -1 if unreadable.
double osm_weekly_hours(const std::string& text);

}  // namespace govsim::inclusion
