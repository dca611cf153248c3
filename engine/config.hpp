// Config files: experiment configs and scenario files (JSON), resolved against the parameter
// registry. Every error is an InputError naming the file, the JSON pointer, what was expected
// and the offending value. docs/config.md describes the format; scenarios/schema/ holds the
// JSON Schemas derived from the same code (config_schema(), scenario_schema()).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/experiment.hpp"

namespace govsim {

// A `--set name=value` override from the command line (or Python).
struct Override {
  std::string name;
  std::string value_text;
};

// Reads a JSON file; syntax errors become InputError with line and column.
nlohmann::json read_json_file(const std::filesystem::path& path);

// Loads and fully resolves an experiment config: scenarios (with `extends`), parameter
// overrides (config-level, then `overrides`), experiment settings and sweep.
ExperimentSpec load_experiment(const std::filesystem::path& path, const ModelAdapter& model,
                               const std::vector<Override>& overrides = {});
// Same from an in-memory JSON document (Python); relative paths resolve against base_dir.
ExperimentSpec load_experiment_json(const nlohmann::json& doc, const std::string& file_label,
                                    const std::filesystem::path& base_dir,
                                    const ModelAdapter& model,
                                    const std::vector<Override>& overrides = {});
// Loads one scenario file on its own (its `extends` chain resolved).
ScenarioSpec load_scenario(const std::filesystem::path& path, const ModelAdapter& model);

nlohmann::json config_schema(const ModelAdapter& model);
nlohmann::json scenario_schema(const ModelAdapter& model);

// Writes a scenario file (for planners saving tuned levers): only non-default parameters.
nlohmann::json scenario_to_json(const ScenarioSpec& s, const std::string& extends = "");

}  // namespace govsim
