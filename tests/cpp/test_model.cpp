// Processes of the inclusion model: limit cases, accounting invariants, arrival statistics,
// skill dynamics, determinism across thread counts.
#include <gtest/gtest.h>

#include <cmath>

#include <tbb/global_control.h>

#include "test_support.hpp"

using namespace govsim;
using namespace govsim::inclusion;
using test_support::Overrides;

namespace {
const Overrides kSmall = {{"sim.population_scale", 0.03}, {"sim.horizon_weeks", 104}};

Overrides with(Overrides o, const Overrides& extra) {
  for (const auto& [k, v] : extra) o[k] = v;
  return o;
}
}  // namespace

TEST(Model, InvariantsHoldEveryWeekOnEveryTerritory) {
  for (const char* name : {"rural-department", "city", "former-mining-agglomeration"}) {
    Simulation sim(test_support::model_with(name, with(kSmall, {{"mobile.units", 2}, {"pooling.enabled", true}})), 5, 0);
    const std::size_t adults = sim.population().size();
    while (!sim.done()) {
      sim.step();
      const auto v = sim.check_invariants();
      ASSERT_TRUE(v.empty()) << name << " week " << sim.week() << ": " << v.front();
      ASSERT_EQ(sim.population().size(), adults);
    }
    EXPECT_GT(sim.counters().arisen, 0) << name;
    EXPECT_LE(sim.spent_eur(), sim.granted_eur()) << name;
  }
}

TEST(Model, ZeroCapacityMeansNoMediation) {
  const auto r = test_support::run_model("rural-department",
                                         with(kSmall, {{"mediation.sessions_per_fte_week", 0}, {"stations.per_point", 0}}), 1, 0);
  EXPECT_EQ(r.metric("mediation_share"), 0.0);
  EXPECT_EQ(r.metric("sessions_per_1000_adults"), 0.0);
}

TEST(Model, NoDeadlineMeansNoNonRecours) {
  const auto r = test_support::run_model("rural-department", with(kSmall, {{"needs.deadlines_enabled", false}}), 1, 0);
  EXPECT_EQ(r.metric("non_recours_rate"), 0.0);
  EXPECT_GT(r.metric("alone_share"), 0.0);
}

TEST(Model, ZeroNeedRateMeansNothingHappens) {
  Simulation sim(test_support::model_with("rural-department", with(kSmall, {{"needs.rate_per_year", 0}})), 1, 0);
  const double ill0 = sim.illectronisme_by_age()[4];
  sim.run();
  EXPECT_EQ(sim.counters().arisen, 0.0);
  EXPECT_EQ(sim.counters().sessions, 0.0);
  EXPECT_EQ(sim.counters().abandoned, 0.0);
  EXPECT_EQ(sim.illectronisme_by_age()[4], ill0);  // no mediation, no skill change
}

// Needs arrive as a weekly Bernoulli process with p = 1 - exp(-rate/52) per adult: the count is
// within 4 standard deviations of its expectation.
TEST(Model, NeedArrivalsMatchTheirRate) {
  const double rate = 6.0;
  Simulation sim(test_support::model_with("city", with(kSmall, {{"needs.rate_per_year", rate},
                                                                 {"needs.dematerialisation_growth", 0.0},
                                                                 {"needs.difficulty_multiplier", 1.0},
                                                                 {"sim.horizon_weeks", 52}})), 3, 0);
  const auto factor = Params::from(test_support::values_with({})).need_age_factor();
  double expected = 0;
  for (std::size_t i = 0; i < sim.population().size(); ++i)
    expected += 52 * -std::expm1(-rate * factor[sim.population().age_band[i]] / 52.0);
  sim.run();
  EXPECT_NEAR(sim.counters().arisen, expected, 4 * std::sqrt(expected));
}

TEST(Model, TeachingRaisesSkillAndDoingForDoesNot) {
  const auto teach = test_support::run_model("rural-department", with(kSmall, {{"mediation.doing_with_share", 1.0}}), 8, 0);
  const auto do_for = test_support::run_model("rural-department", with(kSmall, {{"mediation.doing_with_share", 0.0}}), 8, 0);
  EXPECT_GT(teach.metric("autonomy_gain"), do_for.metric("autonomy_gain"));
  EXPECT_LT(teach.metric("illectronisme_rate"), do_for.metric("illectronisme_rate"));
}

TEST(Model, SkillDecaysWithoutPractice) {
  const auto slow = test_support::run_model("rural-department", with(kSmall, {{"mediation.doing_with_share", 1.0}, {"mediation.skill_half_life_weeks", 5000}}), 8, 0);
  const auto fast = test_support::run_model("rural-department", with(kSmall, {{"mediation.doing_with_share", 1.0}, {"mediation.skill_half_life_weeks", 4}}), 8, 0);
  EXPECT_LT(fast.metric("autonomy_gain"), slow.metric("autonomy_gain"));
}

