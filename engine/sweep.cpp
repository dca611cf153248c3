#include "engine/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/rng.hpp"

namespace govsim {

std::vector<std::vector<double>> grid_design(const SweepSpec& sweep) {
  std::vector<std::vector<double>> rows = {{}};
  for (const auto& axis : sweep.axes) {
    std::vector<std::vector<double>> next;
    for (const auto& row : rows)
      for (double v : axis.values) {
        auto r = row;
        r.push_back(v);
        next.push_back(std::move(r));
      }
    rows = std::move(next);
  }
  return rows;
}

std::vector<std::vector<double>> lhs_design(const SweepSpec& sweep, std::uint64_t seed) {
  const int n = sweep.samples;
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(n), std::vector<double>(sweep.axes.size()));
  for (std::size_t d = 0; d < sweep.axes.size(); ++d) {
    const auto& axis = sweep.axes[d];
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    Rng rng(seed, 0, 900, static_cast<std::uint32_t>(d), 0);
    for (int i = n - 1; i > 0; --i) std::swap(perm[static_cast<std::size_t>(i)], perm[rng.below(static_cast<std::uint32_t>(i + 1))]);
    for (int i = 0; i < n; ++i) {
      const double u = (perm[static_cast<std::size_t>(i)] + rng.uniform()) / n;
      double v = axis.min + u * (axis.max - axis.min);
      rows[static_cast<std::size_t>(i)][d] = v;
    }
  }
  return rows;
}

void expand_sweep(ExperimentSpec& spec) {
  if (!spec.sweep) return;
  const SweepSpec& sw = *spec.sweep;
  const auto rows = sw.method == "grid" ? grid_design(sw) : lhs_design(sw, spec.seed);
  const ScenarioSpec base = spec.scenarios.at(static_cast<std::size_t>(spec.baseline));
  const ParamRegistry& reg = base.values.registry();
  std::vector<ScenarioSpec> out;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    ScenarioSpec s = base;
    s.name = base.name + "-sweep-" + std::to_string(k);
    nlohmann::json point = nlohmann::json::object();
    for (std::size_t d = 0; d < sw.axes.size(); ++d) {
      const auto idx = *reg.find(sw.axes[d].name);
      double v = rows[k][d];
      if (reg.at(idx).type == ParamType::Integer) v = std::round(v);
      s.values.set(idx, v);
      point[sw.axes[d].name] = reg.at(idx).to_json_value(v);
    }
    s.info["name"] = s.name;
    s.info["sweep"] = point;
    s.info["parameters"] = s.values.to_json(true);
    out.push_back(std::move(s));
  }
  spec.scenarios = std::move(out);
  spec.baseline = 0;
}

}  // namespace govsim
