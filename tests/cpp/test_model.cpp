// Processes of the inclusion model: limit cases, accounting invariants, arrival statistics,
// skill dynamics, determinism across thread counts.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>

#include "models/inclusion/open_data.hpp"
#include "models/inclusion/point_state.hpp"
#include "test_support.hpp"

using namespace govsim;
using namespace govsim::inclusion;
using test_support::Overrides;
using test_support::with;

namespace {
const Overrides kSmall = {{"sim.population_scale", 0.03}, {"sim.horizon_weeks", 104}};

}  // namespace

TEST(Model, InvariantsHoldEveryWeekOnEveryTerritory) {
  for (const char* name : {"rural-department", "city", "former-mining-agglomeration"}) {
    Simulation sim(test_support::model_with(
                       name, with(kSmall, {{"mobile.units", 2}, {"pooling.enabled", true}})),
                   5, 0);
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
  const auto r =
      test_support::run_model("rural-department",
                              with(kSmall, {{"mediation.sessions_per_fte_week", 0},
                                            {"mediation.sessions_per_fte_week_france_services", 0},
                                            {"stations.per_point", 0}}),
                              1, 0);
  EXPECT_EQ(r.metric("mediation_share"), 0.0);
  EXPECT_EQ(r.metric("sessions_per_1000_adults"), 0.0);
}

TEST(Model, NoDeadlineMeansNoNonRecours) {
  const auto r = test_support::run_model("rural-department",
                                         with(kSmall, {{"needs.deadlines_enabled", false}}), 1, 0);
  EXPECT_EQ(r.metric("non_recours_rate"), 0.0);
  EXPECT_GT(r.metric("alone_share"), 0.0);
}

TEST(Model, ZeroNeedRateMeansNothingHappens) {
  Simulation sim(test_support::model_with("rural-department",
                                          with(kSmall, {{"needs.rate_per_year", 0},
                                                        {"demography.enabled", false},
                                                        {"learning.outside_mediation_yearly", 0},
                                                        {"workshop.take_up_yearly", 0}})),
                 1, 0);
  const double ill0 = sim.illectronisme_by_age()[4];
  sim.run();
  EXPECT_EQ(sim.counters().arisen, 0.0);
  EXPECT_EQ(sim.counters().sessions, 0.0);
  EXPECT_EQ(sim.counters().abandoned, 0.0);
  // No mediation and no workshop applicants: no skill change.
  EXPECT_EQ(sim.illectronisme_by_age()[4], ill0);
}

// Needs arrive as a weekly Bernoulli process with p = 1 - exp(-rate/52) per adult: the count is
// within 4 standard deviations of its expectation.
TEST(Model, NeedArrivalsMatchTheirRate) {
  const double rate = 6.0;
  Simulation sim(
      test_support::model_with("city", with(kSmall, {{"needs.rate_per_year", rate},
                                                     {"needs.dematerialisation_growth", 0.0},
                                                     {"needs.difficulty_multiplier", 1.0},
                                                     {"sim.horizon_weeks", 52}})),
      3, 0);
  const auto factor = Params::from(test_support::values_with({})).need_age_factor();
  double expected = 0;
  for (std::size_t i = 0; i < sim.population().size(); ++i)
    expected += 52 * -std::expm1(-rate * factor[sim.population().age_band[i]] / 52.0);
  sim.run();
  EXPECT_NEAR(sim.counters().arisen, expected, 4 * std::sqrt(expected));
}

TEST(Model, TeachingRaisesSkillAndDoingForDoesNot) {
  const auto teach = test_support::run_model(
      "rural-department", with(kSmall, {{"mediation.doing_with_share", 1.0}}), 8, 0);
  const auto do_for = test_support::run_model(
      "rural-department", with(kSmall, {{"mediation.doing_with_share", 0.0}}), 8, 0);
  EXPECT_GT(teach.metric("autonomy_gain"), do_for.metric("autonomy_gain"));
  EXPECT_LT(teach.metric("illectronisme_rate"), do_for.metric("illectronisme_rate"));
}

TEST(Model, SkillDecaysWithoutPractice) {
  const auto slow = test_support::run_model(
      "rural-department",
      with(kSmall,
           {{"mediation.doing_with_share", 1.0}, {"mediation.skill_half_life_weeks", 5000}}),
      8, 0);
  const auto fast = test_support::run_model(
      "rural-department",
      with(kSmall, {{"mediation.doing_with_share", 1.0}, {"mediation.skill_half_life_weeks", 4}}),
      8, 0);
  EXPECT_LT(fast.metric("autonomy_gain"), slow.metric("autonomy_gain"));
}

TEST(Model, RelativesResolveWhenAvailable) {
  const auto none = test_support::run_model(
      "rural-department", with(kSmall, {{"resolution.relatives_weekly", 0.0}}), 2, 0);
  EXPECT_EQ(none.metric("relatives_share"), 0.0);
  const auto base = test_support::run_model("rural-department", kSmall, 2, 0);
  EXPECT_GT(none.metric("non_recours_rate"), base.metric("non_recours_rate"));
}

TEST(Model, SameSeedSameResultsWhateverTheThreadCount) {
  const auto model = test_support::model_with("former-mining-agglomeration",
                                              with(kSmall, {{"sim.population_scale", 0.2}}));
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
  for (std::size_t i = 0; i < one.metrics.size(); ++i)
    EXPECT_EQ(one.metrics[i], two.metrics[i]) << all_metrics()[i].name;
  EXPECT_TRUE(test_support::same_bits(one.series, two.series));
  Simulation other(model, 78, 3);
  other.run();
  EXPECT_NE(other.finish(0).metrics, one.metrics);
}

TEST(Model, MetricsAreFiniteAndNamed) {
  const auto r = test_support::run_model("city", kSmall, 4, 1);
  ASSERT_EQ(r.record.metrics.size(), all_metrics().size());
  for (std::size_t i = 0; i < r.record.metrics.size(); ++i)
    EXPECT_TRUE(std::isfinite(r.record.metrics[i])) << all_metrics()[i].name;
  EXPECT_GE(r.metric("coverage_30min"), r.metric("coverage_20min"));
  double by_funder = 0;
  for (const char* f :
       {"state", "region", "department", "epci", "commune", "caf", "banque_des_territoires"})
    by_funder += r.metric(std::string("total_cost_eur@funder:") + f);
  EXPECT_NEAR(by_funder, r.metric("total_cost_eur"), 1e-6 * r.metric("total_cost_eur"));
}

TEST(Metrics, LayoutFollowsMetricsDefByName) {
  const auto& all = all_metrics();
  // Declared metrics first (enum order), then their breakdowns "name@dimension:level".
  EXPECT_EQ(all[metric_index(Metric::illectronisme_rate)].name, "illectronisme_rate");
  EXPECT_EQ(all[metric_index(Metric::aware_share)].name, "aware_share");
  EXPECT_EQ(all[metric_index(Metric::non_recours_rate, Dimension::Age, 4)].name,
            "non_recours_rate@age:75+");
  EXPECT_EQ(all[metric_index(Metric::total_cost_eur, Dimension::Funder, 0)].name,
            "total_cost_eur@funder:state");
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
  EXPECT_EQ(all[metric_index(Metric::autonomy_rate)].subgroups,
            (std::vector<std::string>{"age", "density", "difficulty"}));
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

// Population dynamics (docs/model.md, demography). Without mediation, learning outside it and
// renewal, nothing lowers illectronisme: the shares by age band at the end equal those at the
// start, exactly (adults starting to use the internet stay in it as low-skill users).
TEST(Demography, NoDeclineWithoutRenewalOrMediation) {
  const Overrides none = with(kSmall, {{"sim.horizon_weeks", 260},
                                       {"demography.enabled", false},
                                       {"learning.outside_mediation_yearly", 0},
                                       {"mediation.sessions_per_fte_week", 0},
                                       {"mediation.sessions_per_fte_week_france_services", 0},
                                       {"stations.per_point", 0},
                                       {"mobile.units", 0}});
  Simulation sim(test_support::model_with("rural-department", none), 3, 0);
  const auto start = sim.illectronisme_by_age();
  sim.run();
  EXPECT_EQ(sim.illectronisme_by_age(), start);
  EXPECT_EQ(sim.counters().sessions, 0.0);
}

// With renewal (and still no mediation), the deceased (mostly the oldest, most lacking skills) are
// replaced by adults turning 15 (about 4% lacking skills), and each cohort carries its own rate
// up the ages: over four yearly cycles the rate falls by roughly 4 x 1.6% deaths x (0.7 - 0.04),
// 3 to 4 points on the rural department; 10% of adults (about 27,000 agents): binomial noise
// below 0.3 point.
TEST(Demography, CohortRenewalLowersIllectronisme) {
  const Overrides base = with(kSmall, {{"sim.population_scale", 0.1},
                                       {"sim.horizon_weeks", 260},
                                       {"mediation.sessions_per_fte_week", 0},
                                       {"mediation.sessions_per_fte_week_france_services", 0},
                                       {"stations.per_point", 0}});
  const auto off = test_support::run_model("rural-department",
                                           with(base, {{"demography.enabled", false}}), 4, 0);
  const auto on = test_support::run_model("rural-department", base, 4, 0);
  const double drop = off.metric("illectronisme_rate") - on.metric("illectronisme_rate");
  EXPECT_GT(drop, 0.015);
  EXPECT_LT(drop, 0.06);
  // The 75+ band loses its oldest members and gains 74-year-olds (less often lacking skills than
  // the band): its rate falls too.
  EXPECT_LT(on.metric("illectronisme_rate@age:75+"), off.metric("illectronisme_rate@age:75+"));
}

// Single-year ageing: after one yearly cycle every adult is one year older (changing band at 30,
// 45, 60, 75) unless they died and were replaced by an adult turning 15; with mortality at zero
// only those reaching the last age (105) die (the 75+ are then spread evenly up to 105).
TEST(Demography, AdultsAgeBySingleYear) {
  const Overrides o = with(kSmall, {{"sim.horizon_weeks", 53},
                                    {"demography.mortality_15_29", 0},
                                    {"demography.mortality_30_44", 0},
                                    {"demography.mortality_45_59", 0},
                                    {"demography.mortality_60_74", 0},
                                    {"demography.mortality_75_plus", 0}});
  Simulation sim(test_support::model_with("rural-department", o), 5, 0);
  const std::vector<std::uint8_t> before = sim.population().age;
  ASSERT_EQ(before.size(), sim.population().size());
  std::size_t crossed = 0;
  sim.run();
  const Population& pop = sim.population();
  for (std::size_t i = 0; i < pop.size(); ++i) {
    ASSERT_GE(before[i], kMinAge);
    if (before[i] == kMaxAge) {
      // q(105) = 1: replaced, unless a pending need defers the death to next year.
      EXPECT_TRUE(pop.age[i] == kMinAge || pop.age[i] == kMaxAge) << i;
    } else {
      ASSERT_EQ(pop.age[i], before[i] + 1) << i;
    }
    EXPECT_EQ(pop.age_band[i], band_of(pop.age[i])) << i;
    if (band_of(pop.age[i]) != band_of(before[i])) ++crossed;
  }
  // About 1 in 15 adults of the four lower bands change band in a year.
  EXPECT_GT(crossed, pop.size() / 25);
  EXPECT_LT(crossed, pop.size() / 10);
}

// Deaths by single year of age (population.cpp, fill_demography): within each band the rate grows
// by demography.mortality_age_gradient a year of age, and the band's adults (uniform ages in the
// 15-year bands, the life table's stationary population at 75+) die at the band's rate; the
// generated 75+ are as old as that stationary population (mean about 83; 10% of the rural
// department: about 4,500 adults aged 75+, standard error of the mean age about 0.1 year).
TEST(Demography, DeathRatesBySingleYearMeetTheBandRates) {
  const auto m =
      test_support::model_with("rural-department", with(kSmall, {{"sim.population_scale", 0.1}}));
  const PopulationModel pm = fit_population_model(*m->territory, m->params);
  const auto rates = m->params.mortality();
  ASSERT_EQ(pm.death_rate.size(), static_cast<std::size_t>(kMaxAge) + 1);
  for (int b = 0; b < kAgeBands; ++b) {
    double mean = 0, total = 0;
    int prev = -1;
    for (const auto& [x, w] : pm.ages[static_cast<std::size_t>(b)]) {
      EXPECT_EQ(band_of(x), b);
      mean += w * pm.death_rate[static_cast<std::size_t>(x)];
      total += w;
      if (prev >= 0 && x < kMaxAge) {
        EXPECT_NEAR(pm.death_rate[static_cast<std::size_t>(x)] /
                        pm.death_rate[static_cast<std::size_t>(prev)],
                    std::exp(m->params.mortality_age_gradient), 1e-9);
      }
      prev = x;
    }
    EXPECT_NEAR(total, 1.0, 1e-12);
    EXPECT_NEAR(mean, rates[static_cast<std::size_t>(b)], 1e-9 * rates[static_cast<std::size_t>(b)])
        << b;
  }
  EXPECT_EQ(pm.death_rate[kMaxAge], 1.0);
  EXPECT_GT(pm.age_mean[4], 82.0);
  EXPECT_LT(pm.age_mean[4], 85.0);
  const auto pop = generate_population(*m->territory, m->params, 3, 0);
  double sum = 0, n = 0;
  for (std::size_t i = 0; i < pop.size(); ++i)
    if (pop.age_band[i] == 4) sum += pop.age[i], n += 1;
  EXPECT_GT(n, 3000);
  EXPECT_NEAR(sum / n, pm.age_mean[4], 0.5);
}

// Illectronisme varies with age within a band (the band rates interpolated on the logit scale):
// among the generated 75+, those aged 85 and over lack basic skills clearly more often than those
// aged 75-79, and the 60-74 who are about to turn 75 more often than their band; the band rates
// still meet their targets (Calibration.FittedInitialPopulationMeetsWeekZeroTargets). 10% of the
// rural department: ~1,500 adults in each group compared, binomial sd about 1.3 points.
TEST(Demography, IllectronismeRisesWithAgeWithinBands) {
  const auto m =
      test_support::model_with("rural-department", with(kSmall, {{"sim.population_scale", 0.1}}));
  const auto pop = generate_population(*m->territory, m->params, 3, 0);
  std::array<double, 4> ill{}, n{};  // 75-79, 85+, 70-74, 60-74
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const bool is_ill = pop.base_skill[i] < m->params.skill_basic_threshold;
    const int x = pop.age[i];
    auto add = [&](std::size_t g) { n[g] += 1, ill[g] += is_ill ? 1 : 0; };
    if (x >= 75 && x <= 79) add(0);
    if (x >= 85) add(1);
    if (x >= 70 && x <= 74) add(2);
    if (x >= 60 && x <= 74) add(3);
  }
  EXPECT_GT(ill[1] / n[1], ill[0] / n[0] + 0.15);
  EXPECT_GT(ill[2] / n[2], ill[3] / n[3] + 0.05);
}

// The new per-adult metrics are shares of adults and agree with their definitions.
TEST(Activity, PerAdultMetricsAreConsistent) {
  const auto r = test_support::run_model("rural-department", kSmall, 2, 0);
  for (const char* m :
       {"home_internet_rate", "adults_did_online_procedure_rate", "adults_gave_up_rate"}) {
    EXPECT_GE(r.metric(m), 0.0) << m;
    EXPECT_LE(r.metric(m), 1.0) << m;
  }
  // Doing a procedure alone online needs home access (or a station: none in the status quo).
  EXPECT_LE(r.metric("adults_did_online_procedure_rate"), r.metric("home_internet_rate"));
  EXPECT_GE(r.metric("home_internet_rate"), r.metric("autonomy_rate"));
  EXPECT_GT(r.metric("workshop_share_of_sessions"), 0.0);
  EXPECT_LT(r.metric("workshop_share_of_sessions"), 1.0);
  // Sessions per point and France Services requests per site are yearly and full-scale: they do
  // not depend on the share of adults simulated (within sampling noise).
  const auto big = test_support::run_model("rural-department",
                                           with(kSmall, {{"sim.population_scale", 0.1}}), 2, 0);
  EXPECT_NEAR(big.metric("france_services_requests_per_site_year"),
              r.metric("france_services_requests_per_site_year"),
              0.2 * big.metric("france_services_requests_per_site_year"));
}

// The yearly activity series (metrics.def) hold the end metric's definition over each year: over
// a run of exactly one yearly cycle (53 weeks) the last value is the end metric itself; before the
// first cycle is done they are absent (NaN); a later year is measured on its own weeks, not
// cumulated.
TEST(Activity, YearlyActivitySeriesCoverEachYear) {
  const char* names[] = {"sessions_per_point_year", "france_services_requests_per_site_year",
                         "cost_per_mediation_session_eur",
                         "cost_per_need_resolved_by_mediation_eur"};
  const Series series[] = {
      Series::sessions_per_point_year, Series::france_services_requests_per_site_year,
      Series::cost_per_mediation_session_eur, Series::cost_per_need_resolved_by_mediation_eur};
  auto value = [](const test_support::RunOut& r, Series s, int horizon, int t) {
    return r.record.series.at(series_index(s) * static_cast<std::size_t>(horizon + 1) +
                              static_cast<std::size_t>(t));
  };
  const auto one =
      test_support::run_model("rural-department", with(kSmall, {{"sim.horizon_weeks", 53}}), 2, 0);
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_TRUE(std::isnan(value(one, series[k], 53, 52))) << names[k];
    EXPECT_GT(value(one, series[k], 53, 53), 0.0) << names[k];
    EXPECT_DOUBLE_EQ(value(one, series[k], 53, 53), one.metric(names[k])) << names[k];
  }
  // Two cycles: the end metric lies between the two yearly values (a ratio of sums over the two
  // years is between the years' ratios), and the first year's value is the one-year run's.
  const auto two =
      test_support::run_model("rural-department", with(kSmall, {{"sim.horizon_weeks", 105}}), 2, 0);
  for (std::size_t k = 0; k < 4; ++k) {
    const double y1 = value(two, series[k], 105, 53), y2 = value(two, series[k], 105, 105);
    EXPECT_DOUBLE_EQ(y1, value(one, series[k], 53, 53)) << names[k];
    EXPECT_NE(y1, y2) << names[k];
    EXPECT_NE(two.metric(names[k]), y2) << names[k];  // the second year alone, not cumulated
    EXPECT_GE(two.metric(names[k]), std::min(y1, y2) * (1 - 1e-12)) << names[k];
    EXPECT_LE(two.metric(names[k]), std::max(y1, y2) * (1 + 1e-12)) << names[k];
  }
}

