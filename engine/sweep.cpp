#include "engine/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/errors.hpp"
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
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(n),
                                        std::vector<double>(sweep.axes.size()));
  for (std::size_t d = 0; d < sweep.axes.size(); ++d) {
    const auto& axis = sweep.axes[d];
    std::vector<int> perm(static_cast<std::size_t>(n));
    std::iota(perm.begin(), perm.end(), 0);
    Rng rng(seed, 0, 900, static_cast<std::uint32_t>(d), 0);
    for (int i = n - 1; i > 0; --i)
      std::swap(perm[static_cast<std::size_t>(i)],
                perm[rng.below(static_cast<std::uint32_t>(i + 1))]);
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

namespace {

// Drops the "@as_configured" arms, renumbering the roles' references to the scenarios kept (an
// arm is referred to by nothing but itself).
void drop_as_configured_arms(ExperimentSpec& spec) {
  std::vector<int> index(spec.scenarios.size(), -1);
  std::vector<ScenarioSpec> kept;
  for (std::size_t s = 0; s < spec.scenarios.size(); ++s)
    if (spec.scenarios[s].role.kind != ScenarioRole::Kind::AsConfiguredArm) {
      index[s] = static_cast<int>(kept.size());
      kept.push_back(std::move(spec.scenarios[s]));
    }
  const auto renumber = [&](int i) { return i >= 0 ? index[static_cast<std::size_t>(i)] : i; };
  for (auto& sc : kept) {
    sc.role.compared_with = renumber(sc.role.compared_with);
    sc.role.arm_of = renumber(sc.role.arm_of);
    sc.budget_of = renumber(sc.budget_of);
  }
  spec.baseline = renumber(spec.baseline);
  spec.scenarios = std::move(kept);
}

}  // namespace

void expand_design(ExperimentSpec& spec, const DesignSpec& design) {
  if (!design.as_configured_arms) drop_as_configured_arms(spec);
  const ParamRegistry& reg = spec.scenarios.at(0).values.registry();
  std::vector<std::size_t> idx;
  for (const auto& name : design.parameters) {
    const auto i = reg.find(name);
    if (!i)
      throw InputError("design", name, "a declared parameter name",
                       "unknown parameter \"" + name + "\"");
    if (!reg.at(*i).uncertainty || !reg.at(*i).uncertainty->varied())
      throw InputError("design", name,
                       "a parameter with a plausible range (an assumption, not fixed)",
                       "'" + name + "'");
    idx.push_back(*i);
  }
  if (design.unit_rows.empty()) throw InputError("design", "", "at least one design point", "none");
  const std::size_t n_base = spec.scenarios.size();
  std::vector<ScenarioSpec> out;
  out.reserve(design.unit_rows.size() * n_base);
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t k = 0; k < design.unit_rows.size(); ++k) {
    const auto& row = design.unit_rows[k];
    if (row.size() != idx.size())
      throw InputError("design", "row " + std::to_string(k), std::to_string(idx.size()) + " values",
                       std::to_string(row.size()));
    nlohmann::json point = nlohmann::json::object();
    std::vector<double> values(idx.size());
    for (std::size_t d = 0; d < idx.size(); ++d) {
      if (!(row[d] >= 0 && row[d] <= 1))
        throw InputError("design", "row " + std::to_string(k), "unit values in [0, 1]",
                         std::to_string(row[d]));
      const ParamSpec& ps = reg.at(idx[d]);
      values[d] = ps.uncertainty->quantile(row[d], ps.default_value, ps.type == ParamType::Integer);
      point[ps.name] = ps.to_json_value(values[d]);
    }
    rows.push_back(row);
    for (std::size_t s = 0; s < n_base; ++s) {
      ScenarioSpec sc = spec.scenarios[s];
      nlohmann::json own = nlohmann::json::object();
      for (std::size_t d = 0; d < idx.size(); ++d) {
        const ParamSpec& ps = reg.at(idx[d]);
        const double mine = sc.values.get(idx[d]);
        double v = values[d];
        // A scenario (or the config) that sets an assumption itself keeps its departure from the
        // default: the world scales it by the same factor as the default (docs/uncertainty.md).
        if (mine != ps.default_value) {
          v = ps.default_value != 0
                  ? std::clamp(mine * (values[d] / ps.default_value), ps.min, ps.max)
                  : mine;
          if (ps.type == ParamType::Integer) v = std::round(v);
          own[ps.name] = ps.to_json_value(v);
        }
        sc.values.set(idx[d], v);
      }
      sc.name = spec.scenarios[s].name + "@" + std::to_string(k);
      sc.info = {
          {"name", sc.name},
          {"scenario", spec.scenarios[s].name},
          {"world", k},
          {"design", point},
          {"mechanisms", spec.scenarios[s].info.value("mechanisms", nlohmann::json::array())}};
      if (!own.empty()) sc.info["scaled"] = own;
      // The same role within the same world (own territory, equal budget, arm).
      const auto in_world = [&](int i) { return i >= 0 ? static_cast<int>(k * n_base) + i : i; };
      sc.role.compared_with = in_world(sc.role.compared_with);
      sc.role.arm_of = in_world(sc.role.arm_of);
      sc.budget_of = in_world(sc.budget_of);
      out.push_back(std::move(sc));
    }
  }
  spec.scenarios = std::move(out);
  spec.resolved["design"] = {{"parameters", design.parameters}, {"unit_rows", rows}};
  spec.outputs = {"summary", "runs"};
  spec.resolved["outputs"] = spec.outputs;
  spec.store_series = false;
}

}  // namespace govsim
