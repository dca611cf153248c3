// The owner's level acts through allocation (docs/mechanisms.md, "Owner level"): it sets the
// perimeter within which new money is pooled (commune, EPCI, the whole territory) and, for a
// region, the resolution at which needs are seen. One test per level asserts its defining
// behaviour on the placements of the first year's new money, checked against an independent
// computation from the territory (shares of the network's running cost, needs counted from the
// generated population); a paired test shows two levels differ on an outcome beyond noise. Last,
// a needs diagnosis is not ignored when observation is on.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>

#include "engine/stats.hpp"
#include "test_support.hpp"

using namespace govsim;
using namespace govsim::inclusion;
using test_support::Overrides;
using test_support::with;

namespace {

// No grant is lost in year 1 (every funder renews: funders.<f>.renewal 1), so the network the first
// allocation sees is the initial one and its running cost by commune can be computed from the
// territory alone. The envelope grows by half in year 1 (instead of 5%) so that there are enough
// units to place for a share to show (about 90 units instead of 9).
const Overrides kBase = {
    {"sim.population_scale", 0.08},       {"sim.horizon_weeks", 60},
    {"governance.budget_growth", 0.5},    {"funders.state.renewal", 1.0},
    {"funders.region.renewal", 1.0},      {"funders.department.renewal", 1.0},
    {"funders.epci.renewal", 1.0},        {"funders.commune.renewal", 1.0},
    {"funders.caf.renewal", 1.0},         {"funders.banque_des_territoires.renewal", 1.0},
    {"governance.owner_instability", 0.0}};
constexpr int kYear = 1;

std::unique_ptr<Simulation> run_sim(const Overrides& o, std::uint32_t replicate,
                                    std::vector<double>* need_by_zone = nullptr) {
  auto sim =
      std::make_unique<Simulation>(test_support::model_with("rural-department", o), 11, replicate);
  if (need_by_zone) {
    // The diagnosis, counted independently: generated adults lacking basic skills by commune.
    const auto& model = test_support::model_with("rural-department", o);
    need_by_zone->assign(model->territory->zones.size(), 0.0);
    const Population& pop = sim->population();
    for (std::size_t i = 0; i < pop.size(); ++i)
      if (pop.base_skill[i] < model->params.skill_basic_threshold)
        (*need_by_zone)[pop.zone[i]] += 1;
  }
  sim->run();
  return sim;
}

// Share of the initial network's running cost located in each group of communes.
std::vector<double> cost_shares(const Territory& t, const Params& p, bool by_epci) {
  std::vector<double> c(by_epci ? t.epci_names.size() : t.zones.size(), 0.0);
  double total = 0;
  for (const auto& pt : t.points) {
    const double v = p.point_fixed_cost_eur + pt.fte * p.fte_cost_eur;
    const auto z = static_cast<std::size_t>(pt.zone);
    c[by_epci ? static_cast<std::size_t>(t.zones[z].epci) : z] += v;
    total += v;
  }
  for (double& v : c) v /= total;
  return c;
}

int units_of_year(const Simulation& sim, int year) {
  for (const auto& [y, u] : sim.allocation_units())
    if (y == year) return u;
  return 0;
}

// Units placed in year `year`, summed by the group (commune or EPCI) of the funded point.
std::vector<double> placed_by(const Simulation& sim, const Territory& t, int year, bool by_epci) {
  std::vector<double> n(by_epci ? t.epci_names.size() : t.zones.size(), 0.0);
  for (const auto& pl : sim.placements()) {
    if (pl.year != year) continue;
    const auto z =
        static_cast<std::size_t>(sim.points()[static_cast<std::size_t>(pl.point)].spec.zone);
    n[by_epci ? static_cast<std::size_t>(t.zones[z].epci) : z] += pl.units;
  }
  return n;
}

// The most populous commune of each EPCI.
std::set<int> main_communes(const Territory& t) {
  std::vector<int> best(t.epci_names.size(), -1);
  for (std::size_t z = 0; z < t.zones.size(); ++z) {
    auto& b = best[static_cast<std::size_t>(t.zones[z].epci)];
    if (b < 0 || t.zones[z].total_adults() > t.zones[static_cast<std::size_t>(b)].total_adults())
      b = static_cast<int>(z);
  }
  return {best.begin(), best.end()};
}

}  // namespace

// Commune owner: each commune's new money stays in the commune, in proportion to the running
// cost of the network it already funds (largest remainders: within one unit of its exact share).
TEST(OwnerLevel, CommuneMoneyStaysInEachCommuneInProportionToWhatItFunds) {
  const auto model = test_support::model_with("rural-department", kBase);
  const auto shares = cost_shares(*model->territory, model->params, false);
  for (std::uint32_t r = 0; r < 3; ++r) {
    const auto sim = run_sim(kBase, r);  // default: commune owner, competitive calls
    const int units = units_of_year(*sim, kYear);
    ASSERT_GT(units, 10) << "precondition: new money to place in year 1";
    const auto placed = placed_by(*sim, *model->territory, kYear, false);
    double sum = 0;
    int communes_funded = 0;
    for (std::size_t z = 0; z < placed.size(); ++z) {
      EXPECT_LT(std::abs(placed[z] - units * shares[z]), 1.0) << "commune " << z;
      if (shares[z] == 0) {
        EXPECT_EQ(placed[z], 0.0) << "a commune funding no point gets nothing";
      }
      sum += placed[z];
      communes_funded += placed[z] > 0;
    }
    EXPECT_EQ(sum, units);  // every commune with a share has applicants
    EXPECT_GT(communes_funded, 5);
  }
}

