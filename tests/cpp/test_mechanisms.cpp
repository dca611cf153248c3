// Each governance mechanism switched alone on versus off, with common random numbers (replicate
// r of both arms shares every random stream): the intended effect has the intended sign on its
// target metric, with a paired t statistic above 2, and the mechanism's cost is counted under
// the funder who pays it.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

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

// The custodian differs from the single authority by what the seed says (LeVoice): pooled funds
// from every funder (fewer grants at each point: less reporting, less one-year money, so less
// turnover), partners joining the consortium (they know the offer and book referrals), neutrality
// (the owner's reorganisations rarely reach the pooled funds). Paired on common random numbers,
// the difference on each outcome must exceed its 95% t-interval (half-width t(n-1) s_d / sqrt n).
struct CustodianCase {
  const char* metric;
  int direction;
  Overrides context;
};

class CustodianVersusAuthority : public ::testing::TestWithParam<CustodianCase> {};

TEST_P(CustodianVersusAuthority, DiffersOnOutcomesBeyondNoise) {
  const CustodianCase& c = GetParam();
  Overrides authority = kBase;
  for (const auto& [k, v] : c.context) authority[k] = v;
  authority["governance.funding_structure"] = "single_authority";
  Overrides custodian =
      test_support::with(authority, {{"governance.funding_structure", "custodian"}});
  std::vector<double> a, b;
  for (int r = 0; r < kReplicates; ++r) {
    a.push_back(
        test_support::run_model("rural-department", custodian, 2024, static_cast<std::uint32_t>(r))
            .metric(c.metric));
    b.push_back(
        test_support::run_model("rural-department", authority, 2024, static_cast<std::uint32_t>(r))
            .metric(c.metric));
  }
  const auto p = stats::paired_difference(a, b, c.direction > 0);
  std::cout << "[ custodian] " << c.metric << ": custodian - authority " << p.mean_diff << " ["
            << p.ci_low << ", " << p.ci_high << "]\n";
  if (c.direction > 0)
    EXPECT_GT(p.ci_low, 0.0) << c.metric;
  else
    EXPECT_LT(p.ci_high, 0.0) << c.metric;
}

INSTANTIATE_TEST_SUITE_P(
    Seed, CustodianVersusAuthority,
    ::testing::Values(
        // Pooled funds: one agreement per point instead of the authority's plus the State's, the
        // CAF's and Banque des Territoires' own grants; partners joining book referrals.
        CustodianCase{"mediation_share", +1, {}}, CustodianCase{"referral_share", +1, {}},
        // Neutrality, where the owner reorganises often.
        CustodianCase{"interruption_weeks", -1, {{"governance.owner_instability", 0.5}}}),
    [](const ::testing::TestParamInfo<CustodianCase>& i) { return std::string(i.param.metric); });

