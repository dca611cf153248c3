#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <utility>
#include <vector>

#include "engine/errors.hpp"
#include "models/inclusion/model.hpp"
#include "test_support.hpp"

using namespace govsim;
using namespace govsim::inclusion;

TEST(Territory, EmbeddedTerritoriesMatchPublishedAggregates) {
  struct Case {
    const char* name;
    std::size_t zones;
    double inhabitants;
  };
  for (const Case& c : {Case{"rural-department", 267, 328504}, Case{"city", 54, 467858},
                        Case{"former-mining-agglomeration", 36, 242587}}) {
    const Territory t = builtin_territory(c.name);
    EXPECT_EQ(t.zones.size(), c.zones) << c.name;
    // Adults are 82% of inhabitants (INSEE 2021); generated totals within 1%.
    EXPECT_NEAR(t.total_adults() / 0.82, c.inhabitants, 0.01 * c.inhabitants) << c.name;
    EXPECT_FALSE(t.points.empty()) << c.name;
  }
  EXPECT_EQ(builtin_territory("rural-department").epci_names.size(), 11u);
}

TEST(Territory, GenerationIsReproducible) {
  const Territory a = builtin_territory("rural-department"), b = builtin_territory("rural-department");
  ASSERT_EQ(a.zones.size(), b.zones.size());
  for (std::size_t i = 0; i < a.zones.size(); ++i) {
    EXPECT_EQ(a.zones[i].x_km, b.zones[i].x_km);
    EXPECT_EQ(a.zones[i].adults, b.zones[i].adults);
  }
  EXPECT_EQ(a.points.size(), b.points.size());
}

TEST(Territory, TravelTimesGrowWithDistance) {
  const Territory t = builtin_territory("rural-department");
  const int n = std::min(40, static_cast<int>(t.zones.size()));
  for (int from = 0; from < n; ++from) {
    const Zone& a = t.zones[static_cast<std::size_t>(from)];
    // Within a zone: the access time plus half the zone's radius.
    EXPECT_GT(t.travel_minutes(from, from), 5.0) << a.code;
    // From one origin, minutes rise with the straight-line distance to the destination.
    std::vector<std::pair<double, double>> km_minutes;
    for (int to = 0; to < n; ++to) {
      if (to == from) continue;
      const Zone& b = t.zones[static_cast<std::size_t>(to)];
      km_minutes.emplace_back(std::hypot(a.x_km - b.x_km, a.y_km - b.y_km), t.travel_minutes(from, to));
    }
    std::sort(km_minutes.begin(), km_minutes.end());
    for (std::size_t k = 1; k < km_minutes.size(); ++k)
      EXPECT_LE(km_minutes[k - 1].second, km_minutes[k].second) << a.code << " at " << km_minutes[k].first << " km";
    EXPECT_LT(km_minutes.front().second, km_minutes.back().second) << a.code;
  }
}

// Calibration (brief §6): at week 0 the share of adults lacking basic digital skills by age band
// matches INSEE 2019 (15-44 3%, 45-59 9%, 60-74 27%, 75+ 67%) within ±2 points, and rural zones
// have a higher rate than urban ones.
TEST(Calibration, InitialIlllectronismeByAgeMatchesInsee) {
  const std::array<double, kAgeBands> target = {0.03, 0.03, 0.09, 0.27, 0.67};
  for (const char* name : {"rural-department", "city", "former-mining-agglomeration"}) {
    Simulation sim(test_support::model_with(name, {}), 20190101, 0);
    const auto ill = sim.illectronisme_by_age();
    for (std::size_t a = 0; a < kAgeBands; ++a)
      EXPECT_NEAR(ill[a], target[a], 0.02) << name << " age band " << kAgeBandNames[a];
    const auto dens = sim.illectronisme_by_density();
    EXPECT_GT(dens[2] > 0 ? dens[2] : dens[1], dens[0]) << name << ": rural (or peri-urban) above urban";
  }
}

TEST(Territory, LoadsCommunesCsvAndRejectsBadRows) {
  const auto dir = std::filesystem::temp_directory_path() / ("govsim_terr_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir / "communes.csv");
    f << "code,name,epci,latitude,longitude,area_km2,pop_15_29,pop_30_44,pop_45_59,pop_60_74,pop_75_plus\n"
      << "41018,Blois,CA Agglopolys,47.59,1.33,37.5,9000,8000,8000,7000,4000\n"
      << "41269,Vendome,CA Vendome,47.79,1.07,23.9,2500,2600,3000,2900,1800\n"
      << "41001,Villeneuve,CC Sologne,47.4,1.8,40,50,60,80,90,60\n";
  }
  const Territory t = load_territory("test", dir / "communes.csv", "");
  EXPECT_EQ(t.zones.size(), 3u);
  EXPECT_EQ(t.epci_names.size(), 3u);
  EXPECT_EQ(t.zones[0].density, Density::Urban);
  EXPECT_EQ(t.zones[2].density, Density::Rural);
  {
    std::ofstream f(dir / "bad.csv");
    f << "code,name,epci,latitude,longitude,area_km2,pop_15_29,pop_30_44,pop_45_59,pop_60_74,pop_75_plus\n"
      << "41018,Blois,CA,47.59,1.33,37.5,9000,8000,8000,7000,4000\n"
      << "41269,Vendome,CA,47.79,abc,23.9,2500,2600,3000,2900,1800\n";
  }
  try {
    load_territory("bad", dir / "bad.csv", "");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("bad.csv"), std::string::npos) << m;
    EXPECT_NE(m.find("line 3"), std::string::npos) << m;
    EXPECT_NE(m.find("longitude"), std::string::npos) << m;
  }
  {
    std::ofstream f(dir / "points.csv");
    f << "id,pivot,nom,commune,code_postal,code_insee,adresse,date_maj,typologie,services,horaires\n"
      << "p1,000000000,EPN Blois,Blois,41000,41018,1 rue,2024-01-01,EPN,Aide aux démarches administratives|Accès internet et matériel informatique,Mo-Fr 09:00-12:00\n"
      << "p2,000000000,Médiathèque,Vendome,41100,41269,2 rue,2024-01-01,BIB,Loisirs et créations numériques,\n";
    std::ofstream g(dir / "badpoints.csv");
    g << "id,nom,code_insee,services\n"
      << "p1,EPN,41018,Aide aux démarches\n";
  }
  const Territory tp = load_territory("test", dir / "communes.csv", dir / "points.csv");
  ASSERT_EQ(tp.points.size(), 2u);
  EXPECT_EQ(tp.points[0].type, PointType::Epn);
  EXPECT_TRUE(tp.points[0].services & kAdminProcedures);
  EXPECT_NEAR(tp.points[0].hours_per_week, 15.0, 1e-9);
  EXPECT_EQ(tp.points[1].type, PointType::Library);
  EXPECT_THROW(load_territory("test", dir / "communes.csv", dir / "badpoints.csv"), InputError);
  std::filesystem::remove_all(dir);
}

TEST(AccessPoints, WeeklyHoursFromOpeningHours) {
  EXPECT_NEAR(weekly_hours("Mo-Fr 09:00-12:00,14:00-17:00"), 30.0, 1e-9);
  EXPECT_NEAR(weekly_hours("Mo,We 10:00-12:00; Sa 09:00-12:30"), 7.5, 1e-9);
  EXPECT_LT(weekly_hours("sometimes"), 0);
}
