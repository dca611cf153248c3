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
      errors.add(InputError(o.source, o.name, declared_parameter_expected(reg, pname),
                            "unknown parameter \"" + pname + "\""));
      continue;
    }
    double v = 0;
    try {
      v = reg.parse_text(*idx, o.value_text);
    } catch (const ParamValueError& err) {
      errors.add(InputError(o.source, o.name, err.expected, "'" + o.value_text + "'"));
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
            o.source, o.name,
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
      model.check_territory(name, "--territory", ".");
    } catch (const InputError& e) {
      // "... names; did you mean X?": the files go before the suggestion.
      expected = e.expected();
      const auto mean = expected.find("; did you mean");
      expected.insert(mean == std::string::npos ? expected.size() : mean,
                      ", or a territory file (.json, or a communes .csv)");
    }
    throw InputError("--territory", "", expected, "'" + arg + "' (no such territory or file)");
  }
  const fs::path dir = fs::absolute(p).parent_path();
  if (p.extension() == ".csv") {
    t.value = {{"communes_csv", fs::absolute(p).string()}};
  } else {
    json doc = read_json_file(p);
    // A file holding {"territory": ...} (a config's section), the territory object itself, or a
    // territory written by `govsim territory build` (taken as {"file": ...}).
    const bool section = doc.is_object() && doc.contains("territory");
    if (section) doc = doc["territory"];
    try {
      try {
        model.check_territory(doc, p.string(), dir);
      } catch (const InputError& first) {
        if (section) throw;
        const json built = {{"file", fs::absolute(p).string()}};
        try {
          model.check_territory(built, p.string(), dir);
        } catch (const InputError&) {
          throw first;  // not a built territory either: the first error says what was expected
        }
        doc = built;
      }
    } catch (const fs::filesystem_error& err) {
      throw InputError(p.string(), "/territory", "paths to existing files",
                       "'" + err.path1().string() + "': " + err.code().message());
    }
    t.value = doc;
  }
  t.base_dir = dir;
  return t;
}

void override_territory(ExperimentSpec& e, const TerritoryChoice& territory,
                        const std::string& arg) {
  // Territory comparisons keep their own territory, resolved against the config's directory:
  // a territory object (relative paths) cannot move to the argument's directory under them.
  if (territory.base_dir != e.base_dir)
    for (const auto& s : e.scenarios)
      if (!s.territory.is_null() && !s.territory.is_string())
        throw InputError("--territory", "",
                         "an embedded territory name, a communes .csv or a built territory .json "
                         "(this config's territory comparisons use files relative to " +
                             e.base_dir.string() + ")",
                         "'" + arg + "'");
  const json configured = e.territory;
  e.territory = territory.value;
  e.base_dir = territory.base_dir;
  const std::string run_on = territory.value.is_string() ? territory.value.get<std::string>() : arg;
  e.description = "The experiment " + e.name + " run on " + run_on +
                  " (--territory) instead of the territory it is configured for (" +
                  (configured.is_string() ? configured.get<std::string>() : configured.dump()) +
                  ").";
  e.resolved["description"] = e.description;
  e.resolved.erase("descriptions");  // they describe the territory the config is for
  e.resolved["territory"] = e.territory;
  e.resolved["territory_configured"] = configured;
  e.resolved["territory_argument"] = arg;
}

}  // namespace govsim
