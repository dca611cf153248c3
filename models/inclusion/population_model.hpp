// The joint model of the initial population (docs/calibration.md, "Initial population"): the
// composition of a territory's adults by age, density, diploma and income class, the logit
// effects fitted to the published margins, and the shares they imply (expected) or that a drawn
// population shows (measured).
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "models/inclusion/params.hpp"
#include "models/inclusion/territory.hpp"

namespace govsim::inclusion {

struct Population;

// The joint model of the initial population (docs/calibration.md, "Initial population"):
// logit P(lacks basic skills) = age + density + diploma + income-class effects, and
// logit P(no home internet) = intercept + 75+ + no diploma + lacks-skills effects, each fitted
// by Newton's method (Eigen) so that the expected shares over the territory's composition
// (age x density from the zones, diploma | age, density and income | diploma from the generator)
// meet every published margin at once. The non-age effects are fitted on the national
// composition; the age effects are then refitted on each territory to its region's figures
// (national where none exist).
inline constexpr int kDiplomas = 3;       // none/CEP, secondary, higher
inline constexpr int kIncomeClasses = 3;  // quintiles 1-2 (poorest 40%), 3-4, 5 (richest 20%)
inline constexpr int kCells = kAgeBands * kDensityClasses * kDiplomas * kIncomeClasses;
extern const std::array<const char*, kDiplomas> kDiplomaNames;
extern const std::array<const char*, kIncomeClasses> kIncomeClassNames;
inline int cell_index(int age, int density, int diploma, int income_class) {
  return ((age * kDensityClasses + density) * kDiplomas + diploma) * kIncomeClasses + income_class;
}
inline int income_class_of(int quintile) {
  return quintile <= 1 ? 0 : (quintile == 4 ? 2 : 1);
}

struct PopulationModel {
  // Illectronisme's age effect at a single year of age x in band b:
  //   age[b] + age_slope[b] * (x - age_mean[b])
  // (the within-band gradient interpolates the published band rates, docs/calibration.md).
  std::array<double, kAgeBands> age{};        // logit effects at the band's mean age
  std::array<double, kAgeBands> age_slope{};  // per year of age within the band
  std::array<double, kAgeBands> age_mean{};   // mean age of the band's adults
  // Ages within each band and their weights (sum 1): uniform in the 15-year bands, the
  // stationary population of the life table in the 75+ band.
  std::array<std::vector<std::pair<int, double>>, kAgeBands> ages;
  // Yearly death rate by single year of age (index = years, 0 below kMinAge): Gompertz within
  // each band (demography.mortality_age_gradient), each band's mean meeting its
  // demography.mortality_* rate.
  std::vector<double> death_rate;
  std::array<double, kDensityClasses> density{};                             // peri-urban = 0
  std::array<double, kDiplomas> diploma{};                                   // secondary = 0
  std::array<double, kIncomeClasses> income{};                               // middle = 0
  double net0 = 0, net_75_plus = 0, net_no_diploma = 0, net_illiterate = 0;  // no internet use
  std::array<double, kAgeBands> age_targets{};  // the age figures the age effects were fitted to
  std::string region;                           // "France" or the region whose figures were used
  // Band average (over the band's ages) and at a single year of age.
  double p_illiterate(int age_band, int dens, int dip, int income_class) const;
  double p_illiterate_at(int years, int dens, int dip, int income_class) const;
  double p_no_internet(int age_band, int dip, bool illiterate) const;  // 0 when not illiterate
};

// Expected adults per cell of a territory (full population).
std::array<double, kCells> expected_composition(const Territory& territory);
// The fitted model for a territory (deterministic; a few Newton steps on 135 cells).
PopulationModel fit_population_model(const Territory& territory, const Params& p);
// Expected shares of the fitted model over the territory's composition, by name
// ("illectronisme_rate", "illectronisme_rate@age:75+", "no_home_internet_rate@diploma:none", ...).
std::vector<std::pair<std::string, double>> expected_shares(const Territory& territory,
                                                            const Params& p);
// The same shares measured on a generated population at week 0 (plus home_internet_rate).
std::vector<std::pair<std::string, double>> measured_shares(const Population& pop,
                                                            const Territory& territory,
                                                            const Params& p);

// Share of adults with diploma `diploma` in age band `age_band` and density class `density`
// (assumption after INSEE 2019 census tables), and the exponent of the income draw by diploma
// (income quintile = floor(5 u^gamma)): the composition's margins, also used to draw residents.
double diploma_share(int age_band, int density, int diploma);
double income_gamma(int diploma);

}  // namespace govsim::inclusion