// Without its distinctive paths (no extra pooling, no partners or places joining, no neutrality)
// the custodian is the single authority plus its fee: same outcomes, exactly, and more spending.
TEST(CustodianVersusAuthority, WithoutItsOwnPathsItIsTheAuthorityPlusAFee) {
  Overrides authority = kBase;
  authority["governance.owner_instability"] = 0.5;
  authority["governance.funding_structure"] = "single_authority";
  authority["governance.coordination_cost_eur"] = 0.0;
  const Overrides custodian =
      test_support::with(authority, {{"governance.funding_structure", "custodian"},
                                     {"governance.custodian_extra_pooling", 0.0},
                                     {"governance.custodian_partner_join", 0.0},
                                     {"governance.custodian_places_join", 0.0},
                                     {"governance.custodian_neutrality", 0.0}});
  const auto a = test_support::run_model("rural-department", custodian, 2024, 1);
  const auto b = test_support::run_model("rural-department", authority, 2024, 1);
  for (const char* m : {"non_recours_rate", "mediation_share", "referral_share",
                        "interruption_weeks", "mediator_departures", "point_closures"})
    EXPECT_EQ(a.metric(m), b.metric(m)) << m;
  EXPECT_GT(a.metric("total_cost_eur"), b.metric("total_cost_eur"));
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
        // Objectives reach out to and give priority to 60+ and adults in social difficulty: less
        // non-recours among them (where capacity binds, the others are turned away more often, so
        // the overall rate need not fall: docs/mechanisms.md).
        MechanismCase{"objectives_imposed",
                      {{"governance.objectives_imposed", true}},
                      "non_recours_rate@age:75+",
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
        // First-level places orient residents who come to them (no week lost at the wrong
        // place) and reach some who avoid service counters: less non-recours.
        MechanismCase{"master_plan",
                      {{"master_plan.enabled", true}},
                      "non_recours_rate",
                      -1,
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
        // The shared agenda alone (pooling on in both arms): requests turned away are placed the
        // same week at a site of the EPCI with a free slot instead of being re-oriented.
        MechanismCase{"shared_agenda",
                      {{"pooling.shared_agenda_share", 1.0}},
                      "turned_away_per_session",
                      -1,
                      "",
                      {{"pooling.enabled", true}, {"pooling.shared_agenda_share", 0.0}}},
        // Re-orientation (every scenario): a resident a full point turns away may give up there
        // and then; the fewer do, the less non-recours.
        MechanismCase{"turned_away_give_up",
                      {{"queue.turned_away_give_up", 0.4}},
                      "non_recours_rate",
                      +1,
                      "",
                      {{"queue.turned_away_give_up", 0.0}}},
        // Referrals: residents who accept longer trips are referred to places with sessions left
        // (capacity elsewhere is used).
        MechanismCase{"referral_travel",
                      {{"queue.referral_travel_tolerance_minutes", 60.0}},
                      "capacity_used_share",
                      +1,
                      "",
                      {{"queue.referral_travel_tolerance_minutes", 0.5},
                       {"queue.appointment_max_wait_weeks", 1},
                       // counter visits (never referred on) add noise to capacity use
                       {"channel.prefers_offline_share", 0.0}}},
        // The fixed offer reaches adults who use the internet only once it does (all lacking
        // basic skills since issue 27): it lowers non-use, not autonomy directly.
        // Workshop courses teach their learners: more adults autonomous than when the same
        // workshops teach nothing.
        MechanismCase{"workshops",
                      {{"workshop.skill_gain_per_session", 0.12}},
                      "autonomy_rate",
                      +1,
                      "",
                      {{"workshop.skill_gain_per_session", 0.0}}},
        MechanismCase{
            "rollout_speed", {{"broadband.rollout_speed", 0.5}}, "internet_non_use_rate", -1, ""},
        MechanismCase{"political_sponsorship",
                      {{"broadband.political_sponsorship", true}},
                      "internet_non_use_rate",
                      -1,
                      "total_cost_eur@funder:department"},
        MechanismCase{"demonstrator",
                      {{"demonstrator.enabled", true}},
                      "aware_share",
                      +1,
                      "total_cost_eur@funder:commune"}),
    [](const ::testing::TestParamInfo<MechanismCase>& i) { return std::string(i.param.name); });

// The staff time trained social workers and a master plan's reception and orientation use is
// costed: with no grant lost (no point closes), staff_time_cost_eur equals an independent count
// from the territory's points: FTE x yearly cost x years, summed over the points concerned.
TEST(MechanismCosts, StaffTimeOfSocialWorkersAndMasterPlanIsCosted) {
  Overrides base = kBase;
  for (const char* f : inclusion::kFunderNames)
    base[std::string("funders.") + f + ".renewal"] = 1.0;
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
              p.master_plan_orientation_fte * p.fte_cost_eur * years * plan, 1e-6);
  // Included in the total.
  EXPECT_GT(mp.metric("total_cost_eur") - off.metric("total_cost_eur"),
            mp.metric("staff_time_cost_eur"));
}

// ---- funders as actors (models/inclusion/funders.cpp) ---------------------------------------

// A network that does not move (every grant renewed, no mediator leaves, no new money, no
// reorganisation): each point's yearly cost is its posts and fixed cost, and who pays it follows
// from the grants.
Overrides stable_network(const char* structure) {
  Overrides o = kBase;
  o["sim.horizon_weeks"] = 104;
  o["governance.funding_structure"] = structure;
  for (const char* f : inclusion::kFunderNames) o[std::string("funders.") + f + ".renewal"] = 1.0;
  o["governance.renewal_pooled"] = 1.0;
  o["governance.turnover_base"] = 0.0;
  o["governance.turnover_short_term"] = 0.0;
  o["governance.budget_growth"] = 0.0;
  o["governance.owner_instability"] = 0.0;
  return o;
}

// Each funder's share of a point's cost by its objectives: the type's shares, the department's
// weighted at a point in a rural zone (its objective for remote areas), summing to 1.
std::array<double, inclusion::kFunders> point_shares(const inclusion::ModelSpec& m,
                                                     const inclusion::PointSpec& pt) {
  using namespace inclusion;
  auto shares = funding_shares(m.params, pt.type);
  if (m.territory->zones[static_cast<std::size_t>(pt.zone)].density == Density::Rural) {
    shares[static_cast<std::size_t>(Funder::Department)] *=
        m.params.funder_department_remote_weight;
    double sum = 0;
    for (double v : shares) sum += v;
    for (double& v : shares) v /= sum;
  }
  return shares;
}