TEST(Model, RelativesResolveWhenAvailable) {
  const auto none = test_support::run_model("rural-department", with(kSmall, {{"resolution.relatives_weekly", 0.0}}), 2, 0);
  EXPECT_EQ(none.metric("relatives_share"), 0.0);
  const auto base = test_support::run_model("rural-department", kSmall, 2, 0);
  EXPECT_GT(none.metric("non_recours_rate"), base.metric("non_recours_rate"));
}

TEST(Model, SameSeedSameResultsWhateverTheThreadCount) {
  const auto model = test_support::model_with("former-mining-agglomeration", with(kSmall, {{"sim.population_scale", 0.2}}));
  RunRecord one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    Simulation s(model, 77, 3);
    s.run();
    one = s.finish(0);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    Simulation s(model, 77, 3);
    s.run();
    two = s.finish(0);
  }
  ASSERT_EQ(one.metrics.size(), two.metrics.size());
  for (std::size_t i = 0; i < one.metrics.size(); ++i) EXPECT_EQ(one.metrics[i], two.metrics[i]) << all_metrics()[i].name;
  EXPECT_EQ(one.series, two.series);
  Simulation other(model, 78, 3);
  other.run();
  EXPECT_NE(other.finish(0).metrics, one.metrics);
}

TEST(Model, MetricsAreFiniteAndNamed) {
  const auto r = test_support::run_model("city", kSmall, 4, 1);
  ASSERT_EQ(r.record.metrics.size(), all_metrics().size());
  for (std::size_t i = 0; i < r.record.metrics.size(); ++i) EXPECT_TRUE(std::isfinite(r.record.metrics[i])) << all_metrics()[i].name;
  EXPECT_GE(r.metric("coverage_30min"), r.metric("coverage_20min"));
  double by_funder = 0;
  for (const char* f : {"state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"})
    by_funder += r.metric(std::string("total_cost_eur@funder:") + f);
  EXPECT_NEAR(by_funder, r.metric("total_cost_eur"), 1e-6 * r.metric("total_cost_eur"));
}

TEST(Metrics, LayoutFollowsMetricsDefByName) {
  const auto& all = all_metrics();
  // Declared metrics first (enum order), then their breakdowns "name@dimension:level".
  EXPECT_EQ(all[metric_index(Metric::illectronisme_rate)].name, "illectronisme_rate");
  EXPECT_EQ(all[metric_index(Metric::aware_share)].name, "aware_share");
  EXPECT_EQ(all[metric_index(Metric::non_recours_rate, Dimension::Age, 4)].name, "non_recours_rate@age:75+");
  EXPECT_EQ(all[metric_index(Metric::total_cost_eur, Dimension::Funder, 0)].name, "total_cost_eur@funder:state");
  EXPECT_EQ(weekly_series()[series_index(Series::non_recours_rate, Dimension::Difficulty, 1)].name,
            "non_recours_rate@difficulty:no");
  EXPECT_EQ(weekly_series()[series_index(Series::cumulative_cost_eur)].name, "cumulative_cost_eur");
  // A breakdown metrics.def does not declare is a programming error, named.
  EXPECT_THROW(metric_index(Metric::mediation_share, Dimension::Age, 0), std::logic_error);
  EXPECT_THROW(metric_index(Metric::non_recours_rate, Dimension::Age, 5), std::logic_error);
  std::size_t headline = 0;
  for (const auto& m : all) headline += m.headline ? 1 : 0;
  EXPECT_EQ(headline, 9u);  // metrics.def marks nine; the table and the report take them from there
  EXPECT_TRUE(all[metric_index(Metric::rural_urban_gap)].headline);
  EXPECT_FALSE(all[metric_index(Metric::alone_share)].headline);
  EXPECT_EQ(all[metric_index(Metric::autonomy_rate)].subgroups, (std::vector<std::string>{"age", "density", "difficulty"}));
}

TEST(Metrics, EveryMetricMustBeSetBeforeTheLayout) {
  MetricValues v;
  v.set(Metric::illectronisme_rate, 0.1);
  try {
    (void)v.values();
    FAIL() << "values() accepted unset metrics";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("autonomy_rate"), std::string::npos) << e.what();
  }
}

// ---- network levers (network.<type>.fte / hours_per_week / sites) -----------------------------