TEST(Model, FunderSharesComeFromTheRegistry) {
  // Moving a share of EPNs' running cost from communes to the state moves that money and
  // nothing else (same runs: common random numbers) when every grant is renewed and the two
  // funders grant on the same policy (a funder's grant policy is what makes it an actor; see
  // Funders.* in test_mechanisms.cpp).
  Overrides stable = kSmall;
  for (const char* f : inclusion::kFunderNames)
    stable[std::string("funders.") + f + ".renewal"] = 1.0;
  stable["funders.state.reporting_share"] = 0.02;
  stable["funders.state.payment_delay_weeks"] = 0;
  const auto base = test_support::run_model("rural-department", stable, 9, 0);
  const auto moved = test_support::run_model(
      "rural-department",
      with(stable, {{"funders.epn_state", 0.45}, {"funders.epn_commune", 0.25}}), 9, 0);
  EXPECT_EQ(moved.metric("non_recours_rate"), base.metric("non_recours_rate"));
  EXPECT_NEAR(moved.metric("total_cost_eur"), base.metric("total_cost_eur"),
              1e-9 * base.metric("total_cost_eur"));
  const double to_state =
      moved.metric("total_cost_eur@funder:state") - base.metric("total_cost_eur@funder:state");
  const double from_communes =
      base.metric("total_cost_eur@funder:commune") - moved.metric("total_cost_eur@funder:commune");
  EXPECT_GT(to_state, 0);
  EXPECT_NEAR(to_state, from_communes, 1e-9 * base.metric("total_cost_eur"));
  // Shares that do not sum to 1 (a sweep moving one of them) are rescaled: all money is paid.
  const auto over =
      test_support::run_model("rural-department", with(stable, {{"funders.epn_state", 0.7}}), 9, 0);
  EXPECT_NEAR(over.metric("total_cost_eur"), base.metric("total_cost_eur"),
              1e-9 * base.metric("total_cost_eur"));
  EXPECT_GT(over.metric("total_cost_eur@funder:state"), base.metric("total_cost_eur@funder:state"));
  EXPECT_LT(over.metric("total_cost_eur@funder:commune"),
            base.metric("total_cost_eur@funder:commune"));
  // A funder's grant policy acts on the points it funds: a heavier State reporting demand takes
  // mediator time at every point holding a State grant (France Services, EPN, third places).
  const auto heavy = test_support::run_model(
      "rural-department", with(stable, {{"funders.state.reporting_share", 0.25}}), 9, 0);
  EXPECT_LT(heavy.metric("sessions_per_1000_adults"), base.metric("sessions_per_1000_adults"));
  EXPECT_GT(heavy.metric("overhead_share"), base.metric("overhead_share"));
}

