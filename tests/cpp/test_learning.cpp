// Illectronisme as INSEE defines it (no internet use, or use without basic skills), starting to
// use the internet, and learning outside mediation (learning.cpp; docs/model.md §3).
#include <gtest/gtest.h>

#include "models/inclusion/open_data.hpp"
#include "test_support.hpp"

using namespace govsim::inclusion;
using govsim::test_support::with;

namespace {
// 3% of the rural department over two years; nothing moves skills or internet use but the
// switch a test turns on (kStill).
const govsim::test_support::Overrides kSmall = {{"sim.population_scale", 0.03},
                                                {"sim.horizon_weeks", 104}};
const govsim::test_support::Overrides kStill =
    with(kSmall, {{"demography.enabled", false},
                  {"mediation.skill_gain_per_session", 0},
                  {"workshop.skill_gain_per_session", 0},
                  {"learning.outside_mediation_yearly", 0},
                  {"learning.internet_adoption_yearly", 0},
                  {"learning.internet_adoption_yearly_basic_skill", 0}});
}  // namespace

// At week 0 every adult who does not use the internet lacks basic skills: nobody without
// internet use is counted outside illectronisme (INSEE counts every non-user in it).
TEST(Learning, NonUsersAllLackBasicSkillsAtWeekZero) {
  const auto m = govsim::test_support::model_with("rural-department", kSmall);
  const auto pop = generate_population(*m->territory, m->params, 11, 0);
  double non_users = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    const bool user = (pop.flags[i] & kHomeInternet) && !(pop.flags[i] & kNeedsFixedOffer);
    if (user) continue;
    non_users += 1;
    EXPECT_LT(pop.base_skill[i], m->params.skill_basic_threshold) << i;
  }
  EXPECT_GT(non_users, 0.08 * static_cast<double>(pop.size()));
}

// The headline is the sum of its two components, at the end of any run.
TEST(Learning, IllectronismeIsNonUsePlusLowSkillUse) {
  const auto r = govsim::test_support::run_model("rural-department", kSmall, 5, 0);
  EXPECT_GT(r.metric("internet_non_use_rate"), 0.05);
  EXPECT_GT(r.metric("low_skill_user_rate"), 0.0);
  EXPECT_NEAR(r.metric("illectronisme_rate"),
              r.metric("internet_non_use_rate") + r.metric("low_skill_user_rate"), 1e-12);
}

// Starting to use the internet is a transition: with every non-user starting within the year,
// non-use nearly vanishes (left: those waiting for a fixed offer); without learning they become
// low-skill users, so illectronisme itself does not move (same streams, exactly).
TEST(Learning, StartingToUseTheInternetMovesNonUsersToLowSkillUse) {
  const auto off = govsim::test_support::run_model("rural-department", kStill, 5, 0);
  const auto on = govsim::test_support::run_model(
      "rural-department", with(kStill, {{"learning.internet_adoption_yearly", 1.0}}), 5, 0);
  EXPECT_GT(off.metric("internet_non_use_rate"), 0.08);
  EXPECT_LT(on.metric("internet_non_use_rate"), 0.1 * off.metric("internet_non_use_rate"));
  EXPECT_GT(on.metric("low_skill_user_rate"), off.metric("low_skill_user_rate") + 0.07);
  EXPECT_EQ(on.metric("illectronisme_rate"), off.metric("illectronisme_rate"));
}

// Learning outside mediation lifts low-skill users over the basic threshold (and never moves
// non-users, who do not practise).
TEST(Learning, OutsideMediationLowersLowSkillUse) {
  const auto off = govsim::test_support::run_model("rural-department", kStill, 5, 0);
  const auto on = govsim::test_support::run_model(
      "rural-department", with(kStill, {{"learning.outside_mediation_yearly", 0.3}}), 5, 0);
  EXPECT_EQ(on.metric("internet_non_use_rate"), off.metric("internet_non_use_rate"));
  EXPECT_LT(on.metric("low_skill_user_rate"), 0.8 * off.metric("low_skill_user_rate"));
  EXPECT_LT(on.metric("illectronisme_rate"), off.metric("illectronisme_rate"));
}
