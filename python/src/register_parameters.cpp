// Parameter registry, metric and series descriptions, and scenario files (load / save).
#include <pybind11/stl.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "engine/config.hpp"
#include "engine/errors.hpp"
#include "python/src/register.hpp"

namespace py = pybind11;
using nlohmann::json;

namespace govsim::python {

const ModelAdapter& model();  // register_experiment.cpp

py::object to_python(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return py::none();
    case json::value_t::boolean:
      return py::bool_(j.get<bool>());
    case json::value_t::number_integer:
      return py::int_(j.get<std::int64_t>());
    case json::value_t::number_unsigned:
      return py::int_(j.get<std::uint64_t>());
    case json::value_t::number_float:
      return py::float_(j.get<double>());
    case json::value_t::string:
      return py::str(j.get_ref<const std::string&>());
    case json::value_t::array: {
      py::list l;
      for (const auto& v : j) l.append(to_python(v));
      return std::move(l);
    }
    case json::value_t::object: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = to_python(v);
      return std::move(d);
    }
    default:
      return py::none();
  }
}

json from_python(const py::handle& obj) {
  if (obj.is_none()) return nullptr;
  if (py::isinstance<py::bool_>(obj)) return obj.cast<bool>();
  if (py::isinstance<py::int_>(obj)) return obj.cast<std::int64_t>();
  if (py::isinstance<py::float_>(obj)) return obj.cast<double>();
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::isinstance<py::dict>(obj)) {
    json j = json::object();
    for (const auto& [k, v] : obj.cast<py::dict>())
      j[py::str(k).cast<std::string>()] = from_python(v);
    return j;
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    json j = json::array();
    for (const auto& v : obj) j.push_back(from_python(v));
    return j;
  }
  // numpy scalars and other numbers
  if (py::hasattr(obj, "__index__")) return obj.attr("__index__")().cast<std::int64_t>();
  if (py::hasattr(obj, "__float__")) return obj.attr("__float__")().cast<double>();
  throw py::type_error("cannot convert a " +
                       std::string(py::str(py::type::of(obj).attr("__name__"))) + " to JSON");
}