// EPCI owner: money is pooled per EPCI and placed by need within it: no unit crosses an EPCI
// boundary (every funded point lies in the EPCI of the need that drew it) and no EPCI receives
// more than its share; a department owner, on the same seeds, moves money across EPCIs.
TEST(OwnerLevel, EpciMoneyIsPlacedByNeedWithinEachEpci) {
  const Overrides diag = with(kBase, {{"governance.allocation_rule", "needs_diagnosis"}});
  const auto model = test_support::model_with("rural-department", diag);
  const Territory& t = *model->territory;
  const auto shares = cost_shares(t, model->params, true);
  double crossed_by_department = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    const auto sim = run_sim(with(diag, {{"governance.owner_level", "epci"}}), r);
    const int units = units_of_year(*sim, kYear);
    ASSERT_GT(units, 10);
    for (const auto& pl : sim->placements()) {
      const int pz = sim->points()[static_cast<std::size_t>(pl.point)].spec.zone;
      EXPECT_EQ(t.zones[static_cast<std::size_t>(pz)].epci,
                t.zones[static_cast<std::size_t>(pl.need_zone)].epci);
      EXPECT_EQ(pl.pot, t.zones[static_cast<std::size_t>(pz)].epci);
    }
    const auto placed = placed_by(*sim, t, kYear, true);
    for (std::size_t e = 0; e < placed.size(); ++e)
      EXPECT_LT(placed[e], units * shares[e] + 1.0) << t.epci_names[e];
    const auto dep = run_sim(with(diag, {{"governance.owner_level", "department"}}), r);
    const auto placed_dep = placed_by(*dep, t, kYear, true);
    for (std::size_t e = 0; e < placed_dep.size(); ++e)
      crossed_by_department =
          std::max(crossed_by_department, placed_dep[e] - units_of_year(*dep, kYear) * shares[e]);
  }
  EXPECT_GE(crossed_by_department, 1.0) << "a department owner is not bound by EPCI shares";
}

// Department owner: one pot for the territory, placed by need at commune resolution: the first
// unit goes to the neediest commune anywhere, each commune first funded is no needier than the
// one funded before it (greedy on the estimate), and the money spans several EPCIs.
TEST(OwnerLevel, DepartmentMoneyGoesToTheNeediestCommunesAnywhere) {
  const Overrides o = with(kBase, {{"governance.allocation_rule", "needs_diagnosis"},
                                   {"governance.owner_level", "department"},
                                   {"governance.uncovered_zone_weight", 1.0}});
  const auto model = test_support::model_with("rural-department", o);
  for (std::uint32_t r = 0; r < 3; ++r) {
    std::vector<double> need;
    const auto sim = run_sim(o, r, &need);
    std::vector<int> first_seen;
    std::set<int> epcis;
    for (const auto& pl : sim->placements()) {
      if (pl.year != kYear) continue;
      if (std::find(first_seen.begin(), first_seen.end(), pl.need_zone) == first_seen.end())
        first_seen.push_back(pl.need_zone);
      epcis.insert(model->territory->zones[static_cast<std::size_t>(pl.need_zone)].epci);
    }
    ASSERT_FALSE(first_seen.empty());
    EXPECT_EQ(need[static_cast<std::size_t>(first_seen[0])],
              *std::max_element(need.begin(), need.end()));
    for (std::size_t k = 1; k < first_seen.size(); ++k)
      EXPECT_LE(need[static_cast<std::size_t>(first_seen[k])],
                need[static_cast<std::size_t>(first_seen[k - 1])]);
    EXPECT_GE(epcis.size(), 2u);
  }
}