TEST(Model, ShareOfEpnsHelpingWithProceduresIsAParameter) {
  // Built-in territories keep each EPN's draw; the share is applied per run: with none of them
  // helping with procedures fewer adults are within 30 minutes of help than with half of them
  // (the default), and with all of them at least as many.
  const auto none = test_support::run_model(
      "rural-department", with(kSmall, {{"points.epn_procedure_share", 0.0}}), 4, 0);
  const auto half = test_support::run_model("rural-department", kSmall, 4, 0);
  const auto all = test_support::run_model(
      "rural-department", with(kSmall, {{"points.epn_procedure_share", 1.0}}), 4, 0);
  EXPECT_LT(none.metric("coverage_30min"), half.metric("coverage_30min"));
  EXPECT_LE(half.metric("coverage_30min"), all.metric("coverage_30min"));
}

// Every adult with a car / nobody with one (population.car_share_*).
const Overrides kAllCars = {{"population.car_share_urban", 1.0},
                            {"population.car_share_periurban", 1.0},
                            {"population.car_share_rural", 1.0}};
const Overrides kNoCars = {{"population.car_share_urban", 0.0},
                           {"population.car_share_periurban", 0.0},
                           {"population.car_share_rural", 0.0}};

TEST(Model, ReachAndCoverageDependOnTravelMode) {
  // Everyone with a car: coverage is the car coverage of the zones. Nobody with a car: adults go
  // by public transport or on foot (slower, docs/territories.md), so fewer are within 30 minutes
  // of help; the default shares lie in between. Where procedure help has room (sessions per
  // agent at the registry's maximum), fewer adults in reach means fewer needs mediated and more
  // given up. At the calibrated capacity the generated rural department runs its points full
  // (about 90% of sessions used, two requests turned away per session): reach then decides who
  // is served more than how many, and non-recours barely moves with the travel mode.
  const Overrides room = {{"mediation.sessions_per_fte_week", 100},
                          {"mediation.sessions_per_fte_week_france_services", 100}};
  for (const char* territory : {"charente", "rural-department"}) {
    const auto car = test_support::run_model(territory, with(kSmall, kAllCars), 6, 0);
    const auto def = test_support::run_model(territory, kSmall, 6, 0);
    const auto none = test_support::run_model(territory, with(kSmall, kNoCars), 6, 0);
    EXPECT_LT(none.metric("coverage_30min"), def.metric("coverage_30min")) << territory;
    EXPECT_LT(def.metric("coverage_30min"), car.metric("coverage_30min")) << territory;
    EXPECT_LT(none.metric("mediation_share"), car.metric("mediation_share")) << territory;
    const auto car_room =
        test_support::run_model(territory, with(with(kSmall, kAllCars), room), 6, 0);
    const auto none_room =
        test_support::run_model(territory, with(with(kSmall, kNoCars), room), 6, 0);
    EXPECT_GT(none_room.metric("non_recours_rate"), car_room.metric("non_recours_rate"))
        << territory;
    EXPECT_LT(none_room.metric("mediation_share"), car_room.metric("mediation_share")) << territory;
  }
}

