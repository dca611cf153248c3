// Metamorphic tests of the whole model with common random numbers (replicate r of both arms
// shares every random stream): a change of input whose effect direction is known must move the
// outcome that way beyond noise (paired t statistic), and a change that should not matter must
// leave the outcome within noise.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "engine/stats.hpp"
#include "test_support.hpp"

using namespace govsim;
using test_support::Overrides;
using test_support::with;

namespace {
const Overrides kBase = {{"sim.population_scale", 0.03}, {"sim.horizon_weeks", 104}};
constexpr int kReplicates = 8;

// Paired t statistic of metric(on) - metric(off) over kReplicates CRN pairs.
double paired_t(const Overrides& on, const Overrides& off, const std::string& metric,
                double* mean_on = nullptr) {
  std::vector<double> a, b;
  for (int r = 0; r < kReplicates; ++r) {
    a.push_back(test_support::run_model("rural-department", on, 77, static_cast<std::uint32_t>(r))
                    .metric(metric));
    b.push_back(test_support::run_model("rural-department", off, 77, static_cast<std::uint32_t>(r))
                    .metric(metric));
  }
  if (mean_on) {
    *mean_on = 0;
    for (double x : a) *mean_on += x / kReplicates;
  }
  const auto p = stats::paired_difference(a, b, true);
  if (p.sd_diff == 0) return p.mean_diff == 0 ? 0.0 : std::copysign(1e9, p.mean_diff);
  return p.mean_diff / (p.sd_diff / std::sqrt(static_cast<double>(p.n)));
}
}  // namespace

TEST(Metamorphic, NoMediationCapacityGivesNoMediationAndMoreNonRecours) {
  const Overrides none = with(kBase, {{"mediation.sessions_per_fte_week", 0},
                                      {"mediation.sessions_per_fte_week_france_services", 0},
                                      {"stations.per_point", 0}});
  double mediation_none = -1;
  paired_t(none, kBase, "mediation_share", &mediation_none);
  EXPECT_EQ(mediation_none, 0.0);
  EXPECT_GT(paired_t(none, kBase, "non_recours_rate"), 2.0);
}

TEST(Metamorphic, MoreMediatorsShortenWaitsAndNeverRaiseNonRecours) {
  // A faster-growing envelope funds more mediator posts (allocation from year 1).
  const Overrides more = with(kBase, {{"governance.budget_growth", 0.5}});
  EXPECT_LT(paired_t(more, kBase, "mean_wait_weeks"), -2.0);
  EXPECT_LT(paired_t(more, kBase, "non_recours_rate"), 2.0);  // more money: not worse beyond noise
}

TEST(Metamorphic, DoublingPopulationScaleLeavesSharesUnchangedWithinNoise) {
  // Different agent counts cannot share random streams: compare means of independent samples,
  // within 3 standard errors of the difference.
  for (const char* metric :
       {"non_recours_rate", "mediation_share", "illectronisme_rate", "autonomy_rate"}) {
    std::vector<double> small, large;
    for (int r = 0; r < kReplicates; ++r) {
      small.push_back(
          test_support::run_model("rural-department", kBase, 91, static_cast<std::uint32_t>(r))
              .metric(metric));
      large.push_back(test_support::run_model("rural-department",
                                              with(kBase, {{"sim.population_scale", 0.06}}), 91,
                                              static_cast<std::uint32_t>(r))
                          .metric(metric));
    }
    const auto s = stats::summarize(small), l = stats::summarize(large);
    const double se = std::sqrt(s.sd * s.sd / s.n + l.sd * l.sd / l.n);
    std::cout << "[ scale    ] " << metric << ": " << s.mean << " (0.03) vs " << l.mean
              << " (0.06), se " << se << "\n";
    EXPECT_LE(std::abs(s.mean - l.mean), 3.0 * se) << metric;
  }
}

// Every adult with a home connection and basic skills well above the autonomy threshold (doing
// it alone a near-certainty), plus `extra`.
static Overrides everyone_autonomous(const Overrides& extra) {
  Overrides all = with(kBase, {{"population.no_home_internet", 0.0},
                               {"population.no_home_internet_75_plus", 0.0},
                               {"population.no_home_internet_no_diploma", 0.0},
                               {"resolution.alone_slope", 100.0}});
  for (const char* k : {"15_29", "30_44", "45_59", "60_74", "75_plus", "urban", "rural",
                        "no_diploma", "higher_education", "low_income", "high_income"})
    all[std::string("population.illectronisme_") + k] = 0.0;
  for (const char* k : {"15_29", "30_44", "45_59", "60_74", "75_plus"})
    all[std::string("population.skill_shape_") + k] = 0.05;
  return with(all, extra);
}

TEST(Metamorphic, EveryAdultAutonomousGivesNoMediationDemand) {
  // Everyone starts (and enters) with basic skills well above the autonomy threshold and a home
  // connection, and doing it alone is then a near-certainty: no one needs a point. On the rural
  // department too: its region's published rates (declared with the territory) are used only
  // when the scenario does not set the age targets, as here.
  // Adults who prefer the counter (channel.*) would still take France Services sessions: none
  // here, so that no session at all is held (the counter visits have their own test below).
  const Overrides all = everyone_autonomous({{"channel.prefers_offline_share", 0.0}});
  for (const char* kTerritory : {"rural-department", "former-mining-agglomeration"})
    for (int r = 0; r < 3; ++r) {
      const auto run = test_support::run_model(kTerritory, all, 77, static_cast<std::uint32_t>(r));
      ASSERT_EQ(run.metric("autonomy_rate"), 1.0) << "precondition: every adult autonomous";
      EXPECT_EQ(run.metric("mediation_share"), 0.0);
      EXPECT_EQ(run.metric("sessions_per_1000_adults"), 0.0);
      EXPECT_EQ(run.metric("referral_share"), 0.0);
      EXPECT_EQ(run.metric("non_recours_rate"), 0.0);
      const auto base =
          test_support::run_model(kTerritory, kBase, 77, static_cast<std::uint32_t>(r));
      EXPECT_GT(base.metric("mediation_share"), 0.0);  // the same territory otherwise has demand
    }
}

