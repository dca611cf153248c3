// The data files compiled into the library and the vendored real territories built from them
// (models/inclusion/vendored_data.hpp).
#include "models/inclusion/vendored_data.hpp"

#include <stdexcept>

#include "models/inclusion/territory_builder.hpp"

namespace govsim::inclusion {

namespace embedded {
struct File {
  const char* path;
  std::string_view text;
};
extern const File kFiles[];
extern const std::size_t kFileCount;
}  // namespace embedded

std::string_view embedded_file(std::string_view path) {
  for (std::size_t i = 0; i < embedded::kFileCount; ++i)
    if (path == embedded::kFiles[i].path) return embedded::kFiles[i].text;
  throw std::logic_error("no embedded file " + std::string(path));
}

namespace {
struct RealSpec {
  const char* name;
  const char* dir;
  const char* description;
  const char* source;
  const char* note;
};
const RealSpec kReal[] = {
    {"loir-et-cher", "data/territories/loir-et-cher",
     "Loir-et-Cher (41), real: 267 communes (COG 2024), 85 mediation places (Hub-lo export)",
     "INSEE legal populations 2021, IGN Admin Express 2018 centroids, DGCL EPCI 2024, INSEE "
     "density grid 2024; "
     "places: Hub-lo (Centre-Val de Loire) via anct-cartographie-nationale/mednum-cli "
     "(data/territories/PROVENANCE.md)",
     "Loir-et-Cher's places data date mostly from 2020 (Hub-lo export, date_maj 2020-06 to "
     "2022-12), before the "
     "Conseillers numériques and France Services roll-out: it under-represents today's offer."},
    {"charente", "data/territories/charente",
     "Charente (16), real: 362 communes (COG 2024), 200 mediation places (national cartography "
     "2023 + France Services bus)",
     "INSEE legal populations 2021, IGN Admin Express 2018 centroids, DGCL EPCI 2024, INSEE "
     "density grid 2024; "
     "places: ANCT national cartography export (July 2023) and the Charente France Services bus "
     "(Sept. 2023) "
     "(data/territories/PROVENANCE.md)",
     ""},
};
}  // namespace

std::vector<std::string> real_territory_names() {
  return {"loir-et-cher", "charente"};
}

bool is_real_territory(const std::string& name) {
  for (const auto& r : kReal)
    if (name == r.name) return true;
  return false;
}

BuildResult real_territory(const std::string& name) {
  for (const auto& r : kReal) {
    if (name != r.name) continue;
    BuildInput in;
    in.name = r.name;
    in.description = r.description;
    in.source = r.source;
    in.note = r.note;
    in.communes_file = std::string(r.dir) + "/communes.csv";
    in.places_file = std::string(r.dir) + "/places.json";
    in.communes_text = std::string(embedded_file(in.communes_file));
    in.places_text = std::string(embedded_file(in.places_file));
    // The vendored files are unchanged copies: rows failing the strict checks are left out and
    // listed (`govsim territory show NAME`), never edited.
    in.skip_invalid = true;
    return build_territory(in);
  }
  throw std::invalid_argument("unknown real territory '" + name + "'");
}

}  // namespace govsim::inclusion
