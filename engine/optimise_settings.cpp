// The "optimise" section of an experiment config: the search space of `govsim optimise`
// (docs/optimisation.md). Levers are registry parameters, each with discrete "values" or a
// "min"/"max" range (and an optional "step") inside the registry's own range; objectives and
// constraints are metrics of the model's catalogue. It is checked here, like every other
// section, and stored normalised in the resolved config; the search itself runs in Python
// (python/govsim/optimisation, Optuna's NSGA-II).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "engine/config_detail.hpp"
#include "engine/errors.hpp"
#include "engine/json_reader.hpp"

namespace govsim::config_detail {

using nlohmann::json;

namespace {

const std::string kWhere = "/optimise";

// One lever: {"values": [...]} or {"min": a, "max": b, "step": s} (numbers only), normalised to
// {"name", "type", "values"} or {"name", "type", "min", "max"[, "step"]}.
json read_lever(const ConfigDoc& c, const std::string& name, const json& spec) {
  const std::string& file = c.file;
  const ParamRegistry& reg = c.model.registry();
  const std::string ptr = kWhere + "/levers/" + pointer_escape(name);
  const std::size_t idx = declared_parameter(reg, name, file, ptr);
  const ParamSpec& ps = reg.at(idx);
  require_object(spec, file, ptr);
  check_keys(spec, file, ptr, {"values", "min", "max", "step"});
  json out = {{"name", name}, {"type", to_string(ps.type)}};
  auto parse_value = [&](const json& v, const std::string& p) {
    return parse_parameter_value(reg, idx, v, file, p);
  };
  if (spec.contains("values")) {
    const json& vs = spec["values"];
    if (!vs.is_array() || vs.size() < 2)
      throw InputError(file, ptr + "/values", "an array of at least two values to choose from",
                       show(vs));
    ErrorCollector value_errors;
    std::set<double> seen;
    for (std::size_t i = 0; i < vs.size(); ++i)
      value_errors.attempt([&] {
        const std::string p = ptr + "/values/" + std::to_string(i);
        if (!seen.insert(parse_value(vs[i], p)).second)
          throw InputError(file, p, "each value once", show(vs[i]) + " again");
      });
    value_errors.throw_if_any();
    out["values"] = vs;
    return out;
  }
  if (ps.type == ParamType::Choice || ps.type == ParamType::Boolean)
    throw InputError(file, ptr, "\"values\" for a " + std::string(to_string(ps.type)) + " lever",
                     show(spec));
  if (!spec.contains("min") || !spec.contains("max"))
    throw InputError(file, ptr, "\"values\", or \"min\" and \"max\"", show(spec));
  const double lo = parse_value(spec["min"], ptr + "/min");
  const double hi = parse_value(spec["max"], ptr + "/max");
  if (!(hi > lo))
    throw InputError(file, ptr + "/max", "a value > min (a non-empty range)", show(spec["max"]));
  out["min"] = spec["min"];
  out["max"] = spec["max"];
  if (spec.contains("step")) {
    const json& st = spec["step"];
    const bool integer = ps.type == ParamType::Integer;
    if (!st.is_number() || !(st.get<double>() > 0) || st.get<double>() > hi - lo ||
        (integer && std::floor(st.get<double>()) != st.get<double>()))
      throw InputError(file, ptr + "/step",
                       std::string(integer ? "a positive integer" : "a positive number") +
                           " no larger than max - min",
                       show(st));
    out["step"] = st;
  }
  return out;
}

const MetricInfo* find_metric(const std::vector<MetricInfo>& ms, const std::string& name) {
  const auto it = std::find_if(ms.begin(), ms.end(), [&](const auto& m) { return m.name == name; });
  return it == ms.end() ? nullptr : &*it;
}

// A metric of the catalogue, or one of its breakdowns "name@dimension:level" (a dimension it
// declares; the level is checked by govsim optimise, against the model's list).
std::string metric_name(const ConfigDoc& c, const json& v, const std::string& ptr,
                        const std::vector<MetricInfo>& ms) {
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    const auto at = s.find('@');
    const MetricInfo* m = find_metric(ms, s.substr(0, at));
    if (m != nullptr && at == std::string::npos) return s;
    const auto colon = s.find(':', at == std::string::npos ? 0 : at);
    if (m != nullptr && colon != std::string::npos && colon + 1 < s.size() &&
        std::count(m->subgroups.begin(), m->subgroups.end(), s.substr(at + 1, colon - at - 1)) > 0)
      return s;
  }
  throw InputError(c.file, ptr, "the name of a metric (govsim describe --metrics)", show(v));
}

// An objective: "metric" (its catalogue direction) or {"metric", "direction"}.
json read_objective(const ConfigDoc& c, const json& o, const std::string& ptr,
                    const std::vector<MetricInfo>& ms) {
  const json& name_json = o.is_object() && o.contains("metric") ? o["metric"] : o;
  if (o.is_object()) check_keys(o, c.file, ptr, {"metric", "direction"});
  const std::string name = metric_name(c, name_json, o.is_object() ? ptr + "/metric" : ptr, ms);
  const MetricInfo& m = *find_metric(ms, name.substr(0, name.find('@')));
  std::string direction = m.higher_is_better ? "maximise" : "minimise";
  if (o.is_object() && o.contains("direction")) {
    if (o["direction"] != "minimise" && o["direction"] != "maximise")
      throw InputError(c.file, ptr + "/direction", "\"minimise\" or \"maximise\"",
                       show(o["direction"]));
    direction = o["direction"].get<std::string>();
  } else if (!m.judged) {
    throw InputError(c.file, ptr,
                     "a metric with a direction, or {\"metric\", \"direction\"} for a neutral one",
                     "the neutral metric \"" + name + "\"");
  }
  return {{"metric", name}, {"direction", direction}};
}

// A constraint: {"metric", "at_most" | "at_least": number or "baseline"}.
json read_constraint(const ConfigDoc& c, const json& o, const std::string& ptr,
                     const std::vector<MetricInfo>& ms) {
  require_object(o, c.file, ptr);
  check_keys(o, c.file, ptr, {"metric", "at_most", "at_least"});
  if (!o.contains("metric")) throw InputError(c.file, ptr, "a \"metric\" key", "none");
  json out = {{"metric", metric_name(c, o["metric"], ptr + "/metric", ms)}};
  const int bounds = static_cast<int>(o.contains("at_most")) + o.contains("at_least");
  if (bounds != 1)
    throw InputError(c.file, ptr, "exactly one of \"at_most\" and \"at_least\"", show(o));
  const std::string key = o.contains("at_most") ? "at_most" : "at_least";
  const json& b = o[key];
  if (!(b.is_number() || b == "baseline"))
    throw InputError(c.file, ptr + "/" + key, "a number or \"baseline\"", show(b));
  out[key] = b;
  return out;
}

}  // namespace

