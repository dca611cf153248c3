// The experiment loader: an experiment config resolved into an ExperimentSpec. The top-level
// keys are read in order by named functions (territory, scenarios, territory comparisons,
// parameter files, config-wide parameters, baseline, equal-budget arms; the settings sections
// are in experiment_settings.cpp); every error found is reported at once. finish_resolved writes
// the resolved config (what the run used).
#include <algorithm>
#include <set>

#include "engine/config.hpp"
#include "engine/config_detail.hpp"
#include "engine/errors.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace config_detail;

namespace config_detail {

// The resolved config (what the run used): every scenario's full parameter set.
void finish_resolved(ExperimentSpec& e, const ModelAdapter& model, const json* sweep_doc,
                     const json& applied) {
  json scen = json::array();
  for (const auto& s : e.scenarios) {
    json j = s.info;
    j.erase("territory");
    j.erase("territory_base");
    j["values"] = s.values.to_json();
    scen.push_back(j);
  }
  e.resolved = {{"name", e.name},
                {"description", e.description},
                {"territory", e.territory},
                {"baseline", e.scenarios[static_cast<std::size_t>(e.baseline)].name},
                {"scenarios", scen},
                {"runs", e.runs},
                {"seed", e.seed},
                {"outputs", e.outputs},
                {"budget", e.budget},
                {"model", model.name()}};
  if (e.target_ci)
    e.resolved["target_ci"] = {{"metric", e.target_ci->metric},
                               {"half_width", e.target_ci->half_width},
                               {"max_runs", e.target_ci->max_runs}};
  if (e.sweep && sweep_doc) e.resolved["sweep"] = *sweep_doc;
  if (e.uncertainty)
    e.resolved["uncertainty"] = {{"parameters", e.uncertainty->parameters},
                                 {"samples", e.uncertainty->samples},
                                 {"method", e.uncertainty->method}};
  if (!e.optimise.is_null()) e.resolved["optimise"] = e.optimise;
  if (!applied.empty()) e.resolved["overrides"] = applied;
  if (!e.warnings.empty()) e.resolved["warnings"] = e.warnings;
  if (!e.mid.empty()) e.resolved["minimal_important_difference"] = e.mid;
}

// Command-line overrides: "scenario:parameter" targets one scenario; a bare parameter name
// targets every scenario (with a warning when it cancels a value a scenario set itself, `own`).

}  // namespace config_detail

namespace {

const std::vector<std::string> kConfigKeys = {
    "$schema",         "name",       "description", "language",       "title",
    "title_fr",        "title_en",   "titles",      "description_fr", "description_en",
    "descriptions",    "territory",  "scenarios",   "baseline",       "territory_comparisons",
    "parameter_files", "parameters", "experiment",  "sweep",          "uncertainty",
    "optimise"};

// "name", "description"; returns "language" (of the report; govsim report --lang overrides it).
std::string read_names(const ConfigDoc& c, ExperimentSpec& e) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] { e.name = get_string(doc, "name", file, "", true); });
  errors.attempt([&] { e.description = get_string(doc, "description", file, "", false); });
  std::string language;  // of the report (govsim report --lang overrides it)
  errors.attempt([&] {
    language = get_string(doc, "language", file, "", false);
    if (doc.contains("language") && language != "fr" && language != "en")
      throw InputError(file, "/language", "\"fr\" or \"en\" (the report's language)",
                       show(doc["language"]));
  });
  return language;
}

void read_territory(const ConfigDoc& c, ExperimentSpec& e) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  c.errors.attempt([&] {
    if (!doc.contains("territory")) throw InputError(file, "/", "a \"territory\" key", "none");
    try {
      c.model.check_territory(doc["territory"], file, c.base_dir);
    } catch (const fs::filesystem_error& err) {  // e.g. a CSV path too long for the OS
      throw InputError(file, "/territory", "paths to existing files",
                       "'" + err.path1().string() + "': " + err.code().message());
    }
    e.territory = doc["territory"];
  });
}

// One item of a "scenarios" list: a scenario file path or an inline scenario object.
ScenarioSpec load_scenario_item(const ConfigDoc& c, const json& item, const std::string& ptr) {
  std::vector<std::string> stack;
  if (item.is_string())
    return load_scenario_file(c.base_dir / item.get<std::string>(), c.file, ptr, c.model, stack,
                              c.errors);
  if (item.is_object())
    return load_scenario_doc(item, c.file, c.base_dir, ptr, c.model, stack, c.errors);
  throw InputError(c.file, ptr, "a scenario file path or a scenario object", type_name(item));
}

