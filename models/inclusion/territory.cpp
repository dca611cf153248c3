#include "models/inclusion/territory.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "engine/csv.hpp"
#include "engine/errors.hpp"
#include "engine/rng.hpp"
#include "models/inclusion/territory_builder.hpp"
#include "models/inclusion/travel.hpp"

namespace govsim::inclusion {

const std::array<const char*, kAgeBands> kAgeBandNames = {"15-29", "30-44", "45-59", "60-74",
                                                          "75+"};
const std::array<const char*, kDensityClasses> kDensityNames = {"urban", "periurban", "rural"};

double Zone::total_adults() const {
  return std::accumulate(adults.begin(), adults.end(), 0.0);
}

double Territory::total_adults() const {
  double s = 0;
  for (const auto& z : zones) s += z.total_adults();
  return s;
}

double Territory::distance_km(int from, int to) const {
  const Zone& a = zones[static_cast<std::size_t>(from)];
  const Zone& b = zones[static_cast<std::size_t>(to)];
  return from == to ? 0.5 * std::sqrt(a.area_km2 / M_PI)
                    : std::hypot(a.x_km - b.x_km, a.y_km - b.y_km);
}

double Territory::travel_minutes(int from, int to) const {
  return mode_minutes(distance_km(from, to), Mode::Car,
                      zones[static_cast<std::size_t>(from)].density);
}

Density density_from(double per_km2) {
  // Thresholds after INSEE's density grid (dense ≥ ~1,500/km² in 1 km cells, intermediate,
  // rural); at commune level we use 400 and 80 inhabitants per km².
  if (per_km2 >= 400) return Density::Urban;
  if (per_km2 >= 80) return Density::Periurban;
  return Density::Rural;
}

namespace {

// Share of the population aged 15+ (INSEE 2021, France: ~82%).
constexpr double kAdultShare = 0.82;
// Adults by age band and density class (assumption after INSEE 2021 age pyramids: rural
// communes older, cities younger).
constexpr std::array<std::array<double, kAgeBands>, kDensityClasses> kAgeMix = {{
    {0.28, 0.25, 0.22, 0.16, 0.09},
    {0.20, 0.23, 0.26, 0.20, 0.11},
    {0.16, 0.20, 0.26, 0.24, 0.14},
}};
// Households with a high-speed fixed offer at the start, by density class (assumption; INSEE:
// lack of an offer explains 5% of no-internet households, 13% in rural communes).
constexpr std::array<double, kDensityClasses> kBroadband = {0.95, 0.85, 0.70};

}  // namespace

std::array<double, kAgeBands> adults_from_population(double population, Density d) {
  std::array<double, kAgeBands> out{};
  const auto& mix = kAgeMix[static_cast<int>(d)];
  for (int a = 0; a < kAgeBands; ++a)
    out[static_cast<std::size_t>(a)] = population * kAdultShare * mix[static_cast<std::size_t>(a)];
  return out;
}

double default_broadband(Density d) {
  return kBroadband[static_cast<int>(d)];
}

namespace {

struct EpciSpec {
  std::string name;
  double population;  // inhabitants (all ages)
  int communes;
  double main_town;  // inhabitants of its main town
  std::string town_name;
};

struct GeneratorSpec {
  std::string name, description, source;
  double area_km2;
  std::vector<EpciSpec> epcis;
  std::uint64_t seed;
  bool quarters = false;  // first EPCI's communes are city quarters
};

// Lays out communes EPCI by EPCI: the main town at the EPCI centre, the others around it with
// log-normal populations rescaled to the EPCI total.
Territory generate(const GeneratorSpec& g) {
  Territory t;
  t.name = g.name;
  t.description = g.description;
  t.source = g.source;
  int total_communes = 0;
  for (const auto& e : g.epcis) total_communes += e.communes;
  const double side = std::sqrt(g.area_km2);
  const double commune_area = g.area_km2 / total_communes;
  // EPCI centres on a jittered grid.
  const int n_epci = static_cast<int>(g.epcis.size());
  const int grid = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n_epci))));
  for (int e = 0; e < n_epci; ++e) {
    const EpciSpec& spec = g.epcis[static_cast<std::size_t>(e)];
    t.epci_names.push_back(spec.name);
    Rng rng(g.seed, 0, 1, static_cast<std::uint32_t>(e), 0);
    const double cx = (e % grid + 0.5 + 0.3 * (rng.uniform() - 0.5)) * side / grid;
    const double cy = (e / grid + 0.5 + 0.3 * (rng.uniform() - 0.5)) * side / grid;
    const double epci_area = commune_area * spec.communes;
    const double radius = std::sqrt(epci_area / M_PI);
    std::vector<double> pops(static_cast<std::size_t>(spec.communes));
    pops[0] = spec.main_town;
    double rest = 0;
    for (int c = 1; c < spec.communes; ++c) {
      pops[static_cast<std::size_t>(c)] = std::exp(6.6 + 0.9 * rng.normal());
      rest += pops[static_cast<std::size_t>(c)];
    }
    const double scale = spec.communes > 1 ? (spec.population - spec.main_town) / rest : 0;
    for (int c = 0; c < spec.communes; ++c) {
      Zone z;
      const double pop = c == 0 ? spec.main_town : pops[static_cast<std::size_t>(c)] * scale;
      const bool quarter = g.quarters && e == 0;
      z.code = g.name.substr(0, 3) + "-" + std::to_string(e + 1) + "-" + std::to_string(c + 1);
      z.name = c == 0 ? spec.town_name
                      : (quarter ? spec.town_name + " quarter " : spec.name + " commune ") +
                            std::to_string(c + 1);
      if (c == 0) {
        z.x_km = cx;
        z.y_km = cy;
      } else {
        const double r = radius * std::sqrt(0.05 + 0.95 * rng.uniform());
        const double a = 6.283185307179586 * rng.uniform();
        z.x_km = cx + r * std::cos(a);
        z.y_km = cy + r * std::sin(a);
      }
      // Towns and quarters are compact; villages take the remaining land.
      z.area_km2 = quarter ? std::max(1.0, commune_area) : commune_area * (c == 0 ? 1.5 : 1.0);
      z.density = density_from(pop / z.area_km2);
      z.epci = e;
      const auto& mix = kAgeMix[static_cast<int>(z.density)];
      for (int a = 0; a < kAgeBands; ++a)
        z.adults[static_cast<std::size_t>(a)] =
            pop * kAdultShare * mix[static_cast<std::size_t>(a)];
      z.broadband_share = kBroadband[static_cast<int>(z.density)];
      t.zones.push_back(std::move(z));
    }
  }
  return t;
}