void read_optimise(const ConfigDoc& c, ExperimentSpec& e) {
  const std::string& file = c.file;
  ErrorCollector& errors = c.errors;
  errors.attempt([&] {
    const json& o = c.doc["optimise"];
    require_object(o, file, kWhere);
    check_keys(o, file, kWhere,
               {"levers", "objectives", "constraints", "evaluations", "population", "final_runs",
                "seed", "sampler", "place", "warm_start"},
               errors);
    json out = json::object();
    const auto ms = c.model.metrics();
    errors.attempt([&] {
      if (!o.contains("levers")) throw InputError(file, kWhere, "a \"levers\" key", "none");
      require_object(o["levers"], file, kWhere + "/levers");
      if (o["levers"].empty())
        throw InputError(file, kWhere + "/levers", "at least one lever", "{}");
      out["levers"] = json::array();
      for (const auto& item : o["levers"].items()) {
        const std::string name = item.key();
        const json& spec = item.value();
        errors.attempt([&] { out["levers"].push_back(read_lever(c, name, spec)); });
      }
    });
    errors.attempt([&] {
      const std::string ptr = kWhere + "/objectives";
      if (!o.contains("objectives") || !o["objectives"].is_array() || o["objectives"].empty())
        throw InputError(file, ptr, "a non-empty array of metrics",
                         o.contains("objectives") ? show(o["objectives"]) : "none");
      out["objectives"] = json::array();
      std::set<std::string> seen;
      for (std::size_t i = 0; i < o["objectives"].size(); ++i)
        errors.attempt([&] {
          const std::string p = ptr + "/" + std::to_string(i);
          json obj = read_objective(c, o["objectives"][i], p, ms);
          if (!seen.insert(obj["metric"].get<std::string>()).second)
            throw InputError(file, p, "each metric once", show(obj["metric"]) + " again");
          out["objectives"].push_back(std::move(obj));
        });
    });
    out["constraints"] = json::array();
    if (o.contains("constraints"))
      errors.attempt([&] {
        const std::string ptr = kWhere + "/constraints";
        if (!o["constraints"].is_array())
          throw InputError(file, ptr, "an array of constraints", type_name(o["constraints"]));
        for (std::size_t i = 0; i < o["constraints"].size(); ++i)
          errors.attempt([&] {
            out["constraints"].push_back(
                read_constraint(c, o["constraints"][i], ptr + "/" + std::to_string(i), ms));
          });
      });
    errors.attempt(
        [&] { out["evaluations"] = get_int(o, "evaluations", file, kWhere, 1, 100000, 40); });
    errors.attempt([&] { out["population"] = get_int(o, "population", file, kWhere, 2, 1000, 8); });
    errors.attempt([&] {
      if (o.contains("final_runs"))
        out["final_runs"] = get_int(o, "final_runs", file, kWhere, 2, 100000, 40);
    });
    errors.attempt([&] {
      if (o.contains("seed")) out["seed"] = get_int(o, "seed", file, kWhere, 0, (1LL << 53), 1);
    });
    errors.attempt([&] {
      out["sampler"] = get_string(o, "sampler", file, kWhere, false, "nsga2");
      if (out["sampler"] != "nsga2" && out["sampler"] != "tpe")
        throw InputError(file, kWhere + "/sampler", "\"nsga2\" or \"tpe\"", show(o["sampler"]));
    });
    // Scenario files placed beside the front (evaluated at the final replicates, in the report's
    // chart), and whether the search starts from them (their levers' values as the first designs).
    out["place"] = json::array();
    if (o.contains("place"))
      errors.attempt([&] {
        const std::string ptr = kWhere + "/place";
        if (!o["place"].is_array())
          throw InputError(file, ptr, "an array of scenario file paths", type_name(o["place"]));
        for (std::size_t i = 0; i < o["place"].size(); ++i)
          errors.attempt([&] {
            const std::string p = ptr + "/" + std::to_string(i);
            const json& item = o["place"][i];
            if (!item.is_string())
              throw InputError(file, p, "a scenario file path", type_name(item));
            std::vector<std::string> stack;
            const std::filesystem::path path = c.base_dir / item.get<std::string>();
            const ScenarioSpec s = load_scenario_file(path, file, p, c.model, stack, errors);
            out["place"].push_back(
                {{"name", s.name},
                 {"file", std::filesystem::absolute(path).lexically_normal().string()}});
          });
      });
    errors.attempt([&] {
      out["warm_start"] = false;
      if (!o.contains("warm_start")) return;
      if (!o["warm_start"].is_boolean())
        throw InputError(file, kWhere + "/warm_start", "true or false", show(o["warm_start"]));
      out["warm_start"] = o["warm_start"].get<bool>();
      if (out["warm_start"].get<bool>() && out["place"].empty())
        throw InputError(file, kWhere + "/warm_start", "a \"place\" list to start from", "none");
    });
    e.optimise = std::move(out);
  });
}

