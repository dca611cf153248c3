// Knowing where to get help: a level where gains and the yearly loss balance (awareness.cpp;
// docs/model.md §3, docs/calibration.md "Awareness, a level rather than a saturation").
#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

using govsim::test_support::with;

namespace {
// 3% of the rural department (about 5,000 adults: a share's standard error is under 0.01) over
// five years, the horizon of the runs the targets are checked on.
const govsim::test_support::Overrides kFiveYears = {{"sim.population_scale", 0.03},
                                                    {"sim.horizon_weeks", 260}};
}  // namespace

// Without the loss, awareness saturates; with the default loss it settles well below.
TEST(Awareness, YearlyLossKeepsAwarenessFromSaturating) {
  const auto none = govsim::test_support::run_model(
      "rural-department", with(kFiveYears, {{"awareness.loss_yearly", 0.0}}), 5, 0);
  const auto loss = govsim::test_support::run_model("rural-department", kFiveYears, 5, 0);
  EXPECT_GT(none.metric("aware_share"), 0.93);
  EXPECT_LT(loss.metric("aware_share"), none.metric("aware_share") - 0.1);
  EXPECT_GT(loss.metric("aware_share"), 0.5);
}

// The level is the balance of gains and losses, not the starting share: starting far below or
// far above it, two runs end close to each other (relaxation over five years: gap × ~e^-3).
TEST(Awareness, SettlesAtTheSameLevelWhateverTheStart) {
  const auto low = govsim::test_support::run_model(
      "rural-department", with(kFiveYears, {{"population.aware_initial", 0.4}}), 5, 0);
  const auto high = govsim::test_support::run_model(
      "rural-department", with(kFiveYears, {{"population.aware_initial", 0.95}}), 5, 0);
  EXPECT_GT(low.metric("aware_share"), 0.5);
  EXPECT_LT(high.metric("aware_share"), 0.9);
  EXPECT_LT(std::abs(high.metric("aware_share") - low.metric("aware_share")), 0.08);
}
