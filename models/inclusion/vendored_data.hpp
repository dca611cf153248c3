// The data files compiled into the library (data/territories/: the standard's schema and
// typology, the vendored communes and places), and the two real territories built from them at
// run time ("loir-et-cher", "charente"; provenance in data/territories/PROVENANCE.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/inclusion/territory_builder.hpp"

namespace govsim::inclusion {

std::vector<std::string> real_territory_names();  // "loir-et-cher", "charente"
bool is_real_territory(const std::string& name);
BuildResult real_territory(const std::string& name);
// An embedded file by its path under the source tree ("data/territories/charente/places.json").
std::string_view embedded_file(std::string_view path);

}  // namespace govsim::inclusion
