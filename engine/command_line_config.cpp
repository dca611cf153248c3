// What the command line (or Python) adds to config files: `--set` overrides applied to the
// scenarios, a `--territory` argument (an embedded name, a territory file or a communes CSV),
// and an experiment made of one scenario file (`govsim run scenario.json`).
#include <algorithm>

#include "engine/config.hpp"
#include "engine/config_detail.hpp"
#include "engine/errors.hpp"

namespace govsim {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace config_detail;

namespace config_detail {

// Command-line overrides: "scenario:parameter" targets one scenario; a bare parameter name
// targets every scenario (with a warning when it cancels a value a scenario set itself, `own`).
// Every bad override is reported (errors); `applied` lists the ones applied.
void apply_overrides(std::vector<ScenarioSpec>& scenarios, const std::vector<ParamValues>& own,
                     const ParamRegistry& reg, const std::vector<Override>& overrides,
                     ErrorCollector& errors, json& applied, std::vector<std::string>& warnings) {
  for (const Override& o : overrides) {
    std::string target, pname = o.name;
    if (const auto colon = o.name.find(':'); colon != std::string::npos) {
      target = o.name.substr(0, colon);
      pname = o.name.substr(colon + 1);
    }
    const auto idx = reg.find(pname);
    if (!idx) {
      errors.add(InputError("--set", o.name, declared_parameter_expected(reg, pname),
                            "unknown parameter \"" + pname + "\""));
      continue;
    }
    double v = 0;
    try {
      v = reg.parse_text(*idx, o.value_text);
    } catch (const ParamValueError& err) {
      errors.add(InputError("--set", o.name, err.expected, "'" + o.value_text + "'"));
      continue;
    }
    applied.push_back(o.name + "=" + o.value_text);
    if (!target.empty()) {
      auto it = std::find_if(scenarios.begin(), scenarios.end(),
                             [&](const auto& s) { return s.name == target; });
      if (it == scenarios.end()) {
        std::string known;
        for (const auto& s : scenarios) known += (known.empty() ? "" : ", ") + s.name;
        errors.add(InputError(
            "--set", o.name,
            "SCENARIO:PARAMETER=VALUE naming a scenario of this experiment (" + known + ")",
            "unknown scenario \"" + target + "\""));
        continue;
      }
      it->values.set(*idx, v);
      continue;
    }
    std::string hit;
    const double dflt = reg.at(*idx).default_value;
    for (std::size_t k = 0; k < scenarios.size() && k < own.size(); ++k)
      if (own[k].get(*idx) != dflt && own[k].get(*idx) != v)
        hit += (hit.empty() ? "" : ", ") + scenarios[k].name;
    if (!hit.empty())
      warnings.push_back(
          "--set " + o.name + "=" + o.value_text + " replaces the value that " + hit +
          " set(s) explicitly, so the lever no longer differs between scenarios; to change one "
          "scenario only, use --set SCENARIO:" +
          pname + "=VALUE");
    for (auto& s : scenarios) s.values.set(*idx, v);
  }
}

}  // namespace config_detail

ExperimentSpec experiment_from_scenario(const fs::path& scenario_file, const ModelAdapter& model,
                                        const std::optional<TerritoryChoice>& territory,
                                        const std::vector<Override>& overrides) {
  if (const std::string why = missing_file_reason(scenario_file); !why.empty())
    throw InputError(scenario_file.string(), "", "an existing scenario file", why);
  ErrorCollector errors;
  ScenarioSpec s;
  std::vector<std::string> stack;
  errors.attempt([&] {
    s = load_scenario_file(scenario_file, scenario_file.string(), "", model, stack, errors);
  });
  ExperimentSpec e;
  e.file = scenario_file.string();
  e.name = s.name;
  e.description = s.info.value("description", std::string());
  if (territory) {
    e.territory = territory->value;
    e.base_dir = territory->base_dir;
  } else if (s.info.contains("territory")) {
    e.territory = s.info["territory"];
    e.base_dir = s.info.value("territory_base", std::string("."));
  } else if (errors.empty()) {
    errors.add(InputError(
        scenario_file.string(), "/territory",
        "a territory to run it on: add \"territory\": \"rural-department\" (or another embedded "
        "territory, see docs/territories.md) to the file, or pass --territory NAME|FILE",
        "none"));
  }
  std::vector<ScenarioSpec> one;
  if (errors.empty()) one.push_back(std::move(s));
  std::vector<ParamValues> own;
  for (const auto& sc : one) own.push_back(sc.values);
  json applied = json::array();
  // (checked even when the file has errors)
  apply_overrides(one, own, model.registry(), overrides, errors, applied, e.warnings);
  errors.throw_if_any();
  e.scenarios = std::move(one);
  for (auto& sc : e.scenarios) finish_mechanisms(sc);
  e.baseline = 0;
  finish_resolved(e, model, nullptr, applied);
  e.resolved["scenario_file"] = scenario_file.string();
  return e;
}

TerritoryChoice territory_from_argument(const std::string& arg, const ModelAdapter& model) {
  TerritoryChoice t;
  const json name = arg;
  try {
    model.check_territory(name, "--territory", ".");
    t.value = name;
    t.base_dir = ".";
    return t;
  } catch (const InputError&) {
  }
  const fs::path p = arg;
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) {
    std::string expected =
        "an embedded territory name or a territory file (.json, or a communes .csv)";
    try {
      model.check_territory(json(""), "--territory", ".");
    } catch (const InputError& e) {
      expected = e.expected() + ", or a territory file (.json, or a communes .csv)";
    }
    throw InputError("--territory", "", expected, "'" + arg + "' (no such territory or file)");
  }
  const fs::path dir = fs::absolute(p).parent_path();
  if (p.extension() == ".csv") {
    t.value = {{"communes_csv", fs::absolute(p).string()}};
  } else {
    json doc = read_json_file(p);
    // A file holding {"territory": ...} (a config's section) or the territory object itself.
    if (doc.is_object() && doc.contains("territory")) doc = doc["territory"];
    try {
      model.check_territory(doc, p.string(), dir);
    } catch (const fs::filesystem_error& err) {
      throw InputError(p.string(), "/territory", "paths to existing files",
                       "'" + err.path1().string() + "': " + err.code().message());
    }
    t.value = doc;
  }
  t.base_dir = dir;
  return t;
}

}  // namespace govsim