// "scenarios"; returns whether every one loaded.
bool read_scenarios(const ConfigDoc& c, ExperimentSpec& e) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  bool scenarios_ok = false;
  errors.attempt([&] {
    if (!doc.contains("scenarios")) throw InputError(file, "/", "a \"scenarios\" key", "none");
    const json& sc = doc["scenarios"];
    if (!sc.is_array() || sc.empty())
      throw InputError(file, "/scenarios", "a non-empty array of scenario files or objects",
                       type_name(sc));
    std::set<std::string> names;
    const std::size_t before = errors.size();
    for (std::size_t i = 0; i < sc.size(); ++i) {
      const std::string ptr = "/scenarios/" + std::to_string(i);
      errors.attempt([&] {
        ScenarioSpec s = load_scenario_item(c, sc[i], ptr);
        if (!s.name.empty() && !names.insert(s.name).second)
          throw InputError(file, ptr, "scenario names that are unique",
                           "a second scenario named \"" + s.name + "\"");
        e.scenarios.push_back(std::move(s));
      });
    }
    scenarios_ok = errors.size() == before;
  });
  return scenarios_ok;
}

// Scenarios also compared on their own territory, each against the baseline run there:
// "NAME@TERRITORY" and "BASELINE@TERRITORY".
void read_territory_comparisons(const ConfigDoc& c, ExperimentSpec& e) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  c.errors.attempt([&] {
    const json& tc = doc["territory_comparisons"];
    const std::string where = "/territory_comparisons";
    if (!tc.is_array())
      throw InputError(file, where,
                       "an array of {\"territory\": ..., \"scenarios\": [...]} objects",
                       type_name(tc));
    std::set<std::string> names;
    for (const auto& s : e.scenarios) names.insert(s.name);
    std::string base_name = e.scenarios.front().name;
    if (doc.contains("baseline") && doc["baseline"].is_string())
      base_name = doc["baseline"].get<std::string>();
    // By index: the vector grows below.
    const auto base_idx =
        static_cast<std::size_t>(std::find_if(e.scenarios.begin(), e.scenarios.end(),
                                              [&](const auto& s) { return s.name == base_name; }) -
                                 e.scenarios.begin());
    const std::size_t n_main = e.scenarios.size();
    for (std::size_t g = 0; g < tc.size(); ++g) {
      const std::string gp = where + "/" + std::to_string(g);
      require_object(tc[g], file, gp);
      check_keys(tc[g], file, gp, {"territory", "scenarios"});
      if (!tc[g].contains("territory")) throw InputError(file, gp, "a \"territory\" key", "none");
      try {
        c.model.check_territory(tc[g]["territory"], file, c.base_dir);
      } catch (const InputError& err) {
        throw InputError(file, gp + "/territory",
                         "a territory as for the experiment's \"territory\"",
                         tc[g]["territory"].dump());
      }
      const json& terr = tc[g]["territory"];
      const std::string label = terr.is_string()
                                    ? terr.get<std::string>()
                                    : terr.value("name", "territory" + std::to_string(g));
      const json& gs = tc[g].contains("scenarios") ? tc[g]["scenarios"] : json();
      if (!gs.is_array() || gs.empty())
        throw InputError(file, gp + "/scenarios", "a non-empty array of scenario files or objects",
                         type_name(gs));
      if (base_idx >= n_main)
        throw InputError(file, "/baseline", "the name of one of the scenarios",
                         "\"" + base_name + "\"");
      ScenarioSpec base = e.scenarios[base_idx];
      base.name += "@" + label;
      base.info["name"] = base.name;
      base.info["territory"] = terr;
      base.territory = terr;
      base.role = {.kind = ScenarioRole::Kind::TerritoryBaseline,
                   .territory = label,
                   .scenario = e.scenarios[base_idx].name};
      const int base_index = static_cast<int>(e.scenarios.size());
      if (!names.insert(base.name).second)
        throw InputError(file, gp, "scenario names that are unique",
                         "a second scenario named \"" + base.name + "\"");
      e.scenarios.push_back(std::move(base));
      for (std::size_t i = 0; i < gs.size(); ++i) {
        const std::string ptr = gp + "/scenarios/" + std::to_string(i);
        ScenarioSpec s = load_scenario_item(c, gs[i], ptr);
        s.role = {.kind = ScenarioRole::Kind::TerritoryComparison,
                  .compared_with = base_index,
                  .territory = label,
                  .scenario = s.name};
        s.name += "@" + label;
        s.info["name"] = s.name;
        s.info["territory"] = terr;
        s.territory = terr;
        if (!names.insert(s.name).second)
          throw InputError(file, ptr, "scenario names that are unique",
                           "a second scenario named \"" + s.name + "\"");
        e.scenarios.push_back(std::move(s));
      }
    }
  });
}

