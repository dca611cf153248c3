// The settings sections of an experiment config: "experiment" (runs, seed, threads, outputs,
// budget, target_ci, minimal_important_difference), "sweep" (method, samples, one axis per
// parameter) and "uncertainty" (the assumptions to vary). Each reader records every error it
// finds in the config's collector (config_detail.hpp) and leaves what it could not read at its
// default.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/config_detail.hpp"
#include "engine/errors.hpp"
#include "engine/json_reader.hpp"

namespace govsim::config_detail {

using nlohmann::json;

namespace {

// "budget": "as_configured" or "equal_to_baseline".
void read_budget(const ConfigDoc& c, const json& x, ExperimentSpec& e) {
  const std::string& file = c.file;
  c.errors.attempt([&] {
    if (!x["budget"].is_string() ||
        (x["budget"] != "as_configured" && x["budget"] != "equal_to_baseline"))
      throw InputError(file, "/experiment/budget",
                       "\"as_configured\" (each scenario spends what its parameters cost) or "
                       "\"equal_to_baseline\" (every scenario spends the baseline's total)",
                       show(x["budget"]));
    e.budget = x["budget"].get<std::string>();
  });
}

// "minimal_important_difference": {metric: non-negative number}.
void read_minimal_important_difference(const ConfigDoc& c, const json& x, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const std::string where = "/experiment/minimal_important_difference";
    const json& mid = x["minimal_important_difference"];
    require_object(mid, file, where);
    const auto ms = c.model.metrics();
    for (const auto& item : mid.items()) {
      const std::string name = item.key();
      const json& val = item.value();
      if (std::none_of(ms.begin(), ms.end(), [&](const auto& m) { return m.name == name; }))
        errors.add(InputError(file, where + "/" + pointer_escape(name),
                              "the name of a metric (govsim describe --metrics)",
                              "\"" + name + "\""));
      else if (!val.is_number() || !std::isfinite(val.get<double>()) || val.get<double>() < 0)
        errors.add(InputError(file, where + "/" + name,
                              "a non-negative number in the metric's unit", show(val)));
      else
        e.mid[name] = val.get<double>();
    }
  });
}

// "runs", "seed", "threads".
void read_run_counts(const ConfigDoc& c, const json& x, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    e.runs = static_cast<int>(get_int(x, "runs", file, "/experiment", 1, 100000, e.runs));
  });
  errors.attempt([&] {
    e.seed = static_cast<std::uint64_t>(
        get_int(x, "seed", file, "/experiment", 0, 9007199254740991LL, 1));
  });
  errors.attempt([&] {
    e.threads = static_cast<int>(get_int(x, "threads", file, "/experiment", 0, 1024, 0));
  });
}

// "outputs": the files to write.
void read_outputs(const ConfigDoc& c, const json& x, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& o = x["outputs"];
    if (!o.is_array())
      throw InputError(file, "/experiment/outputs", "an array of output names", type_name(o));
    e.outputs.clear();
    for (std::size_t i = 0; i < o.size(); ++i) {
      static const std::vector<std::string> known = {"summary", "paired", "runs", "timeseries"};
      if (!o[i].is_string() ||
          std::find(known.begin(), known.end(), o[i].get<std::string>()) == known.end())
        errors.add(InputError(file, "/experiment/outputs/" + std::to_string(i),
                              "one of summary, paired, runs, timeseries", show(o[i])));
      else
        e.outputs.push_back(o[i].get<std::string>());
    }
  });
}

