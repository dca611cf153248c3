// libFuzzer target: arbitrary bytes through both open-data readers (communes CSV; places in the
// national standard, CSV or JSON), the territory builder and the territory JSON reader.
//
// The contract under test (engine/errors.hpp): bad input raises govsim::InputError, nothing else;
// a built territory is consistent (every point in a zone, finite coordinates). Any other
// exception, a crash or a sanitizer report is a bug; the input goes into
// tests/fuzz/regressions-territory/ (replayed first by scripts/fuzz-smoke.sh).
//
// The first byte selects what the rest feeds:
//   0: read_communes          1: read_places (CSV or JSON, detected)
//   2: build_territory, fixed communes + fuzzed places (all-or-nothing, then --skip-invalid)
//   3: build_territory, fuzzed communes + fixed places
//   4: territory_from_json_text (a `govsim territory build` output)
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/errors.hpp"
#include "models/inclusion/open_data.hpp"

namespace {

using namespace govsim::inclusion;

const char* kCommunes =
    "code_insee,name,population,lat,lon,epci_siren,epci_name,density\n"
    "16015,Angoulême,41423,45.65,0.16,200071827,Grand Angoulême,2\n"
    "16102,Cognac,18670,45.69,-0.33,200070514,Grand Cognac,3\n"
    "16001,Abzac,510,46.10,0.72,200072049,CC de Charente Limousine,7\n";

const char* kPlaces =
    "id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,typologie,date_maj,"
    "services,horaires\n"
    "a,123456789,EPN,Angoulême,16000,16015,1 rue,45.65,0.16,EPN,2023-01-01,Accès internet et "
    "matériel informatique,Mo-Fr 09:00-12:00\n"
    "b,123456789,Mairie,Cognac,16100,16102,2 rue,,,MUNI|RFS,2022-05-05,,\n";

void check(const BuildResult& r) {
  const Territory& t = r.territory;
  if (t.zones.empty()) std::abort();
  if (t.place_info.size() != t.points.size()) std::abort();
  for (const auto& p : t.points)
    if (p.zone < 0 || static_cast<std::size_t>(p.zone) >= t.zones.size() || !std::isfinite(p.fte))
      std::abort();
  for (const auto& z : t.zones)
    if (!std::isfinite(z.x_km) || !std::isfinite(z.y_km) || !(z.area_km2 > 0)) std::abort();
  (void)build_summary(r);
  (void)territory_from_json(territory_to_json(r), "roundtrip.json");
}

BuildInput input(std::string communes, std::string places, bool skip) {
  BuildInput in;
  in.name = "fuzz";
  in.communes_text = std::move(communes);
  in.communes_file = "communes.csv";
  in.places_text = std::move(places);
  in.places_file = "places";
  in.skip_invalid = skip;
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const int mode = data[0] % 5;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    std::vector<Rejection> rejected;
    std::map<std::string, int> defaulted;
    switch (mode) {
      case 0:
        (void)read_communes(text, "communes.csv", rejected);
        break;
      case 1:
        (void)read_places(text, "places", rejected, defaulted);
        break;
      case 2:
      case 3:
        for (bool skip : {false, true}) {
          try {
            check(build_territory(mode == 2 ? input(kCommunes, text, skip)
                                            : input(text, kPlaces, skip)));
          } catch (const govsim::InputError&) {
          }
        }
        break;
      default:
        (void)territory_from_json_text(text, "territory.json");
    }
  } catch (const govsim::InputError&) {
    // the contract: bad input is an InputError
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception (not InputError): %s\n", e.what());
    std::abort();
  }
  return 0;
}