// A parameters file: {"parameters": {...}} with optional "description" and "provenance"; every
// error of the file is reported at once.
ParamValues read_parameters_file(const fs::path& path, const ParamRegistry& reg) {
  const json pdoc = read_json_file(path);
  require_object(pdoc, path.string(), "");
  ErrorCollector file_errors;
  check_keys(pdoc, path.string(), "", {"$schema", "description", "parameters", "provenance"},
             file_errors);
  if (!pdoc.contains("parameters"))
    file_errors.add(InputError(path.string(), "/", "a \"parameters\" key", "none"));
  ParamValues vals(reg);
  if (pdoc.contains("parameters"))
    file_errors.attempt([&] {
      apply_parameters(pdoc["parameters"], path.string(), "/parameters", reg, vals, file_errors);
    });
  file_errors.throw_if_any();
  return vals;
}

// Parameter files (e.g. written by `govsim calibrate`) give values to what no scenario set
// (`own`: what each scenario set itself; they act as defaults); later files win over earlier ones.
void apply_parameter_files(const ConfigDoc& c, ExperimentSpec& e,
                           const std::vector<ParamValues>& own) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  const ParamRegistry& reg = c.model.registry();
  errors.attempt([&] {
    const json& pf = doc["parameter_files"];
    if (!pf.is_array())
      throw InputError(file, "/parameter_files", "an array of parameters files", type_name(pf));
    for (std::size_t i = 0; i < pf.size(); ++i) {
      errors.attempt([&] {
        const std::string ptr = "/parameter_files/" + std::to_string(i);
        if (!pf[i].is_string())
          throw InputError(file, ptr, "a parameters file path (string)", type_name(pf[i]));
        const fs::path path = c.base_dir / pf[i].get<std::string>();
        if (const std::string why = missing_file_reason(path); !why.empty())
          throw InputError(file, ptr, "an existing parameters file",
                           "'" + path.string() + "' " + why);
        const ParamValues vals = read_parameters_file(path, reg);
        for (std::size_t si = 0; si < e.scenarios.size(); ++si)
          for (std::size_t k = 0; k < reg.size(); ++k)
            if (vals.is_set(k) && !own[si].is_set(k)) e.scenarios[si].values.set(k, vals.get(k));
      });
    }
  });
}

// Config-wide "parameters" apply to every scenario (checked once).
void apply_config_parameters(const ConfigDoc& c, ExperimentSpec& e) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  const ParamRegistry& reg = c.model.registry();
  errors.attempt([&] {
    ParamValues scratch(reg);
    ErrorCollector param_errors;
    apply_parameters(doc["parameters"], file, "/parameters", reg, scratch, param_errors);
    if (!param_errors.empty()) {
      for (const auto& pe : param_errors.errors()) errors.add(pe);
      return;
    }
    ErrorCollector ignored;
    for (auto& s : e.scenarios)
      apply_parameters(doc["parameters"], file, "/parameters", reg, s.values, ignored);
  });
}

// "baseline": the scenario the others are compared with (default: the first).
void read_baseline(const ConfigDoc& c, ExperimentSpec& e, bool scenarios_ok) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  c.errors.attempt([&] {
    const std::string b = get_string(doc, "baseline", file, "", true);
    auto it = std::find_if(e.scenarios.begin(), e.scenarios.end(),
                           [&](const auto& s) { return s.name == b; });
    if (it != e.scenarios.end())
      e.baseline = static_cast<int>(it - e.scenarios.begin());
    else if (scenarios_ok)  // (a scenario that failed to load may be the one named)
      throw InputError(file, "/baseline", "the name of one of the scenarios",
                       show(doc["baseline"]));
  });
}

