// Registration functions of the govsim._core extension module (one per area) and the helpers
// they share. module.cpp calls each register_* once.
#pragma once

#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/scenario_role.hpp"

namespace govsim::python {

// Parameter registry, metrics and series descriptions, scenario files.
void register_parameters(pybind11::module_& m);
// Experiments (config loading, ensemble runs), statistics, exceptions.
void register_experiment(pybind11::module_& m);
// Scenario roles of a results store.
void register_roles(pybind11::module_& m);
void register_stats(pybind11::module_& m);
// The rows of scenario_roles(): one dict per scenario (names: the scenarios, by index).
pybind11::list role_rows(const std::vector<std::string>& names,
                         const std::vector<ScenarioRole>& roles);

// JSON <-> Python objects (dict, list, str, int, float, bool, None).
pybind11::object to_python(const nlohmann::json& j);
nlohmann::json from_python(const pybind11::handle& obj);

}  // namespace govsim::python
