// The names of scenario roles and budget modes as stored and exported, and the role of a
// scenario of a store written before roles were typed (see scenario_role.hpp).
#include "engine/scenario_role.hpp"

namespace govsim {

namespace {
constexpr std::pair<ScenarioRole::Kind, const char*> kKindNames[] = {
    {ScenarioRole::Kind::Main, "main"},
    {ScenarioRole::Kind::AsConfiguredArm, "as_configured_arm"},
    {ScenarioRole::Kind::TerritoryBaseline, "territory_baseline"},
    {ScenarioRole::Kind::TerritoryComparison, "territory_comparison"}};
}  // namespace

const char* budget_name(Budget b) {
  return b == Budget::EqualToBaseline ? "equal_to_baseline" : "as_configured";
}

std::optional<Budget> parse_budget(const std::string& text) {
  if (text == "as_configured") return Budget::AsConfigured;
  if (text == "equal_to_baseline") return Budget::EqualToBaseline;
  return std::nullopt;
}

const char* role_kind_name(ScenarioRole::Kind k) {
  for (const auto& [kind, name] : kKindNames)
    if (kind == k) return name;
  return "main";
}

std::optional<ScenarioRole::Kind> parse_role_kind(const std::string& text) {
  for (const auto& [kind, name] : kKindNames)
    if (text == name) return kind;
  return std::nullopt;
}

ScenarioRole role_from_legacy_info(const nlohmann::json& info, const std::string& name,
                                   Budget experiment_budget,
                                   const std::function<int(const std::string&)>& index_of) {
  ScenarioRole r;
  const auto text = [&](const char* key) {
    return info.contains(key) && info[key].is_string() ? info[key].get<std::string>() : "";
  };
  r.budget = parse_budget(text("budget")).value_or(experiment_budget);
  if (const std::string cw = text("compared_with"); !cw.empty()) r.compared_with = index_of(cw);
  const bool territory_run = info.contains("territory_baseline") || r.compared_with >= 0;
  if (territory_run && info.contains("territory")) {
    const auto& t = info["territory"];
    r.territory = t.is_string() ? t.get<std::string>()
                  : t.is_object() && t.contains("name") && t["name"].is_string()
                      ? t["name"].get<std::string>()
                      : "";
  }
  std::string base = name;
  if (const std::string arm_of = text("arm_of"); !arm_of.empty()) {
    r.kind = ScenarioRole::Kind::AsConfiguredArm;
    r.arm_of = index_of(arm_of);
    base = arm_of;
  } else if (info.contains("territory_baseline")) {
    r.kind = ScenarioRole::Kind::TerritoryBaseline;
  } else if (r.compared_with >= 0) {
    r.kind = ScenarioRole::Kind::TerritoryComparison;
  }
  const std::string suffix = "@" + r.territory;
  if (!r.territory.empty() && base.size() > suffix.size() && base.ends_with(suffix))
    base.resize(base.size() - suffix.size());
  if (r.kind != ScenarioRole::Kind::Main) r.scenario = base;
  return r;
}

}  // namespace govsim