// Coverage per service category of the MedNum standard and per travel mode (issue 13): the
// procedures level is the headline; with every adult by car (without a car) the headline is the
// "car" ("no_car") level; a category that no point of the territory offers is covered for
// nobody, one offered by several points for some; 20 minutes never covers more than 30.
TEST(Model, CoverageByServiceCategoryAndByMode) {
  const auto car = test_support::run_model("charente", with(kSmall, kAllCars), 6, 0);
  const auto none = test_support::run_model("charente", with(kSmall, kNoCars), 6, 0);
  for (const char* m : {"coverage_30min", "coverage_20min"}) {
    const std::string base = m;
    EXPECT_DOUBLE_EQ(car.metric(base), car.metric(base + "@service:procedures"));
    EXPECT_DOUBLE_EQ(car.metric(base), car.metric(base + "@mode:car"));
    EXPECT_DOUBLE_EQ(none.metric(base), none.metric(base + "@mode:no_car"));
    EXPECT_LT(car.metric(base + "@mode:no_car"), car.metric(base + "@mode:car"));
  }
  const auto t = inclusion::make_territory("charente", "", ".");
  for (int k = 0; k < kServiceCount; ++k) {
    int offering = 0;
    for (const auto& pt : t->points) offering += (pt.services >> k) & 1;
    const std::string level = std::string("@service:") + kServiceNames[static_cast<std::size_t>(k)];
    const double c30 = car.metric("coverage_30min" + level);
    EXPECT_LE(car.metric("coverage_20min" + level), c30) << level;
    if (offering == 0) {
      EXPECT_EQ(c30, 0.0) << level;
    }
    if (offering >= 5) {
      EXPECT_GT(c30, 0.0) << level << " offered by " << offering << " points";
    }
  }
}

