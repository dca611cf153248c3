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

}  // namespace govsim