// "target_ci": run until the metric's confidence interval is this narrow (adaptive replication).
void read_target_ci(const ConfigDoc& c, const json& x, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& tc = x["target_ci"];
    require_object(tc, file, "/experiment/target_ci");
    check_keys(tc, file, "/experiment/target_ci", {"metric", "half_width", "max_runs"}, errors);
    TargetCi t;
    bool ok = errors.attempt([&] {
      t.metric = get_string(tc, "metric", file, "/experiment/target_ci", true);
      const auto ms = c.model.metrics();
      if (std::none_of(ms.begin(), ms.end(), [&](const auto& m) { return m.name == t.metric; }))
        throw InputError(file, "/experiment/target_ci/metric",
                         "a metric name (see `govsim describe --metrics`)", show(tc["metric"]));
    });
    ok = errors.attempt([&] {
      if (!tc.contains("half_width") || !tc["half_width"].is_number() ||
          tc["half_width"].get<double>() <= 0)
        throw InputError(file, "/experiment/target_ci/half_width", "a positive number",
                         tc.contains("half_width") ? type_name(tc["half_width"]) : "none");
      t.half_width = tc["half_width"].get<double>();
    }) && ok;
    ok = errors.attempt([&] {
      t.max_runs =
          static_cast<int>(get_int(tc, "max_runs", file, "/experiment/target_ci", 2, 100000, 200));
    }) && ok;
    if (ok) e.target_ci = t;
  });
}

// One axis of "sweep/parameters": explicit "values", or "min", "max" and "steps".
SweepSpec::Axis read_sweep_axis(const ConfigDoc& c, const std::string& name, const json& spec) {
  const std::string& file = c.file;
  const ParamRegistry& reg = c.model.registry();
  const std::string ptr = "/sweep/parameters/" + pointer_escape(name);
  const std::size_t idx = declared_parameter(reg, name, file, ptr);
  const ParamSpec& ps = reg.at(idx);
  require_object(spec, file, ptr);
  check_keys(spec, file, ptr, {"values", "min", "max", "steps"});
  SweepSpec::Axis a;
  a.name = name;
  auto parse_value = [&](const json& v, const std::string& p) {
    return parse_parameter_value(reg, idx, v, file, p);
  };
  if (spec.contains("values")) {
    if (!spec["values"].is_array() || spec["values"].empty())
      throw InputError(file, ptr + "/values", "a non-empty array", type_name(spec["values"]));
    ErrorCollector value_errors;
    for (std::size_t i = 0; i < spec["values"].size(); ++i)
      value_errors.attempt([&] {
        a.values.push_back(parse_value(spec["values"][i], ptr + "/values/" + std::to_string(i)));
      });
    value_errors.throw_if_any();
    a.min = *std::min_element(a.values.begin(), a.values.end());
    a.max = *std::max_element(a.values.begin(), a.values.end());
  } else {
    if (ps.type == ParamType::Choice || ps.type == ParamType::Boolean)
      throw InputError(file, ptr,
                       "\"values\" for a " + std::string(to_string(ps.type)) + " parameter",
                       "min/max");
    if (!spec.contains("min") || !spec.contains("max"))
      throw InputError(file, ptr, "\"values\", or \"min\" and \"max\"", show(spec));
    a.min = parse_value(spec["min"], ptr + "/min");
    a.max = parse_value(spec["max"], ptr + "/max");
    if (a.max < a.min) throw InputError(file, ptr + "/max", "a value >= min", show(spec["max"]));
    const int steps = static_cast<int>(get_int(spec, "steps", file, ptr, 1, 1000, 5));
    for (int k = 0; k < steps; ++k) {
      double v = steps == 1 ? a.min : a.min + (a.max - a.min) * k / (steps - 1);
      if (ps.type == ParamType::Integer) v = std::round(v);
      a.values.push_back(v);
    }
  }
  return a;
}

