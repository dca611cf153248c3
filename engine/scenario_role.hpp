// The role a scenario plays in its experiment, declared once: set by the experiment loader
// (equal-budget arms, territory comparisons) and the sweep, stored as typed columns of the
// results store's scenarios table, read by the statistics and, through _core, by Python
// (Results.scenario_roles(), the report). A scenario's `info` stays its human description.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace govsim {

// experiment.budget: each scenario spends what its parameters cost, or the baseline's total.
enum class Budget { AsConfigured, EqualToBaseline };

struct ScenarioRole {
  enum class Kind {
    Main,                 // a scenario of the main comparison (the baseline included)
    AsConfiguredArm,      // NAME@as_configured: a scenario of an equal-budget comparison run as
                          // configured, for its cost-effectiveness (not ranked)
    TerritoryBaseline,    // the baseline run on a territory of "territory_comparisons"
    TerritoryComparison,  // a scenario run on a territory of "territory_comparisons"
  };
  Kind kind = Kind::Main;
  // AsConfiguredArm: index of the scenario it is the run as configured of.
  int arm_of = -1;
  // Index of the run its paired differences are against (a territory comparison and its arm:
  // the baseline run on its territory); -1: the experiment's baseline.
  int compared_with = -1;
  // Territory runs and their arms: the territory's label ("" : the experiment's territory).
  std::string territory{};
  // The config's scenario this run is of: a territory run's (without "@TERRITORY") or an arm's
  // ("" for a main scenario: itself).
  std::string scenario{};
  // What this scenario spends (an arm spends what it costs in an equal-budget experiment).
  Budget budget = Budget::AsConfigured;

  bool operator==(const ScenarioRole&) const = default;
};

// "as_configured" / "equal_to_baseline", and back (nullopt for any other text).
const char* budget_name(Budget b);
std::optional<Budget> parse_budget(const std::string& text);
// "main", "as_configured_arm", "territory_baseline", "territory_comparison", and back.
const char* role_kind_name(ScenarioRole::Kind k);
std::optional<ScenarioRole::Kind> parse_role_kind(const std::string& text);

// The role of a scenario of a store written before roles were typed (format_version 1), from
// the keys its info carried then ("arm_of", "compared_with", "territory_baseline", "budget", as
// scenario names) and the experiment's budget; `index_of` maps a scenario name to its index (-1
// if none). Used once, when such a store is opened.
ScenarioRole role_from_legacy_info(const nlohmann::json& info, const std::string& name,
                                   Budget experiment_budget,
                                   const std::function<int(const std::string&)>& index_of);

}  // namespace govsim
