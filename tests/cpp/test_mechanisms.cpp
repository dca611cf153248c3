// Each governance mechanism switched alone on versus off, with common random numbers (replicate
// r of both arms shares every random stream): the intended effect has the intended sign on its
// target metric, with a paired t statistic above 2, and the mechanism's cost is counted under
// the funder who pays it.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/stats.hpp"
#include "test_support.hpp"

using namespace govsim;
using test_support::Overrides;

namespace {
struct MechanismCase {
  const char* name;
  Overrides on;
  const char* metric;
  int direction;            // +1: the mechanism should raise the metric, -1: lower it
  const char* cost_metric;  // spending that must rise ("" if the mechanism is free)
  Overrides off = {};       // what both arms share beyond kBase (the mechanism's context)
};

std::ostream& operator<<(std::ostream& os, const MechanismCase& c) {
  return os << c.name;
}

const Overrides kBase = {{"sim.population_scale", 0.08}, {"sim.horizon_weeks", 156}};
constexpr int kReplicates = 10;

class Mechanism : public ::testing::TestWithParam<MechanismCase> {};

TEST_P(Mechanism, HasItsIntendedEffectAndItsCostIsCounted) {
  const MechanismCase& c = GetParam();
  Overrides off = kBase;
  for (const auto& [k, v] : c.off) off[k] = v;
  Overrides on = off;
  for (const auto& [k, v] : c.on) on[k] = v;
  std::vector<double> x_on, x_off, cost_on, cost_off;
  for (int r = 0; r < kReplicates; ++r) {
    const auto a =
        test_support::run_model("rural-department", on, 2024, static_cast<std::uint32_t>(r));
    const auto b =
        test_support::run_model("rural-department", off, 2024, static_cast<std::uint32_t>(r));
    x_on.push_back(a.metric(c.metric));
    x_off.push_back(b.metric(c.metric));
    if (*c.cost_metric) {
      cost_on.push_back(a.metric(c.cost_metric));
      cost_off.push_back(b.metric(c.cost_metric));
    }
  }
  const auto p = stats::paired_difference(x_on, x_off, c.direction > 0);
  const double t = p.sd_diff > 0 ? p.mean_diff / (p.sd_diff / std::sqrt(static_cast<double>(p.n)))
                                 : (p.mean_diff != 0 ? 1e9 * p.mean_diff : 0.0);
  std::cout << "[ effect   ] " << c.name << ": " << c.metric << " diff " << p.mean_diff << " ["
            << p.ci_low << ", " << p.ci_high << "], t = " << t << "\n";
  EXPECT_GT(c.direction * t, 2.0) << c.name << " should " << (c.direction > 0 ? "raise " : "lower ")
                                  << c.metric;
  if (*c.cost_metric) {
    const auto pc = stats::paired_difference(cost_on, cost_off, false);
    EXPECT_GT(pc.mean_diff, 0.0) << c.name << ": its cost must be counted in " << c.cost_metric;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Seed, Mechanism,
    ::testing::Values(
        MechanismCase{"single_authority",
                      {{"governance.funding_structure", "single_authority"}},
                      "mediator_departures",
                      -1,
                      "total_cost_eur@funder:department"},
        MechanismCase{"custodian",
                      {{"governance.funding_structure", "custodian"}},
                      "mediator_departures",
                      -1,
                      "total_cost_eur"},
        MechanismCase{"owner_instability",
                      {{"governance.owner_instability", 0.6}},
                      "interruption_weeks",
                      +1,
                      ""},
        // Both arms under a department owner (context, not part of the mechanism: the owner
        // level has its own tests in test_owner_level.cpp).
        MechanismCase{"needs_diagnosis",
                      {{"governance.allocation_rule", "needs_diagnosis"}},
                      "coverage_20min",
                      +1,
                      "total_cost_eur@funder:department",
                      {{"governance.owner_level", "department"}}},
        MechanismCase{"objectives_imposed",
                      {{"governance.objectives_imposed", true}},
                      "non_recours_rate",
                      -1,
                      "overhead_share"},
        MechanismCase{"animation",
                      {{"animation.intensity", 1.0}},
                      "mediation_share",
                      +1,
                      "total_cost_eur@funder:epci"},
        // Partners in the network refer residents they see in difficulty and book them a slot.
        MechanismCase{"referral_partners",
                      {{"referral.partners_joined", 1.0}},
                      "mediation_share",
                      +1,
                      "total_cost_eur@funder:caf"},
        // The booking itself (same partners, same referrals): referred residents are served at
        // the right point, first, instead of only learning that help exists.
        // (Context: residents who rarely ask by themselves, and room at the points.)
        MechanismCase{"referral_booking",
                      {{"referral.booked_share", 1.0}},
                      "mediation_share",
                      +1,
                      "",
                      {{"referral.partners_joined", 1.0},
                       {"referral.booked_share", 0.0},
                       {"population.trust_initial", 0.1},
                       {"mediation.sessions_per_fte_week", 40.0}}},
        // Animation for France Services only: every effect stops where it does not reach (session
        // success at other points; awareness and partners' knowledge where the nearest
        // procedure-help point is not a France Services).
        MechanismCase{"france_services_only",
                      {{"animation.france_services_only", true}},
                      "mediation_share",
                      -1,
                      "",
                      {{"animation.intensity", 1.0}}},
        // The awareness path alone (session success held fixed): fewer adults learn of the help.
        MechanismCase{"france_services_only_awareness",
                      {{"animation.france_services_only", true}},
                      "aware_share",
                      -1,
                      "",
                      {{"animation.intensity", 1.0}, {"animation.skill_gain", 0.0}}},
        // Word of mouth among neighbours, also for adults who have no need yet.
        MechanismCase{"word_of_mouth",
                      {{"awareness.word_of_mouth", 0.02}},
                      "mediation_share",
                      +1,
                      "",
                      {{"awareness.word_of_mouth", 0.0}}},
        // Both arms under a department owner (context, as for needs_diagnosis).
        MechanismCase{"observation",
                      {{"observation.enabled", true}},
                      "coverage_20min",
                      +1,
                      "total_cost_eur@funder:region",
                      {{"governance.owner_level", "department"}}},
        MechanismCase{"socio_mediation",
                      {{"socio_mediation.trained_share", 1.0}},
                      "mediation_share",
                      +1,
                      "staff_time_cost_eur"},
        // Every neighbourhood point helps with procedures (with its plan time): more adults have
        // procedure help within 30 minutes.
        MechanismCase{"master_plan",
                      {{"master_plan.enabled", true}},
                      "coverage_30min",
                      +1,
                      "staff_time_cost_eur"},
        // Mobile units tour rural zones without a point in reach: less rural non-recours (their
        // crews are paid from the envelope, so total sessions need not rise).
        MechanismCase{"mobile_units",
                      {{"mobile.units", 3}},
                      "non_recours_rate@density:rural",
                      -1,
                      "total_cost_eur@funder:department"},
        MechanismCase{"stations",
                      {{"stations.per_point", 2}},
                      "alone_share",
                      +1,
                      "total_cost_eur@funder:epci"},
        MechanismCase{"pooling",
                      {{"pooling.enabled", true}},
                      "sessions_per_1000_adults",
                      +1,
                      "total_cost_eur@funder:epci"},
        MechanismCase{"rollout_speed", {{"broadband.rollout_speed", 0.5}}, "autonomy_rate", +1, ""},
        MechanismCase{"political_sponsorship",
                      {{"broadband.political_sponsorship", true}},
                      "autonomy_rate",
                      +1,
                      "total_cost_eur@funder:department"},
        MechanismCase{"demonstrator",
                      {{"demonstrator.enabled", true}},
                      "aware_share",
                      +1,
                      "total_cost_eur@funder:commune"}),
    [](const ::testing::TestParamInfo<MechanismCase>& i) { return std::string(i.param.name); });

// The staff time trained social workers and a master plan's procedure help use is costed: with no
// grant lost (no point closes), staff_time_cost_eur equals an independent count from the
// territory's points: FTE x yearly cost x years, summed over the points concerned.
TEST(MechanismCosts, StaffTimeOfSocialWorkersAndMasterPlanIsCosted) {
  Overrides base = kBase;
  base["governance.renewal_fragmented"] = 1.0;
  const auto model = test_support::model_with("rural-department", base);
  const inclusion::Params& p = model->params;
  int social = 0, plan = 0;
  for (const auto& pt : model->territory->points) {
    if (inclusion::is_social_type(pt.type)) ++social;
    if (!inclusion::is_neighbourhood_type(pt.type)) continue;
    const double share = pt.type == inclusion::PointType::SocialCentre
                             ? p.social_centre_procedure_share
                             : p.epn_procedure_share;
    const bool helps = pt.procedure_draw >= 0 ? pt.procedure_draw < share
                                              : (pt.services & inclusion::kAdminProcedures) != 0;
    if (!helps) ++plan;
  }
  ASSERT_GT(social, 0);
  ASSERT_GT(plan, 0);
  const double years = p.horizon_weeks / 52.0;
  const auto off = test_support::run_model("rural-department", base, 2024, 0);
  EXPECT_EQ(off.metric("staff_time_cost_eur"), 0.0);
  const auto socio = test_support::run_model(
      "rural-department", test_support::with(base, {{"socio_mediation.trained_share", 0.5}}), 2024,
      0);
  EXPECT_NEAR(socio.metric("staff_time_cost_eur"),
              0.5 * p.social_worker_fte * p.fte_cost_eur * years * social, 1e-6);
  const auto mp = test_support::run_model(
      "rural-department", test_support::with(base, {{"master_plan.enabled", true}}), 2024, 0);
  EXPECT_NEAR(mp.metric("staff_time_cost_eur"),
              p.master_plan_procedure_fte * p.fte_cost_eur * years * plan, 1e-6);
  // Included in the total.
  EXPECT_GT(mp.metric("total_cost_eur") - off.metric("total_cost_eur"),
            mp.metric("staff_time_cost_eur"));
}

}  // namespace