// "uncertainty/parameters": "assumptions" (every varied assumption) or a list of them, in
// registry order.
std::vector<std::string> read_uncertain_parameters(const ConfigDoc& c, const json& u) {
  const std::string& file = c.file;
  const ParamRegistry& reg = c.model.registry();
  const std::string where = "/uncertainty";
  std::vector<std::string> out;
  const json params = u.contains("parameters") ? u["parameters"] : json("assumptions");
  const std::string expected =
      "\"assumptions\" or an array of assumption names with a plausible range "
      "(govsim describe shows them as 'plausible:')";
  if (params.is_string()) {
    if (params.get<std::string>() != "assumptions")
      throw InputError(file, where + "/parameters", expected, show(params));
    for (std::size_t i : reg.uncertain()) out.push_back(reg.at(i).name);
  } else if (params.is_array() && !params.empty()) {
    std::vector<std::size_t> picked;
    for (std::size_t k = 0; k < params.size(); ++k) {
      c.errors.attempt([&] {
        const std::string ptr = where + "/parameters/" + std::to_string(k);
        if (!params[k].is_string())
          throw InputError(file, ptr, "a parameter name", type_name(params[k]));
        const std::string name = params[k].get<std::string>();
        const auto idx = reg.find(name);
        if (!idx) {
          std::string got = "unknown parameter \"" + name + "\"";
          const auto sug = reg.suggestions(name);
          if (!sug.empty()) got += " (did you mean \"" + sug[0] + "\"?)";
          throw InputError(file, ptr, "a declared parameter name", got);
        }
        const ParamSpec& ps = reg.at(*idx);
        if (!ps.uncertainty || !ps.uncertainty->varied())
          throw InputError(file, ptr,
                           "a parameter with a plausible range (an assumption, not fixed)",
                           "\"" + name + "\" (source: " + ps.source + ")");
        if (std::find(picked.begin(), picked.end(), *idx) != picked.end())
          throw InputError(file, ptr, "each parameter once", "\"" + name + "\" again");
        picked.push_back(*idx);
      });
    }
    std::sort(picked.begin(), picked.end());
    for (std::size_t i : picked) out.push_back(reg.at(i).name);
  } else {
    throw InputError(file, where + "/parameters", expected, type_name(params));
  }
  return out;
}

}  // namespace

void read_experiment_settings(const ConfigDoc& c, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& x = c.doc["experiment"];
    require_object(x, file, "/experiment");
    check_keys(x, file, "/experiment",
               {"runs", "seed", "threads", "outputs", "target_ci", "minimal_important_difference",
                "budget"},
               errors);
    if (x.contains("budget")) read_budget(c, x, e);
    if (x.contains("minimal_important_difference")) read_minimal_important_difference(c, x, e);
    read_run_counts(c, x, e);
    if (x.contains("outputs")) read_outputs(c, x, e);
    if (x.contains("target_ci")) read_target_ci(c, x, e);
  });
}

void read_sweep(const ConfigDoc& c, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& sw = c.doc["sweep"];
    require_object(sw, file, "/sweep");
    check_keys(sw, file, "/sweep", {"method", "samples", "parameters"}, errors);
    SweepSpec s;
    errors.attempt([&] {
      s.method = get_string(sw, "method", file, "/sweep", true);
      if (s.method != "grid" && s.method != "lhs")
        throw InputError(file, "/sweep/method", "\"grid\" or \"lhs\"", show(sw["method"]));
    });
    errors.attempt([&] {
      s.samples = static_cast<int>(get_int(sw, "samples", file, "/sweep", 1, 100000, 10));
    });
    if (!sw.contains("parameters"))
      throw InputError(file, "/sweep", "a \"parameters\" key", "none");
    const json& ax = sw["parameters"];
    require_object(ax, file, "/sweep/parameters");
    if (ax.empty()) throw InputError(file, "/sweep/parameters", "at least one parameter", "{}");
    for (const auto& item : ax.items()) {
      const std::string name = item.key();  // (not a structured binding: clang 14 cannot capture)
      const json& spec = item.value();
      errors.attempt([&] { s.axes.push_back(read_sweep_axis(c, name, spec)); });
    }
    e.sweep = std::move(s);
  });
}

void read_uncertainty(const ConfigDoc& c, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& u = c.doc["uncertainty"];
    const std::string where = "/uncertainty";
    require_object(u, file, where);
    check_keys(u, file, where, {"parameters", "samples", "method"}, errors);
    UncertaintySpec us;
    errors.attempt([&] {
      us.samples = static_cast<int>(get_int(u, "samples", file, where, 2, 1000000, us.samples));
    });
    if (u.contains("method")) {
      errors.attempt([&] {
        us.method = get_string(u, "method", file, where, true);
        if (us.method != "lhs" && us.method != "sobol")
          throw InputError(file, where + "/method", "\"lhs\" or \"sobol\"", show(u["method"]));
      });
    }
    us.parameters = read_uncertain_parameters(c, u);
    e.uncertainty = std::move(us);
  });
}

}  // namespace govsim::config_detail