// Region owner: needs seen by EPCI (summed over its communes) and money placed at each EPCI's
// main commune: every unit is drawn by a main commune, points are opened only there, and the
// first unit goes to the EPCI with the most need; a department owner funds other communes too.
TEST(OwnerLevel, RegionPlacesMoneyOnlyAtEpciMainCommunes) {
  const Overrides diag = with(kBase, {{"governance.allocation_rule", "needs_diagnosis"},
                                      {"governance.uncovered_zone_weight", 1.0}});
  const auto model = test_support::model_with("rural-department", diag);
  const Territory& t = *model->territory;
  const auto mains = main_communes(t);
  ASSERT_EQ(mains.size(), t.epci_names.size());
  bool department_elsewhere = false;
  for (std::uint32_t r = 0; r < 3; ++r) {
    std::vector<double> need;
    const auto sim = run_sim(with(diag, {{"governance.owner_level", "region"}}), r, &need);
    ASSERT_GT(units_of_year(*sim, kYear), 10);
    std::vector<double> by_epci(t.epci_names.size(), 0.0);
    for (std::size_t z = 0; z < t.zones.size(); ++z)
      by_epci[static_cast<std::size_t>(t.zones[z].epci)] += need[z];
    const auto neediest =
        static_cast<int>(std::max_element(by_epci.begin(), by_epci.end()) - by_epci.begin());
    bool first = true;
    for (const auto& pl : sim->placements()) {
      EXPECT_TRUE(mains.count(pl.need_zone)) << "zone " << pl.need_zone;
      if (pl.opened) {
        EXPECT_EQ(sim->points()[static_cast<std::size_t>(pl.point)].spec.zone, pl.need_zone);
      }
      if (first && pl.year == kYear) {
        EXPECT_EQ(t.zones[static_cast<std::size_t>(pl.need_zone)].epci, neediest);
        first = false;
      }
    }
    const auto dep = run_sim(with(diag, {{"governance.owner_level", "department"}}), r);
    for (const auto& pl : dep->placements())
      department_elsewhere = department_elsewhere || !mains.count(pl.need_zone);
  }
  EXPECT_TRUE(department_elsewhere);
}

// The levels differ on an outcome (common random numbers, paired over replicates): with needs
// targeting a department opens points where communes have none within reach, a region, seeing
// only EPCIs, strengthens their main communes, which are already covered: adults within 20
// minutes of procedure help differ by more than 3 standard errors of the paired difference.
TEST(OwnerLevel, DepartmentAndRegionDifferOnCoverageBeyondNoise) {
  const Overrides o = {{"sim.population_scale", 0.05},
                       {"sim.horizon_weeks", 156},
                       {"governance.allocation_rule", "needs_diagnosis"}};
  constexpr int kRuns = 8;
  std::vector<double> dep, reg, nr_dep, nr_reg;
  for (int r = 0; r < kRuns; ++r) {
    const auto a = test_support::run_model("rural-department",
                                           with(o, {{"governance.owner_level", "department"}}), 5,
                                           static_cast<std::uint32_t>(r));
    const auto b =
        test_support::run_model("rural-department", with(o, {{"governance.owner_level", "region"}}),
                                5, static_cast<std::uint32_t>(r));
    dep.push_back(a.metric("coverage_20min"));
    reg.push_back(b.metric("coverage_20min"));
    nr_dep.push_back(a.metric("non_recours_rate@density:rural"));
    nr_reg.push_back(b.metric("non_recours_rate@density:rural"));
  }
  const auto p = stats::paired_difference(dep, reg, true);
  const double se = p.sd_diff / std::sqrt(static_cast<double>(p.n));
  const auto q = stats::paired_difference(nr_dep, nr_reg, false);
  std::cout << "[ owner    ] coverage_20min department - region: " << p.mean_diff << " (se " << se
            << "); rural non-recours: " << q.mean_diff << " [" << q.ci_low << ", " << q.ci_high
            << "]\n";
  EXPECT_GT(p.mean_diff, 3.0 * se);
  EXPECT_GT(p.mean_diff, 0.0);
}

// Needs diagnosis and observation combine: with observation on, a diagnosis changes where the
// first years' money goes (it is the prior, observed non-recours refines it), on every paired
// seed; with observation.diagnosis_weight_years = 0 the diagnosis has no weight and the
// placements are exactly those of observation alone.
TEST(NeedsEstimate, DiagnosisStillCountsWhenObservationIsOn) {
  const Overrides obs = with(kBase, {{"observation.enabled", true},
                                     {"governance.owner_level", "department"},
                                     {"sim.horizon_weeks", 110}});
  auto zones = [](const Simulation& s, int year) {
    std::vector<std::pair<int, int>> v;
    for (const auto& pl : s.placements())
      if (pl.year == year) v.emplace_back(pl.need_zone, pl.point);
    return v;
  };
  for (std::uint32_t r = 0; r < 4; ++r) {
    const auto alone = run_sim(obs, r);
    const auto both = run_sim(with(obs, {{"governance.allocation_rule", "needs_diagnosis"}}), r);
    const auto no_weight = run_sim(with(obs, {{"governance.allocation_rule", "needs_diagnosis"},
                                              {"observation.diagnosis_weight_years", 0.0}}),
                                   r);
    ASSERT_FALSE(zones(*alone, 1).empty());
    EXPECT_NE(zones(*both, 1), zones(*alone, 1)) << "replicate " << r;
    EXPECT_NE(zones(*both, 2), zones(*alone, 2)) << "replicate " << r;
    EXPECT_EQ(zones(*no_weight, 1), zones(*alone, 1));
    EXPECT_EQ(zones(*no_weight, 2), zones(*alone, 2));
  }
}