TEST(Model, NoCarTimesArePublicTransportOrFootWhicheverIsFaster) {
  const auto t = inclusion::make_territory("charente", "", ".");
  for (int from : {0, 10, 100}) {
    for (int to : {from, 5, 200}) {
      const double km = t->distance_km(from, to);
      const Density d = t->zones[static_cast<std::size_t>(from)].density;
      const double slow =
          std::min(mode_minutes(km, Mode::PublicTransport, d), mode_minutes(km, Mode::Foot, d));
      EXPECT_GT(slow, t->travel_minutes(from, to));
      EXPECT_NEAR(t->travel_minutes(from, to), mode_minutes(km, Mode::Car, d), 1e-9);
    }
  }
}

// The fast decisions of the inner loop (run_state.hpp) give the exact double-precision answers,
// including for draws placed on either side of each threshold, a few ulps away.
TEST(FastMaths, GeometricFloorEqualsDoubleForm) {
  Rng rng(99, 0, 77, 0, 0);
  long close = 0;
  for (int n = 0; n < 200000; ++n) {
    const double log_q = -std::exp(-8.0 * rng.uniform());  // weekly chances from ~3e-4 to 0.63
    double u = rng.uniform();
    if (n % 2) {  // at a threshold: P(gap <= k) = 1 - q^k, nudged by a few ulps
      const double k = std::floor(1 + 300 * rng.uniform());
      u = -std::expm1(k * log_q);
      for (int s = static_cast<int>(rng.below(7)) - 3; s != 0; s += s > 0 ? -1 : 1)
        u = std::nextafter(u, s > 0 ? 1.0 : 0.0);
      if (!(u >= 0 && u < 1)) continue;
      ++close;
    }
    ASSERT_EQ(geometric_floor(u, log_q), std::floor(std::log1p(-u) / log_q))
        << "u=" << u << " log_q=" << log_q;
  }
  EXPECT_GT(close, 90000);
  EXPECT_EQ(geometric_floor(0.0, -0.1), 0.0);
}