// The initial network of points (status quo), from zone sizes (assumption, documented):
// a France Services site per EPCI plus one per 40,000 inhabitants; an EPN in communes of
// 3,000+; a library with digital help in communes of 2,000+; a CCAS in communes of 5,000+;
// a social centre per 8,000 inhabitants in towns; a third place in towns of 15,000+.
void add_initial_points(Territory& t, std::uint64_t seed, int social_centres_override = -1) {
  std::vector<std::vector<int>> by_epci(t.epci_names.size());
  for (std::size_t i = 0; i < t.zones.size(); ++i)
    by_epci[static_cast<std::size_t>(t.zones[i].epci)].push_back(static_cast<int>(i));
  auto add = [&](int zone, PointType type, const std::string& label, std::uint16_t services) {
    PointSpec p;
    p.id = std::string(type_code(type)) + "-" + std::to_string(t.points.size() + 1);
    p.name = std::string(type_code(type)) + " " + label;
    p.zone = zone;
    p.type = type;
    p.services = services;
    p.fte = default_fte(type);
    t.points.push_back(std::move(p));
  };
  for (std::size_t e = 0; e < by_epci.size(); ++e) {
    auto zones = by_epci[e];
    std::sort(zones.begin(), zones.end(), [&](int a, int b) {
      return t.zones[static_cast<std::size_t>(a)].total_adults() >
             t.zones[static_cast<std::size_t>(b)].total_adults();
    });
    double epci_pop = 0;
    for (int z : zones)
      epci_pop += t.zones[static_cast<std::size_t>(z)].total_adults() / kAdultShare;
    const int n_fs = 1 + static_cast<int>(epci_pop / 40000.0);
    for (int k = 0; k < n_fs && k < static_cast<int>(zones.size()); ++k)
      add(zones[static_cast<std::size_t>(k)], PointType::FranceServices,
          t.zones[static_cast<std::size_t>(zones[static_cast<std::size_t>(k)])].name,
          default_services(PointType::FranceServices));
  }
  int social_left = social_centres_override;
  for (std::size_t i = 0; i < t.zones.size(); ++i) {
    const Zone& z = t.zones[i];
    const double pop = z.total_adults() / kAdultShare;
    const int zi = static_cast<int>(i);
    Rng rng(seed, 0, 2, static_cast<std::uint32_t>(i), 0);
    if (pop >= 3000) {
      // Some EPNs also help with procedures (isolated, each with its own offer): the draw is
      // kept, the share is a parameter (points.epn_procedure_share; 0.5 here).
      std::uint16_t s = default_services(PointType::Epn);
      const double u = rng.uniform();
      if (u < 0.5) s |= kAdminProcedures;
      add(zi, PointType::Epn, z.name, s);
      t.points.back().procedure_draw = u;
    }
    if (pop >= 2000) add(zi, PointType::Library, z.name, default_services(PointType::Library));
    if (pop >= 5000) add(zi, PointType::Ccas, z.name, default_services(PointType::Ccas));
    if (social_centres_override < 0) {
      const int n_cs = static_cast<int>(pop / 8000.0);
      for (int k = 0; k < n_cs; ++k) {
        std::uint16_t s = default_services(PointType::SocialCentre);
        const double u = rng.uniform();
        if (u < 0.5) s |= kAdminProcedures;
        add(zi, PointType::SocialCentre, z.name, s);
        t.points.back().procedure_draw = u;  // points.social_centre_procedure_share
      }
    } else if (social_left > 0 && pop >= 8000) {
      add(zi, PointType::SocialCentre, z.name + " (espace social commun)",
          default_services(PointType::SocialCentre) | kAdminProcedures);
      --social_left;
    }
    if (pop >= 15000)
      add(zi, PointType::ThirdPlace, z.name, default_services(PointType::ThirdPlace));
  }
}