namespace {

py::list parameters() {
  py::list out;
  for (const auto& p : model().registry().all()) {
    py::dict d;
    d["name"] = p.name;
    d["type"] = to_string(p.type);
    d["default"] = to_python(p.to_json_value(p.default_value));
    d["unit"] = p.unit;
    const bool numeric = p.type == ParamType::Real || p.type == ParamType::Integer;
    d["min"] = numeric ? py::object(py::float_(p.min)) : py::object(py::none());
    d["max"] = numeric ? py::object(py::float_(p.max)) : py::object(py::none());
    d["choices"] =
        p.type == ParamType::Choice ? py::object(py::cast(p.choices)) : py::object(py::none());
    d["source"] = p.source;
    d["doc"] = p.doc;
    const auto& u = p.uncertainty;
    d["uncertainty_low"] = u ? py::object(py::float_(u->low)) : py::object(py::none());
    d["uncertainty_high"] = u ? py::object(py::float_(u->high)) : py::object(py::none());
    d["distribution"] = u ? py::object(py::str(u->distribution)) : py::object(py::none());
    d["uncertainty_reason"] = u ? py::object(py::str(u->reason)) : py::object(py::none());
    out.append(d);
  }
  return out;
}

py::list info_list(const std::vector<MetricInfo>& v) {
  py::list out;
  for (const auto& m : v) {
    py::dict d;
    d["name"] = m.name;
    d["higher_is_better"] = m.higher_is_better;
    d["direction"] = metric_direction(m);
    d["unit"] = m.unit;
    d["doc"] = m.doc;
    d["headline"] = m.headline;
    py::list groups;
    for (const auto& g : m.subgroups) groups.append(g);
    d["subgroups"] = groups;
    d["domain"] = stats::domain_name(m.domain);
    d["roles"] = m.roles;
    out.append(d);
  }
  return out;
}

py::dict scenario_dict(const ScenarioSpec& s) {
  py::dict d;
  d["name"] = s.name;
  d["info"] = to_python(s.info);
  d["parameters"] = to_python(s.values.to_json(false));
  d["non_default"] = to_python(s.values.to_json(true));
  return d;
}

py::dict load_scenario_py(const std::string& path) {
  ScenarioSpec s;
  {
    py::gil_scoped_release nogil;
    s = load_scenario(path, model());
  }
  return scenario_dict(s);
}

// Validates a scenario document (name, title, description, seed_contribution, parameters) and
// returns the file content written by scenario_to_json (only non-default parameters).
py::object scenario_document(const py::dict& doc, const std::string& label,
                             const std::string& extends) {
  const json j = from_python(doc);
  const ParamRegistry& reg = model().registry();
  if (!j.contains("name") || !j["name"].is_string())
    throw InputError(label, "/name", "a scenario name (string)",
                     j.contains("name") ? j["name"].dump() : "none");
  ScenarioSpec s;
  s.name = j["name"].get<std::string>();
  if (s.name.empty() || s.name.find_first_of(" /\\\"") != std::string::npos)
    throw InputError(label, "/name", "a non-empty name without spaces, slashes or quotes",
                     j["name"].dump());
  s.info = json::object();
  for (const char* k : {"title", "description", "seed_contribution"}) {
    if (!j.contains(k) || j[k].is_null()) continue;
    if (!j[k].is_string()) throw InputError(label, std::string("/") + k, "a string", j[k].dump());
    s.info[k] = j[k];
  }
  s.values = ParamValues(reg);
  if (j.contains("parameters")) {
    const json& ps = j["parameters"];
    if (!ps.is_object())
      throw InputError(label, "/parameters", "an object {name: value}", ps.dump());
    for (const auto& [name, value] : ps.items()) {
      std::string esc;
      for (char c : name)
        esc += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      const std::string ptr = "/parameters/" + esc;
      const auto idx = reg.find(name);
      if (!idx) {
        std::string expected = "a declared parameter name";
        const auto sug = reg.suggestions(name);
        if (!sug.empty()) expected += "; did you mean \"" + sug[0] + "\"?";
        throw InputError(label, ptr, expected, "unknown parameter \"" + name + "\"");
      }
      try {
        s.values.set(*idx, reg.parse(*idx, value));
      } catch (const ParamValueError& e) {
        throw InputError(label, ptr, e.expected, value.dump());
      }
    }
  }
  return to_python(scenario_to_json(s, extends));
}

}  // namespace

void register_parameters(py::module_& m) {
  m.def("parameters", &parameters,
        "The parameter registry: a list of dicts (name, type, default, unit, min, max, choices, "
        "source, doc).");
  m.def(
      "metrics", [] { return info_list(model().metrics()); },
      "Scalar metrics of a run (models/inclusion/metrics.def): a list of dicts (name, "
      "higher_is_better, unit, doc, headline, subgroups, domain, roles: 'primary' and 'cost').");
  m.def(
      "series", [] { return info_list(model().series()); },
      "Weekly series of a run (models/inclusion/metrics.def): a list of dicts (name, "
      "higher_is_better, unit, doc, headline, subgroups, domain, roles).");
  m.def("load_scenario", &load_scenario_py, py::arg("path"),
        "Loads a scenario file (its `extends` chain resolved): dict with name, info, parameters "
        "(every parameter) and non_default. Raises ConfigError on bad input.");
  m.def("scenario_document", &scenario_document, py::arg("doc"), py::arg("label") = "<scenario>",
        py::arg("extends") = "",
        "Validates a scenario document and returns the content of its scenario file (only "
        "non-default parameters). Raises ConfigError naming the JSON pointer on bad input.");
  m.def(
      "config_schema", [] { return to_python(config_schema(model())); },
      "JSON Schema of config files.");
  m.def(
      "scenario_schema", [] { return to_python(scenario_schema(model())); },
      "JSON Schema of scenario files.");
}

}  // namespace govsim::python
