// The JSON Schemas of config and scenario files (`govsim schema config|scenario`, written to
// scenarios/schema/), generated from the parameter registry, the model's metrics and its
// territory schema. tests/python/test_schema.py checks they are valid Draft 2020-12 schemas and
// accept and reject what the loaders accept and reject (the shipped files, tests/cli/bad/).
#pragma once

#include <nlohmann/json.hpp>

#include "engine/experiment.hpp"

namespace govsim {

nlohmann::json config_schema(const ModelAdapter& model);
nlohmann::json scenario_schema(const ModelAdapter& model);

}  // namespace govsim