Territory rural_department() {
  // Loir-et-Cher-like: 328,504 inhabitants (2021), 267 communes, 6,343 km², 11 EPCI; largest
  // EPCI ~106k (Blois), ~52k (Vendôme). Main towns: INSEE 2021 legal populations (rounded).
  GeneratorSpec g{"rural-department",
                  "Loir-et-Cher-like rural department: 267 communes in 11 EPCI",
                  "INSEE 2021 legal populations (department, EPCI and main towns), rounded",
                  6343,
                  {{"Agglopolys (Blois)", 106000, 43, 46000, "Blois"},
                   {"Territoires Vendômois", 52000, 65, 15500, "Vendôme"},
                   {"Romorantinais et Monestois", 26000, 11, 17000, "Romorantin-Lanthenay"},
                   {"Beauce Val de Loire", 21000, 24, 6500, "Mer"},
                   {"Val de Cher Controis", 46000, 37, 5000, "Le Controis-en-Sologne"},
                   {"Grand Chambord", 21000, 16, 3300, "Bracieux"},
                   {"Sologne des Rivières", 17000, 13, 5300, "Salbris"},
                   {"Sologne des Etangs", 9000, 11, 2400, "Neung-sur-Beuvron"},
                   {"Collines du Perche", 7500, 21, 2000, "Mondoubleau"},
                   {"Perche et Haut Vendômois", 12000, 16, 3700, "Montoire-sur-le-Loir"},
                   {"Cœur de Sologne", 11004, 10, 3000, "Lamotte-Beuvron"}},
                  0x4C6F6972ull};
  Territory t = generate(g);
  t.region = "Centre-Val de Loire";
  // The region's published illectronisme (2019): 19% overall; 15-44 4%, 45-59 9% (60-69 23%,
  // 70+ 62%, whose bands do not match ours: the fit keeps the national gap between 60-74 and 75+
  // and meets the overall rate).
  t.published_illectronisme = {0.04, 0.09, 0.19, "Insee Flash Centre-Val de Loire n°56 (2022)"};
  add_initial_points(t, g.seed);
  return t;
}

