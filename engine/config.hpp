// Config files: experiment configs and scenario files (JSON), resolved against the parameter
// registry. Every error is an InputError naming the file, the JSON pointer, what was expected
// and the offending value. docs/config.md describes the format. The files are read by
// json_reader.hpp; scenarios/schema/ holds the JSON Schemas (config_schema.hpp). Definitions:
// scenario_loader.cpp, experiment_loader.cpp (+ experiment_settings.cpp),
// command_line_config.cpp.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/config_schema.hpp"  // (config.hpp stays the one include for config files)
#include "engine/experiment.hpp"
#include "engine/json_reader.hpp"

namespace govsim {

// A `--set name=value` override from the command line (or Python).
struct Override {
  std::string name;
  std::string value_text;
  std::string source = "--set";  // where it came from, for errors ("overrides" from Python)
};

// "scenario" or "config": what a JSON document is, by its `$schema` or else by its keys.
std::string file_kind(const nlohmann::json& doc);

// Loads and fully resolves an experiment config; every error found is reported at once (one
// InputError, or InputErrors for several): scenarios (with `extends`), parameter
// overrides (config-level, then `overrides`), experiment settings and sweep.
ExperimentSpec load_experiment(const std::filesystem::path& path, const ModelAdapter& model,
                               const std::vector<Override>& overrides = {});
// Same from an in-memory JSON document (Python); relative paths resolve against base_dir.
ExperimentSpec load_experiment_json(const nlohmann::json& doc, const std::string& file_label,
                                    const std::filesystem::path& base_dir,
                                    const ModelAdapter& model,
                                    const std::vector<Override>& overrides = {});
// Loads one scenario file on its own (its `extends` chain resolved). Reports every error of the
// file and of its chain at once (InputErrors when there are several).
ScenarioSpec load_scenario(const std::filesystem::path& path, const ModelAdapter& model);
ScenarioSpec load_scenario_json(const nlohmann::json& doc, const std::string& file_label,
                                const std::filesystem::path& base_dir, const ModelAdapter& model);

// A territory given on the command line: an embedded name, a JSON file holding the territory
// object (or a config whose "territory" it takes), or a communes CSV.
struct TerritoryChoice {
  nlohmann::json value;
  std::filesystem::path base_dir;  // relative CSV paths resolve against it
};
TerritoryChoice territory_from_argument(const std::string& arg, const ModelAdapter& model);
// Runs a loaded experiment on another territory (`--territory` of compare, sweep, robustness,
// sensitivity): the main scenarios move to it (territory comparisons keep theirs); the resolved
// config records the territory run and the configured one, and its description says so instead
// of the configured description (which names the configured territory).
void override_territory(ExperimentSpec& e, const TerritoryChoice& territory,
                        const std::string& arg);

// An experiment of one scenario file: its `territory` (inherited along `extends`) or `territory`
// when given, defaults for everything else (runs, seed, outputs), then overrides.
ExperimentSpec experiment_from_scenario(
    const std::filesystem::path& scenario_file, const ModelAdapter& model,
    const std::optional<TerritoryChoice>& territory = std::nullopt,
    const std::vector<Override>& overrides = {});

// Writes a scenario file (for planners saving tuned levers): only non-default parameters.
nlohmann::json scenario_to_json(const ScenarioSpec& s, const std::string& extends = "");

}  // namespace govsim
