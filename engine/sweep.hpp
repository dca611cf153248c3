// Parameter sweeps: full grids and Latin hypercube samples, expanded into scenarios.
#pragma once

#include <vector>

#include "engine/experiment.hpp"

namespace govsim {

// Design points: one row per point, one column per axis (internal parameter values).
std::vector<std::vector<double>> grid_design(const SweepSpec& sweep);
// Latin hypercube on [min, max] of each axis (integers rounded); deterministic in `seed`.
std::vector<std::vector<double>> lhs_design(const SweepSpec& sweep, std::uint64_t seed);
// Replaces spec.scenarios by one scenario per design point, built on the first scenario;
// each scenario's info gets "sweep": {name: value}. Baseline becomes point 0.
void expand_sweep(ExperimentSpec& spec);
// Replaces spec.scenarios by every (design point, scenario) pair, point-major: scenario
// "NAME@k" is scenario NAME in the state of the world k, where each design parameter takes the
// quantile of its plausible range given by the unit value. Replicate r of every pair uses the
// same random streams (common random numbers). info gets "scenario", "world" and "design";
// the baseline becomes the baseline of world 0; the resolved config records the design, so a
// resumed or merged run must use the same one. Runs keep only their metrics. Without
// design.as_configured_arms, the "@as_configured" arms are left out. Throws
// InputError on unknown or unvaried parameters, or unit values outside [0, 1].
void expand_design(ExperimentSpec& spec, const DesignSpec& design);

}  // namespace govsim