TEST(FastMaths, BelowLogisticEqualsDoubleForm) {
  Rng rng(99, 0, 78, 0, 0);
  for (int n = 0; n < 200000; ++n) {
    const double x = 60 * (rng.uniform() - 0.5);
    double u = rng.uniform();
    if (n % 2) {
      u = logistic(x);
      for (int s = static_cast<int>(rng.below(7)) - 3; s != 0; s += s > 0 ? -1 : 1)
        u = std::nextafter(u, s > 0 ? 1.0 : 0.0);
    }
    ASSERT_EQ(below_logistic(u, x), u < logistic(x)) << "u=" << u << " x=" << x;
  }
}

TEST(FastMaths, BelowOneMinusExpEqualsDoubleForm) {
  Rng rng(99, 0, 79, 0, 0);
  long close = 0;
  for (int n = 0; n < 200000; ++n) {
    // cumulative hazards from ~1e-6 to ~300 (beyond the fast range too), and a few negative ones
    const double x = n % 1000 == 0 ? -rng.uniform() : std::exp(19.5 * rng.uniform() - 13.8);
    double u = rng.uniform();
    if (n % 2) {  // at the threshold, nudged by a few ulps
      u = -std::expm1(-x);
      for (int s = static_cast<int>(rng.below(7)) - 3; s != 0; s += s > 0 ? -1 : 1)
        u = std::nextafter(u, s > 0 ? 1.0 : 0.0);
      if (!(u >= 0 && u < 1)) continue;
      ++close;
    }
    ASSERT_EQ(below_one_minus_exp(u, x), u < -std::expm1(-x)) << "u=" << u << " x=" << x;
  }
  EXPECT_GT(close, 90000);
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
      EXPECT_EQ(p.fte, 2.2);
    }
  }
}