Territory city() {
  // Rennes-like: commune 225,081 inhabitants (2021) in 12 quarters; metropole 43 communes,
  // 467,858 inhabitants, 705 km². Six "espaces sociaux communs" (seed contribution 3).
  GeneratorSpec g{"city",
                  "Rennes-like city: 12 quarters and 42 other communes of the metropole",
                  "INSEE 2021 legal populations (commune, metropole), rounded",
                  705,
                  {{"Rennes (quarters)", 225081, 12, 25000, "Rennes Centre"},
                   {"Rennes Métropole North", 82000, 14, 17000, "Saint-Grégoire"},
                   {"Rennes Métropole South", 88000, 14, 18000, "Bruz"},
                   {"Rennes Métropole East", 72777, 14, 17000, "Cesson-Sévigné"}},
                  0x52656E6Eull,
                  /*quarters=*/true};
  Territory t = generate(g);
  // Quarters are dense and compact: 50 km² for the commune.
  for (auto& z : t.zones)
    if (z.epci == 0) {
      z.area_km2 = 50.4 / 12;
      z.density = Density::Urban;
    }
  // One EPCI (the metropole); the generator's sub-areas only placed the communes.
  for (auto& z : t.zones) z.epci = 0;
  t.epci_names = {"Rennes Métropole"};
  add_initial_points(t, g.seed, /*social_centres_override=*/6);
  return t;
}

Territory former_mining_agglomeration() {
  // Lens-Liévin-like: 36 communes, 242,587 inhabitants (2021), 239.4 km².
  GeneratorSpec g{
      "former-mining-agglomeration",
      "Lens-Liévin-like former mining agglomeration: 36 communes",
      "INSEE 2021 legal populations (agglomeration, Lens, Liévin), rounded",
      239.4,
      {{"Lens side", 121000, 18, 31500, "Lens"}, {"Liévin side", 121587, 18, 30500, "Liévin"}},
      0x4C656E73ull};
  Territory t = generate(g);
  for (auto& z : t.zones) z.epci = 0;
  t.epci_names = {"Communauté d'agglomération de Lens-Liévin"};
  add_initial_points(t, g.seed);
  return t;
}

Territory france() {
  // A generated national territory for benchmarks: ~35,000 communes, ~67M inhabitants
  // (~55M adults), 1,250 EPCI of 28 communes, 550,000 km².
  GeneratorSpec g{"france",
                  "Generated national territory (benchmarks only)",
                  "INSEE 2021 aggregates: 34,945 communes, 67.4M inhabitants",
                  550000,
                  {},
                  0x4672616Eull};
  for (int e = 0; e < 1250; ++e) {
    Rng rng(g.seed, 0, 3, static_cast<std::uint32_t>(e), 0);
    const double town = std::exp(9.5 + 1.0 * rng.normal());
    g.epcis.push_back({"EPCI " + std::to_string(e + 1), 0, 28, std::min(town, 400000.0),
                       "Town " + std::to_string(e + 1)});
  }
  double towns = 0;
  for (const auto& e : g.epcis) towns += e.main_town;
  const double rest = (67.4e6 - towns) / 1250.0;
  for (auto& e : g.epcis) e.population = e.main_town + rest;
  Territory t = generate(g);
  add_initial_points(t, g.seed);
  return t;
}

}  // namespace

std::vector<std::string> builtin_territory_names() {
  return {"rural-department", "city", "former-mining-agglomeration", "france"};
}

bool is_builtin_territory(const std::string& name) {
  const auto names = builtin_territory_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

Territory builtin_territory(const std::string& name) {
  if (name == "rural-department") return rural_department();
  if (name == "city") return city();
  if (name == "former-mining-agglomeration") return former_mining_agglomeration();
  if (name == "france") return france();
  throw std::invalid_argument("unknown embedded territory '" + name + "'");
}

Territory load_territory(const std::string& name, const std::filesystem::path& communes_csv,
                         const std::filesystem::path& points_csv) {
  // Strict readers (models/inclusion/open_data.cpp): all-or-nothing.
  Territory t =
      build_territory_files(name, communes_csv, points_csv, /*skip_invalid=*/false).territory;
  if (points_csv.empty()) add_initial_points(t, 0x55736572ull);
  return t;
}

}  // namespace govsim::inclusion
