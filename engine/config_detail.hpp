// What the config files' .cpp files share (json fields, scenario loader, experiment loader and
// its settings, command-line inputs); not for other callers, who include config.hpp.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/errors.hpp"

namespace govsim::config_detail {

// --- Typed fields (config_fields.cpp): each error an InputError naming file and JSON pointer.

// Why `path` is not a readable regular file ("not found", or the system's reason, e.g. a name too
// long), or an empty string if it is one. Never throws (the non-throwing filesystem overload).
std::string missing_file_reason(const std::filesystem::path& path);
// A value as text for messages, cut at 80 characters.
std::string show(const nlohmann::json& v);
// What a value is, for messages: "null", "a boolean true", "the number 3", "an array"...
std::string type_name(const nlohmann::json& v);
void require_object(const nlohmann::json& v, const std::string& file, const std::string& ptr);
// Records an error for each key of obj not in `allowed` (or throws them, without `errors`).
void check_keys(const nlohmann::json& obj, const std::string& file, const std::string& ptr,
                const std::vector<std::string>& allowed, ErrorCollector& errors);
void check_keys(const nlohmann::json& obj, const std::string& file, const std::string& ptr,
                const std::vector<std::string>& allowed);
std::string get_string(const nlohmann::json& obj, const std::string& key, const std::string& file,
                       const std::string& ptr, bool required, const std::string& def = "");
// An integer in [lo, hi] (a float with no fraction is accepted), def when absent.
long long get_int(const nlohmann::json& obj, const std::string& key, const std::string& file,
                  const std::string& ptr, long long lo, long long hi, long long def);
// What an unknown parameter name should have been: "a declared parameter name", and the nearest
// declared name if one is near.
std::string declared_parameter_expected(const ParamRegistry& reg, const std::string& name);
// The registry index of parameter `name`, else an InputError at `ptr` (with the nearest name).
std::size_t declared_parameter(const ParamRegistry& reg, const std::string& name,
                               const std::string& file, const std::string& ptr);
// A value of parameter `index` as the registry reads it, else an InputError at `ptr` saying what
// was expected (its type and range).
double parse_parameter_value(const ParamRegistry& reg, std::size_t index, const nlohmann::json& v,
                             const std::string& file, const std::string& ptr);
// Applies a "parameters" object to values; every bad entry is recorded in `errors`.
void apply_parameters(const nlohmann::json& params, const std::string& file, const std::string& ptr,
                      const ParamRegistry& reg, ParamValues& values, ErrorCollector& errors);

// --- Scenarios (scenario_loader.cpp). `stack` holds the files being loaded (extends cycles).

ScenarioSpec load_scenario_file(const std::filesystem::path& path, const std::string& from_file,
                                const std::string& from_ptr, const ModelAdapter& model,
                                std::vector<std::string>& stack, ErrorCollector& errors);
ScenarioSpec load_scenario_doc(const nlohmann::json& doc, const std::string& file,
                               const std::filesystem::path& base_dir, const std::string& ptr,
                               const ModelAdapter& model, std::vector<std::string>& stack,
                               ErrorCollector& errors);
// Titles by language of a scenario or experiment file: "titles": {"fr": ..., "en": ...}, or
// "title_fr" / "title_en", added to `titles` (an object); each bad entry recorded in `errors`.
// With field "description": "descriptions", "description_fr", "description_en" likewise.
void read_titles(const nlohmann::json& doc, const std::string& file, const std::string& ptr,
                 nlohmann::json& titles, ErrorCollector& errors,
                 const std::string& field = "title");
// The same properties in a JSON Schema (config_schema.cpp): "title", "title_fr", "title_en",
// "titles", and "description_fr", "description_en", "descriptions".
nlohmann::json title_schema_properties();
// Records in s.info the mechanisms (parameter groups) and parameters that differ from defaults.
void finish_mechanisms(ScenarioSpec& s);

// --- Experiments (experiment_loader.cpp, experiment_settings.cpp, command_line_config.cpp).

// One config document being loaded: its file label, the directory its relative paths resolve
// against, the model, and the collector every error found goes to.
struct ConfigDoc {
  const nlohmann::json& doc;
  const std::string& file;
  const std::filesystem::path& base_dir;
  const ModelAdapter& model;
  ErrorCollector& errors;
};

// The sections "experiment", "sweep" and "uncertainty" (experiment_settings.cpp).
void read_experiment_settings(const ConfigDoc& c, ExperimentSpec& e);
void read_sweep(const ConfigDoc& c, ExperimentSpec& e);
void read_uncertainty(const ConfigDoc& c, ExperimentSpec& e);
// The section "optimise" (optimise_settings.cpp) and its JSON Schema.
void read_optimise(const ConfigDoc& c, ExperimentSpec& e);
nlohmann::json optimise_schema(const ModelAdapter& model);
// A lever of a number (values, or min and max) or of a choice or boolean (values): "$defs".
nlohmann::json optimise_lever_schema(bool numeric);

// Writes e.resolved, the config the run used (every scenario's full parameter set).
void finish_resolved(ExperimentSpec& e, const ModelAdapter& model, const nlohmann::json* sweep_doc,
                     const nlohmann::json& applied);
// Applies command-line overrides (command_line_config.cpp).
void apply_overrides(std::vector<ScenarioSpec>& scenarios, const std::vector<ParamValues>& own,
                     const ParamRegistry& reg, const std::vector<Override>& overrides,
                     ErrorCollector& errors, nlohmann::json& applied,
                     std::vector<std::string>& warnings);

}  // namespace govsim::config_detail
