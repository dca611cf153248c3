// An experiment: resolved scenarios (each a full parameter set), the territory, and settings.
// The engine is generic: a ModelAdapter connects it to a model (models/inclusion/model.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/parameters.hpp"
#include "engine/run_record.hpp"
#include "engine/scenario_role.hpp"
#include "engine/stats.hpp"

namespace govsim {

struct MetricInfo {
  std::string name;
  bool higher_is_better = true;  // also true for a "neutral" metric (ranked higher first)
  // false: a "neutral" metric, whose direction is not a goal: no better/worse verdict.
  bool judged = true;
  std::string unit;
  std::string doc;
  bool headline = false;               // in the comparison table and the report's ranking
  std::vector<std::string> subgroups;  // dimensions of its breakdowns ("name@dimension:level")
  // Values it can take, which its confidence intervals respect (stats::Domain, docs/metrics.md).
  stats::Domain domain = stats::Domain::Real;
  // What the generic engine uses it for (kPrimaryRole, kCostRole; declared by the model).
  std::vector<std::string> roles;
};

// "higher", "lower" or "neutral" (a metric whose direction is not a goal: !judged).
inline const char* metric_direction(const MetricInfo& m) {
  return !m.judged ? "neutral" : m.higher_is_better ? "higher" : "lower";
}

// Metric roles. primary: what a comparison is ranked by and --target-ci aims at by default;
// cost: the total spending that cost-effectiveness is measured against.
inline constexpr const char* kPrimaryRole = "primary";
inline constexpr const char* kCostRole = "cost";

// The metric of `metrics` holding `role` ("" if none).
inline std::string metric_with_role(const std::vector<MetricInfo>& metrics,
                                    const std::string& role) {
  for (const auto& m : metrics)
    for (const auto& r : m.roles)
      if (r == role) return m.name;
  return "";
}

struct ScenarioSpec {
  std::string name;
  nlohmann::json info;  // title, description, seed_contribution, file, extends chain, mechanisms
  ParamValues values;
  // Equal-budget comparison (experiment.budget): index of the scenario whose spending this one
  // matches, replicate by replicate, mechanisms included (that scenario runs as configured);
  // -1: this scenario spends what its parameters cost.
  int budget_of = -1;
  // Each scenario on its own territory (config "territory_comparisons"): this scenario's
  // territory (null: the experiment's).
  nlohmann::json territory;
  // Its role in the experiment (arm, territory comparison, budget): set once by the loader and
  // the sweep, stored with the results, read by the statistics.
  ScenarioRole role;
};

struct TargetCi {
  std::string metric;
  double half_width = 0;
  int max_runs = 0;
};

struct SweepSpec {
  std::string method;  // "grid" or "lhs"
  int samples = 0;     // lhs
  struct Axis {
    std::string name;
    std::vector<double> values;  // grid: explicit or min..max in steps
    double min = 0, max = 0;     // lhs
  };
  std::vector<Axis> axes;
};

// The `uncertainty` section of a config: which plausible ranges to vary, how many points to
// draw and how (docs/uncertainty.md). Points are drawn by the govsim Python package (SALib,
// SciPy) and run through expand_design().
struct UncertaintySpec {
  std::vector<std::string> parameters;  // registry order; "assumptions" expands to all varied ones
  int samples = 64;
  std::string method = "lhs";  // lhs | sobol (a scrambled Sobol' sequence)
};

// Design points in the unit hypercube, one column per parameter; each value u is mapped to the
// parameter's plausible range by Uncertainty::quantile.
struct DesignSpec {
  std::vector<std::string> parameters;
  std::vector<std::vector<double>> unit_rows;
  // false: the "@as_configured" arms of an equal-budget comparison are not run (a robust
  // comparison leaves them out of its analysis; only their cost-effectiveness needs them).
  bool as_configured_arms = true;
};

struct ExperimentSpec {
  std::string file;  // config file it came from ("" if built in code)
  std::string name;
  std::string description;
  nlohmann::json territory;  // model-specific, checked by the adapter
  std::filesystem::path base_dir;
  std::vector<ScenarioSpec> scenarios;
  int baseline = 0;
  int runs = 10;
  std::uint64_t seed = 1;
  int threads = 0;  // 0 = all cores
  // "as_configured": each scenario spends what its parameters cost; "equal_to_baseline": every
  // scenario spends the baseline's total over the horizon (docs/config.md).
  std::string budget = "as_configured";
  std::vector<std::string> outputs = {"summary", "paired", "runs", "timeseries"};
  std::optional<TargetCi> target_ci;
  std::optional<SweepSpec> sweep;
  std::optional<UncertaintySpec> uncertainty;
  // The checked "optimise" section, normalised (null if none): the search space of
  // `govsim optimise`, run by the Python package (docs/optimisation.md).
  nlohmann::json optimise;
  bool store_series = true;           // false: runs keep only their metrics (design experiments)
  std::map<std::string, double> mid;  // minimal important difference by metric (config)
  std::vector<std::string> warnings;  // e.g. a --set that cancels a scenario's own lever
  nlohmann::json resolved;            // the fully resolved config, as stored in the manifest
};

// The model's part of the starter experiment written by `govsim init`.
struct StarterExperiment {
  // The config's "parameters": what makes it quick to run (a smaller population, a shorter
  // horizon), and the README's words saying what to remove for full runs ("" if nothing).
  nlohmann::json parameters = nlohmann::json::object();
  std::string parameters_text;
  // The variant scenario's own "parameters" (the lever it pulls over its preset).
  nlohmann::json variant_parameters = nlohmann::json::object();
};

class ModelAdapter {
 public:
  virtual ~ModelAdapter() = default;
  virtual std::string name() const = 0;
  virtual const ParamRegistry& registry() const = 0;
  // Throws InputError (file, pointer) if the territory value is not valid for this model.
  virtual void check_territory(const nlohmann::json& territory, const std::string& file,
                               const std::filesystem::path& base_dir) const = 0;
  virtual nlohmann::json territory_schema() const = 0;
  virtual std::vector<MetricInfo> metrics() const = 0;
  virtual std::vector<MetricInfo> series() const = 0;
  // The metric holding `role` (kPrimaryRole, kCostRole; "" if the model declares none).
  std::string metric_with_role(const std::string& role) const {
    return govsim::metric_with_role(metrics(), role);
  }
  // What the model puts in the starter experiment of `govsim init` (nothing by default).
  virtual StarterExperiment starter() const { return {}; }
  // Freezes the experiment's models and returns the function running one (scenario, replicate).
  virtual std::function<RunRecord(int scenario, int replicate)> prepare(
      const ExperimentSpec& spec) const = 0;
  // The layout of every run of `spec`.
  virtual RunLayout layout(const ExperimentSpec& spec) const = 0;
  // A short description of the experiment's territory for the manifest and `validate` (null if
  // the model has none to give).
  virtual nlohmann::json territory_info(const ExperimentSpec&) const { return nullptr; }
  // Model-specific commands (e.g. `govsim territory ...`): returns the exit status, or -1 if
  // `cmd` is not one of them. argv[0] is the command name. Throws InputError on bad input.
  virtual int command(const std::string& cmd, int argc, char** argv) const {
    (void)cmd, (void)argc, (void)argv;
    return -1;
  }
  virtual std::string commands_usage() const { return ""; }
};

}  // namespace govsim