TEST(Metamorphic, AdultsWhoPreferTheCounterAreServedThereWithoutLearningOrNonRecours) {
  // Everyone autonomous (as above) and everyone preferring the counter, always at a France
  // Services site in reach: no need is done online, none is given up (a visit turned away comes
  // back, or is posted past its deadline), every France Services request is a counter visit and
  // no one is mediated; with the preference off, no need goes offline.
  const Overrides all = everyone_autonomous({{"channel.prefers_offline_share", 1.0},
                                             {"channel.counter_share", 1.0},
                                             {"channel.counter_france_services_share", 1.0}});
  const auto run = test_support::run_model("rural-department", all, 78, 0);
  ASSERT_EQ(run.metric("autonomy_rate"), 1.0) << "precondition: every adult autonomous";
  EXPECT_EQ(run.metric("alone_share"), 0.0);
  EXPECT_EQ(run.metric("mediation_share"), 0.0);
  EXPECT_EQ(run.metric("non_recours_rate"), 0.0);
  EXPECT_EQ(run.metric("adults_did_online_procedure_rate"), 0.0);
  EXPECT_EQ(run.metric("france_services_counter_share"), 1.0);
  EXPECT_GT(run.metric("france_services_requests_per_site_year"), 0.0);
  EXPECT_NEAR(
      run.metric("offline_share") + run.metric("relatives_share") + run.metric("pending_share"),
      1.0, 1e-12);
  Overrides none = all;
  none["channel.prefers_offline_share"] = 0.0;
  const auto off = test_support::run_model("rural-department", none, 78, 0);
  EXPECT_EQ(off.metric("offline_share"), 0.0);
  EXPECT_EQ(off.metric("france_services_counter_share"), 0.0);
  EXPECT_GT(off.metric("alone_share"), 0.99 - off.metric("pending_share"));
}

TEST(Metamorphic, WorkshopTimeNoLearnerFillsGoesBackToIndividualHelp) {
  // The time points set aside for workshops seats the learners individual sessions orient there
  // and the applicants from their catchment; what no learner fills goes back to individual help.
  // So without learners the time set aside changes nothing at all (every metric identical, bit
  // for bit, whatever the share and the workshops' gain), and without that time no one attends.
  const auto base = test_support::run_model("rural-department", kBase, 79, 0);
  EXPECT_GT(base.metric("workshop_attendances_per_1000_adults"), 0.0);
  EXPECT_GT(base.metric("workshop_share_of_sessions"), 0.0);
  const auto no_time = test_support::run_model(
      "rural-department", with(kBase, {{"mediation.workshop_share", 0.0}}), 79, 0);
  EXPECT_EQ(no_time.metric("workshop_attendances_per_1000_adults"), 0.0);
  const Overrides nobody =
      with(kBase, {{"workshop.enrol_share", 0.0}, {"workshop.take_up_yearly", 0.0}});
  const auto set_aside = test_support::run_model("rural-department", nobody, 79, 0);
  EXPECT_EQ(set_aside.metric("workshop_attendances_per_1000_adults"), 0.0);
  for (const Overrides& other : {with(nobody, {{"mediation.workshop_share", 0.0}}),
                                 with(nobody, {{"mediation.workshop_share", 0.6},
                                               {"workshop.skill_gain_per_session", 0.12}})}) {
    const auto run = test_support::run_model("rural-department", other, 79, 0);
    EXPECT_TRUE(test_support::same_bits(set_aside.record.metrics, run.record.metrics));
    EXPECT_TRUE(test_support::same_bits(set_aside.record.series, run.record.series));
  }
}

// How far the shared agenda reaches (pooling.beyond_epci_share, issue 28). Without pooling there
// is no agenda: the parameter changes nothing, bit for bit. With pooling, on the rural department
// (11 EPCI), an agenda that always also offers other EPCIs' sites within the trip places more of
// the requests turned away than one kept within the EPCI: fewer remain turned away, per session.
TEST(Metamorphic, SharedAgendaBeyondTheEpciMattersOnlyWithPoolingAndPlacesMore) {
  for (int r = 0; r < 2; ++r) {
    const auto epci = test_support::run_model("rural-department", kBase, 79, r);
    const auto beyond = test_support::run_model(
        "rural-department", with(kBase, {{"pooling.beyond_epci_share", 1.0}}), 79, r);
    EXPECT_TRUE(test_support::same_bits(epci.record.metrics, beyond.record.metrics));
    EXPECT_TRUE(test_support::same_bits(epci.record.series, beyond.record.series));
  }
  const Overrides pooled =
      with(kBase, {{"pooling.enabled", true}, {"pooling.shared_agenda_share", 1.0}});
  const Overrides wide = with(pooled, {{"pooling.beyond_epci_share", 1.0}});
  double mean_wide = 0;
  const double t = paired_t(wide, pooled, "turned_away_per_session", &mean_wide);
  std::cout << "[ agenda   ] turned_away_per_session beyond the EPCI " << mean_wide
            << ", paired t vs within = " << t << "\n";
  EXPECT_LT(t, -2.0);
}