TEST(NetworkLevers, FteAndHoursScaleMediationTimeOfOneTypeOnly) {
  const auto t = make_territory("rural-department", "", ".");
  const auto base_fs = count_type(*t, PointType::FranceServices),
             base_epn = count_type(*t, PointType::Epn);
  ASSERT_GT(base_fs.sites, 0u);
  ASSERT_GT(base_epn.sites, 0u);
  const auto m = test_support::model_with(
      "rural-department",
      {{"network.france_services.fte", 2.4}, {"network.epn.hours_per_week", 17.5}});
  const auto fs = count_type(*m->territory, PointType::FranceServices),
             epn = count_type(*m->territory, PointType::Epn);
  EXPECT_EQ(fs.sites, base_fs.sites);
  EXPECT_NEAR(fs.fte, 2.4 * static_cast<double>(base_fs.sites), 1e-9);
  EXPECT_NEAR(epn.fte, 0.5 * base_epn.fte, 1e-9);  // 17.5 h of 35 h
  EXPECT_EQ(count_type(*m->territory, PointType::Library).fte,
            count_type(*t, PointType::Library).fte);
  // Above 35 h the staff bound mediation time: no change for generated (35 h) sites.
  const auto longer =
      test_support::model_with("rural-department", {{"network.epn.hours_per_week", 50}});
  EXPECT_NEAR(count_type(*longer->territory, PointType::Epn).fte, base_epn.fte, 1e-9);
}