json optimise_lever_schema(bool numeric) {
  const json any = json::object();  // (not `{}`: in a json initializer list that is null)
  json lever = {{"type", "object"},
                {"additionalProperties", false},
                {"properties",
                 {{"values", {{"type", "array"}, {"minItems", 2}}},
                  {"min", any},
                  {"max", any},
                  {"step", {{"type", "number"}, {"exclusiveMinimum", 0}}}}}};
  if (numeric)
    lever["anyOf"] = json::array({{{"required", {"values"}}}, {{"required", {"min", "max"}}}});
  else
    lever["required"] = {"values"};
  return lever;
}

json optimise_schema(const ModelAdapter& model) {
  std::vector<std::string> metric_names;
  for (const auto& m : model.metrics()) metric_names.push_back(m.name);
  const ParamRegistry& reg = model.registry();
  json levers = json::object();  // each parameter's values checked by its own schema
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const ParamSpec& p = reg.at(i);
    const bool numeric = p.type != ParamType::Choice && p.type != ParamType::Boolean;
    const json value = {{"$ref", "#/properties/parameters/properties/" + pointer_escape(p.name)}};
    json lever = {{"$ref", numeric ? "#/$defs/lever_number" : "#/$defs/lever_choice"}};
    lever["properties"]["values"]["items"] = value;
    if (numeric) lever["properties"]["min"] = lever["properties"]["max"] = value;
    levers[p.name] = lever;
  }
  std::string pattern;  // a breakdown "name@dimension:level"
  for (const auto& m : model.metrics())
    for (const auto& d : m.subgroups) pattern += (pattern.empty() ? "" : "|") + m.name + "@" + d;
  const json metric = {
      {"anyOf",
       {{{"enum", metric_names}}, {{"type", "string"}, {"pattern", "^(" + pattern + "):.+$"}}}}};
  const json bound = {{"oneOf", {{{"type", "number"}}, {{"const", "baseline"}}}}};
  return {
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"levers", "objectives"}},
      // warm_start: true needs a non-empty "place" list
      {"if", {{"properties", {{"warm_start", {{"const", true}}}}}, {"required", {"warm_start"}}}},
      {"then", {{"required", {"place"}}, {"properties", {{"place", {{"minItems", 1}}}}}}},
      {"description",
       "The search space of govsim optimise (docs/optimisation.md): levers (parameters and their "
       "ranges), objectives and constraints (metrics), evaluations, population, final_runs "
       "(replicates of the final front), seed, sampler (Optuna's nsga2, the default, or tpe), "
       "place (scenario files evaluated beside the front and drawn on its chart) and warm_start "
       "(the search's first designs are the placed scenarios' lever values)."},
      {"properties",
       {{"levers",
         {{"type", "object"},
          {"minProperties", 1},
          {"additionalProperties", false},
          {"properties", levers}}},
        {"objectives",
         {{"type", "array"},
          {"minItems", 1},
          {"items",
           {{"oneOf",
             {metric,
              {{"type", "object"},
               {"additionalProperties", false},
               {"required", {"metric"}},
               {"properties",
                {{"metric", metric}, {"direction", {{"enum", {"minimise", "maximise"}}}}}}}}}}}}},
        {"constraints",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"additionalProperties", false},
            {"required", {"metric"}},
            {"oneOf", {{{"required", {"at_most"}}}, {{"required", {"at_least"}}}}},
            {"properties", {{"metric", metric}, {"at_most", bound}, {"at_least", bound}}}}}}},
        {"evaluations", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}}},
        {"population", {{"type", "integer"}, {"minimum", 2}, {"maximum", 1000}}},
        {"final_runs", {{"type", "integer"}, {"minimum", 2}, {"maximum", 100000}}},
        {"seed", {{"type", "integer"}, {"minimum", 0}, {"maximum", 9007199254740992LL}}},
        {"sampler", {{"enum", {"nsga2", "tpe"}}}},
        {"place", {{"type", "array"}, {"items", {{"type", "string"}, {"minLength", 1}}}}},
        {"warm_start", {{"type", "boolean"}}}}}};
}

}  // namespace govsim::config_detail