namespace {
struct TypeCount {
  std::size_t sites = 0;
  double fte = 0;
};
TypeCount count_type(const Territory& t, PointType type) {
  TypeCount c;
  for (const auto& p : t.points)
    if (p.type == type) ++c.sites, c.fte += p.fte;
  return c;
}
}  // namespace

TEST(NetworkLevers, DefaultsLeaveTheTerritoryUntouched) {
  const auto t = make_territory("rural-department", "", ".");
  const auto m = test_support::model_with("rural-department", {});
  EXPECT_EQ(m->territory.get(), t.get());  // the same shared territory: results cannot move
  for (const auto& p : t->points) {
    if (p.type == PointType::FranceServices) {
      EXPECT_EQ(p.fte, 1.2);
    }
  }
}

TEST(NetworkLevers, FteAndHoursScaleMediationTimeOfOneTypeOnly) {
  const auto t = make_territory("rural-department", "", ".");
  const auto base_fs = count_type(*t, PointType::FranceServices), base_epn = count_type(*t, PointType::Epn);
  ASSERT_GT(base_fs.sites, 0u);
  ASSERT_GT(base_epn.sites, 0u);
  const auto m = test_support::model_with("rural-department",
                                          {{"network.france_services.fte", 2.4}, {"network.epn.hours_per_week", 17.5}});
  const auto fs = count_type(*m->territory, PointType::FranceServices), epn = count_type(*m->territory, PointType::Epn);
  EXPECT_EQ(fs.sites, base_fs.sites);
  EXPECT_NEAR(fs.fte, 2.4 * static_cast<double>(base_fs.sites), 1e-9);
  EXPECT_NEAR(epn.fte, 0.5 * base_epn.fte, 1e-9);  // 17.5 h of 35 h
  EXPECT_EQ(count_type(*m->territory, PointType::Library).fte, count_type(*t, PointType::Library).fte);
  // Above 35 h the staff bound mediation time: no change for generated (35 h) sites.
  const auto longer = test_support::model_with("rural-department", {{"network.epn.hours_per_week", 50}});
  EXPECT_NEAR(count_type(*longer->territory, PointType::Epn).fte, base_epn.fte, 1e-9);
}

TEST(NetworkLevers, SitesKeepTheMostPopulousOrAddWhereNoneIs) {
  const auto t = make_territory("rural-department", "", ".");
  const auto base = count_type(*t, PointType::FranceServices);
  const auto fewer = test_support::model_with("rural-department", {{"network.france_services.sites", 3}});
  EXPECT_EQ(count_type(*fewer->territory, PointType::FranceServices).sites, 3u);
  EXPECT_EQ(fewer->territory->points.size(), t->points.size() - (base.sites - 3));
  // The three kept are in the three most populous zones holding one.
  double min_kept = 1e300, max_dropped = 0;
  for (const auto& p : t->points) {
    if (p.type != PointType::FranceServices) continue;
    const double a = t->zones[static_cast<std::size_t>(p.zone)].total_adults();
    bool kept = false;
    for (const auto& q : fewer->territory->points) kept = kept || q.id == p.id;
    if (kept) min_kept = std::min(min_kept, a);
    else max_dropped = std::max(max_dropped, a);
  }
  EXPECT_GE(min_kept, max_dropped);
  const std::size_t want = base.sites + 10;
  const auto more = test_support::model_with("rural-department", {{"network.france_services.sites", static_cast<int>(want)}});
  const auto added = count_type(*more->territory, PointType::FranceServices);
  EXPECT_EQ(added.sites, want);
  EXPECT_NEAR(added.fte, 1.2 * static_cast<double>(want), 1e-9);
  const auto none = test_support::model_with("rural-department", {{"network.epn.sites", 0}});
  EXPECT_EQ(count_type(*none->territory, PointType::Epn).sites, 0u);
}

TEST(NetworkLevers, MoreMediatorTimeLowersNonRecoursAndCostsMore) {
  // Paired runs (same seed, same replicate): only the lever differs.
  const Overrides small = {{"sim.population_scale", 0.05}, {"sim.horizon_weeks", 104}};
  double base_nr = 0, more_nr = 0, base_cost = 0, more_cost = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    const auto a = test_support::run_model("rural-department", small, 11, r);
    const auto b = test_support::run_model("rural-department", with(small, {{"network.france_services.fte", 3.6}}), 11, r);
    base_nr += a.metric("non_recours_rate");
    more_nr += b.metric("non_recours_rate");
    base_cost += a.metric("total_cost_eur");
    more_cost += b.metric("total_cost_eur");
  }
  EXPECT_LT(more_nr, base_nr);
  EXPECT_GT(more_cost, base_cost);
}