TEST(NetworkLevers, SitesKeepTheMostPopulousOrAddWhereNoneIs) {
  const auto t = make_territory("rural-department", "", ".");
  const auto base = count_type(*t, PointType::FranceServices);
  const auto fewer =
      test_support::model_with("rural-department", {{"network.france_services.sites", 3}});
  EXPECT_EQ(count_type(*fewer->territory, PointType::FranceServices).sites, 3u);
  EXPECT_EQ(fewer->territory->points.size(), t->points.size() - (base.sites - 3));
  // The three kept are in the three most populous zones holding one.
  double min_kept = 1e300, max_dropped = 0;
  for (const auto& p : t->points) {
    if (p.type != PointType::FranceServices) continue;
    const double a = t->zones[static_cast<std::size_t>(p.zone)].total_adults();
    bool kept = false;
    for (const auto& q : fewer->territory->points) kept = kept || q.id == p.id;
    if (kept)
      min_kept = std::min(min_kept, a);
    else
      max_dropped = std::max(max_dropped, a);
  }
  EXPECT_GE(min_kept, max_dropped);
  const std::size_t want = base.sites + 10;
  const auto more = test_support::model_with(
      "rural-department", {{"network.france_services.sites", static_cast<int>(want)}});
  const auto added = count_type(*more->territory, PointType::FranceServices);
  EXPECT_EQ(added.sites, want);
  EXPECT_NEAR(added.fte, 2.2 * static_cast<double>(want), 1e-9);
  const auto none = test_support::model_with("rural-department", {{"network.epn.sites", 0}});
  EXPECT_EQ(count_type(*none->territory, PointType::Epn).sites, 0u);
}

TEST(NetworkLevers, MoreMediatorTimeLowersNonRecoursAndCostsMore) {
  // Paired runs (same seed, same replicate): only the lever differs.
  const Overrides small = {{"sim.population_scale", 0.05}, {"sim.horizon_weeks", 104}};
  double base_nr = 0, more_nr = 0, base_cost = 0, more_cost = 0;
  for (std::uint32_t r = 0; r < 3; ++r) {
    const auto a = test_support::run_model("rural-department", small, 11, r);
    const auto b = test_support::run_model(
        "rural-department", with(small, {{"network.france_services.fte", 4.4}}), 11, r);
    base_nr += a.metric("non_recours_rate");
    more_nr += b.metric("non_recours_rate");
    base_cost += a.metric("total_cost_eur");
    more_cost += b.metric("total_cost_eur");
  }
  EXPECT_LT(more_nr, base_nr);
  EXPECT_GT(more_cost, base_cost);
}

// A point offering less than one session a week keeps an unused session until it is used, one
// at most, and counts it once (capacity_used_share); a point offering more loses what it did not
// use at the end of the week (issue 27: at 0.2% of adults most points offered a session every
// few weeks and lost it when no request came that week).
TEST(PointCapacity, ASmallPointKeepsOneUnusedSessionAndCountsItOnce) {
  inclusion::PointState s;
  s.open = true;
  int offered = 0;  // sessions newly offered (what counted_capacity adds up)
  for (int week = 0; week < 20; ++week) {
    s.offer_sessions(0.3, 0.0);
    offered += s.capacity - s.held;
    EXPECT_LE(s.capacity, 1);
  }
  EXPECT_EQ(s.capacity, 1);  // held, never used
  EXPECT_EQ(offered, 1);     // counted once
  s.hold_session();
  s.offer_sessions(0.3, 0.0);
  EXPECT_EQ(s.held, 0);
  EXPECT_EQ(s.capacity, 0);  // the next one is due in a few weeks
  inclusion::PointState big;
  big.offer_sessions(2.5, 0.0);
  EXPECT_EQ(big.capacity, 2);
  big.offer_sessions(2.5, 0.0);  // nothing used: lost, only the fraction carries
  EXPECT_EQ(big.held, 0);
  EXPECT_EQ(big.capacity, 3);
}