// Under "budget": "equal_to_baseline", every other scenario spends the baseline's total; each is
// also run as configured ("NAME@as_configured") for its cost-effectiveness (outcome gained per
// million euros).
void add_equal_budget_arms(const ConfigDoc& c, ExperimentSpec& e, bool scenarios_ok) {
  const json& doc = c.doc;
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    if (doc.contains("sweep"))
      throw InputError(file, "/experiment/budget",
                       "\"as_configured\" in a sweep (its design points have no baseline whose "
                       "budget they could equal)",
                       "\"equal_to_baseline\"");
    if (scenarios_ok && e.scenarios.size() < 2)
      throw InputError(file, "/experiment/budget",
                       "\"as_configured\" with a single scenario (nothing to compare at equal "
                       "budget)",
                       "\"equal_to_baseline\"");
  });
  if (errors.empty()) {
    const std::size_t n = e.scenarios.size();
    for (std::size_t k = 0; k < n; ++k) {
      ScenarioRole& role = e.scenarios[k].role;
      role.budget = Budget::EqualToBaseline;
      if (static_cast<int>(k) == e.baseline || role.kind == ScenarioRole::Kind::TerritoryBaseline)
        continue;
      ScenarioSpec arm = e.scenarios[k];
      e.scenarios[k].budget_of = role.compared_with >= 0 ? role.compared_with : e.baseline;
      arm.name += "@as_configured";
      arm.info["name"] = arm.name;
      arm.role.kind = ScenarioRole::Kind::AsConfiguredArm;
      arm.role.arm_of = static_cast<int>(k);
      arm.role.budget = Budget::AsConfigured;
      if (arm.role.scenario.empty()) arm.role.scenario = e.scenarios[k].name;
      e.scenarios.push_back(std::move(arm));
    }
  }
}

}  // namespace

ExperimentSpec load_experiment(const fs::path& path, const ModelAdapter& model,
                               const std::vector<Override>& overrides) {
  if (const std::string why = missing_file_reason(path); !why.empty())
    throw InputError(path.string(), "", "an existing config file", why);
  const json doc = read_json_file(path);
  return load_experiment_json(doc, path.string(), path.parent_path(), model, overrides);
}

ExperimentSpec load_experiment_json(const json& doc, const std::string& file,
                                    const fs::path& base_dir, const ModelAdapter& model,
                                    const std::vector<Override>& overrides) {
  require_object(doc, file, "");
  ErrorCollector errors;
  check_keys(doc, file, "", kConfigKeys, errors);
  const ConfigDoc c{doc, file, base_dir, model, errors};
  ExperimentSpec e;
  e.file = file;
  e.base_dir = base_dir;
  const std::string language = read_names(c, e);
  read_territory(c, e);
  const bool scenarios_ok = read_scenarios(c, e);
  if (scenarios_ok && doc.contains("territory_comparisons")) read_territory_comparisons(c, e);
  // What each scenario sets itself (its file and extends chain), before config-wide values.
  std::vector<ParamValues> own;
  for (const auto& s : e.scenarios) own.push_back(s.values);
  if (doc.contains("parameter_files")) apply_parameter_files(c, e, own);
  // Config-wide parameters, then command-line overrides, apply to every scenario.
  if (doc.contains("parameters")) apply_config_parameters(c, e);
  json applied = json::array();
  apply_overrides(e.scenarios, own, model.registry(), overrides, errors, applied, e.warnings);
  for (auto& s : e.scenarios) finish_mechanisms(s);
  e.baseline = 0;
  if (doc.contains("baseline")) read_baseline(c, e, scenarios_ok);
  if (doc.contains("experiment")) read_experiment_settings(c, e);
  if (e.budget == "equal_to_baseline") add_equal_budget_arms(c, e, scenarios_ok);
  if (doc.contains("sweep") && doc.contains("territory_comparisons"))
    errors.add(
        InputError(file, "/territory_comparisons",
                   "no territory comparisons in a sweep (its design points have no baseline)",
                   "both \"sweep\" and \"territory_comparisons\""));
  if (doc.contains("sweep")) read_sweep(c, e);
  if (doc.contains("uncertainty")) read_uncertainty(c, e);
  if (doc.contains("optimise")) read_optimise(c, e);
  // The experiment's human title (the report and CLI name it so), and its titles by language.
  std::string title;
  json titles = json::object();
  errors.attempt([&] { title = get_string(doc, "title", file, "", false); });
  read_titles(doc, file, "", titles, errors);
  json descriptions = json::object();
  read_titles(doc, file, "", descriptions, errors, "description");
  errors.throw_if_any();
  const json* sweep_doc = doc.contains("sweep") ? &doc["sweep"] : nullptr;
  finish_resolved(e, model, sweep_doc, applied);
  if (!language.empty()) e.resolved["language"] = language;
  if (!title.empty()) e.resolved["title"] = title;
  if (!titles.empty()) e.resolved["titles"] = titles;
  if (!descriptions.empty()) e.resolved["descriptions"] = descriptions;
  return e;
}

}  // namespace govsim