// Spend by funder computed independently from the territory's points, each funder's objectives
// (funders.<type>_<funder>) and the structure's rule of who holds the grants: fragmented, each
// funder pays its objective share of each point; single authority, what a funder does not
// delegate it pays through its own grants and the authority spends the rest in proportion to
// what each funder handed it; custodian, everything is pooled (fee included).
std::array<double, inclusion::kFunders> expected_spend(const inclusion::ModelSpec& m,
                                                       double years) {
  using namespace inclusion;
  const Params& p = m.params;
  const std::array<double, kFunders> delegates = {p.funder_state_delegates,
                                                  p.funder_region_delegates,
                                                  p.funder_department_delegates,
                                                  p.funder_epci_delegates,
                                                  p.funder_commune_delegates,
                                                  p.funder_caf_delegates,
                                                  p.funder_banque_des_territoires_delegates};
  std::array<double, kFunders> line{}, own{}, handed{};
  double pooled_spend = 0;
  for (const PointSpec& pt : m.territory->points) {
    const double cost = pt.fte * p.fte_cost_eur + p.point_fixed_cost_eur;
    const auto shares = point_shares(m, pt);
    for (std::size_t f = 0; f < kFunders; ++f) {
      line[f] += shares[f] * cost;
      double d = 0;
      if (p.funding() == FundingStructure::SingleAuthority) d = delegates[f];
      if (p.funding() == FundingStructure::Custodian)
        d = delegates[f] + p.custodian_extra_pooling * (1 - delegates[f]);
      own[f] += shares[f] * cost * (1 - d);
      pooled_spend += shares[f] * cost * d;
    }
  }
  double handed_total = 0;
  for (std::size_t f = 0; f < kFunders; ++f) {
    double d = 0;
    if (p.funding() == FundingStructure::SingleAuthority) d = delegates[f];
    if (p.funding() == FundingStructure::Custodian)
      d = delegates[f] + p.custodian_extra_pooling * (1 - delegates[f]);
    handed[f] = line[f] * d;
    handed_total += handed[f];
  }
  const double fee = p.funding() == FundingStructure::Custodian ? p.custodian_fee_share : 0.0;
  std::array<double, kFunders> spend{};
  for (std::size_t f = 0; f < kFunders; ++f)
    spend[f] =
        years *
        (own[f] + (handed_total > 0 ? pooled_spend * (1 + fee) * handed[f] / handed_total : 0.0));
  // The mechanisms these structures bring: the authority's coordination team (department); the
  // partner offices the custodian's consortium draws in (CAF).
  if (p.funding() == FundingStructure::SingleAuthority)
    spend[static_cast<std::size_t>(Funder::Department)] += years * p.coordination_cost_eur;
  if (p.funding() == FundingStructure::Custodian)
    spend[static_cast<std::size_t>(Funder::Caf)] +=
        years * p.custodian_partner_join * (1 - p.partners_joined) * p.partner_offices_per_10000 *
        m.territory->total_adults() / 10000.0 * p.partner_join_cost_eur;
  return spend;
}

TEST(Funders, SpendByFunderFollowsTheGrantsEachFunderHoldsOrItsContributionToThePool) {
  std::array<std::array<double, inclusion::kFunders>, 3> seen{};
  const char* structures[] = {"fragmented", "single_authority", "custodian"};
  for (int k = 0; k < 3; ++k) {
    const Overrides o = stable_network(structures[k]);
    const auto model = test_support::model_with("rural-department", o);
    const auto expected = expected_spend(*model, 2.0);
    const auto run = test_support::run_model("rural-department", o, 2024, 0);
    for (std::size_t f = 0; f < inclusion::kFunders; ++f) {
      const std::string name = std::string("total_cost_eur@funder:") + inclusion::kFunderNames[f];
      seen[static_cast<std::size_t>(k)][f] = run.metric(name);
      EXPECT_NEAR(run.metric(name), expected[f], 1e-6 * std::max(1.0, expected[f]))
          << structures[k] << ": " << name;
    }
  }
  // The State keeps its own grants out of a single authority's programme: it pays what it pays
  // under fragmented funding, while the funders who delegate pay through the authority.
  const auto state = static_cast<std::size_t>(inclusion::Funder::State);
  EXPECT_NEAR(seen[1][state], seen[0][state], 1e-6 * seen[0][state]);
}

// A lost grant cuts the point's posts by its holder's part of the point's funding, so the
// funders whose grants are less often renewed lose their share of spending: with every State
// grant lost at its first renewal (and every other renewed), the State pays only the first year.
TEST(Funders, ALostGrantStopsItsHoldersSpending) {
  Overrides o = stable_network("fragmented");
  o["funders.state.renewal"] = 0.0;
  // The envelope shrinks, so the money the lapsed grants free is not placed again by the
  // allocation rule (it would add posts the points' remaining funders co-fund).
  o["governance.budget_growth"] = -0.5;
  const auto model = test_support::model_with("rural-department", o);
  const auto expected = expected_spend(*model, 1.0);  // the first year, before the renewal
  const auto run = test_support::run_model("rural-department", o, 2024, 0);
  EXPECT_NEAR(run.metric("total_cost_eur@funder:state"), expected[0], 1e-6 * expected[0]);
  // In year 2 each point keeps the posts its other funders pay for and its fixed cost, which
  // they now share in proportion to their grants: the commune pays, per point, its grant's part
  // of (1 - State share) x posts + fixed cost.
  const inclusion::Params& p = model->params;
  double commune = expected[4];
  for (const auto& pt : model->territory->points) {
    const auto sh = point_shares(*model, pt);
    if (sh[0] >= 1) continue;
    commune +=
        sh[4] / (1 - sh[0]) * ((1 - sh[0]) * pt.fte * p.fte_cost_eur + p.point_fixed_cost_eur);
  }
  EXPECT_NEAR(run.metric("total_cost_eur@funder:commune"), commune, 1e-6 * commune);
  EXPECT_GT(run.metric("mediator_departures"), 0.0);
}

}  // namespace
