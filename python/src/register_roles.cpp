// Scenario roles (engine/scenario_role.hpp) for Python: the typed role of each scenario of a
// results store (scenario_roles) or of a loaded experiment (Experiment.scenario_roles), as rows
// of Results.scenario_roles() and the report.
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/errors.hpp"
#include "engine/results_store.hpp"
#include "engine/scenario_role.hpp"
#include "python/src/register.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;

namespace govsim::python {

py::list role_rows(const std::vector<std::string>& names, const std::vector<ScenarioRole>& roles) {
  const auto name_of = [&](int i) -> py::object {
    if (i < 0 || i >= static_cast<int>(names.size())) return py::none();
    return py::str(names[static_cast<std::size_t>(i)]);
  };
  const auto text_or_none = [](const std::string& s) -> py::object {
    return s.empty() ? py::object(py::none()) : py::object(py::str(s));
  };
  py::list rows;
  for (std::size_t i = 0; i < roles.size() && i < names.size(); ++i) {
    const ScenarioRole& r = roles[i];
    py::dict row;
    row["scenario"] = names[i];
    row["role"] = role_kind_name(r.kind);
    row["arm_of"] = name_of(r.arm_of);
    row["compared_with"] = name_of(r.compared_with);
    row["territory"] = text_or_none(r.territory);
    row["of"] = r.scenario.empty() ? py::str(names[i]) : py::str(r.scenario);
    row["budget"] = budget_name(r.budget);
    rows.append(row);
  }
  return rows;
}

void register_roles(py::module_& m) {
  m.def(
      "scenario_roles",
      [](const fs::path& store_file) {
        if (!fs::is_regular_file(store_file))
          throw StoreError(store_file.string() + ": no results store");
        std::vector<std::string> names;
        std::vector<ScenarioRole> roles;
        {
          py::gil_scoped_release nogil;
          const ResultsStore store(store_file);  // upgrades a store of format 1
          for (const auto& [name, info] : store.scenarios()) names.push_back(name);
          roles = store.scenario_roles();
        }
        return role_rows(names, roles);
      },
      py::arg("store"),
      "The role of each scenario of a results store, in order: rows {scenario, role "
      "('main', 'as_configured_arm', 'territory_baseline', 'territory_comparison'), arm_of, "
      "compared_with (scenario names or None), territory (its label or None), of (the config's "
      "scenario it is a run of), budget ('as_configured' or 'equal_to_baseline')}.");
}

}  // namespace govsim::python
