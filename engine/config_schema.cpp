// The JSON Schemas of config and scenario files (config_schema.hpp). Each constraint here
// restates one the loaders check (scenario_loader.cpp, experiment_loader.cpp,
// experiment_settings.cpp); tests/python/test_schema.py runs the schemas over the bad-input
// corpus so that the two cannot drift apart.
#include "engine/config_schema.hpp"

#include <string>
#include <vector>

#include "engine/config_detail.hpp"
#include "engine/json_reader.hpp"

namespace govsim {

using config_detail::title_schema_properties;
using nlohmann::json;

json scenario_schema(const ModelAdapter& model) {
  json s = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
            {"$id", "https://govsim.example/schema/scenario.schema.json"},
            {"title", "govsim scenario"},
            {"description",
             "A governance scenario: a composition of mechanisms set through parameters. Generated "
             "by `govsim schema scenario`."},
            {"type", "object"},
            {"additionalProperties", false},
            {"required", {"name"}},
            {"properties",
             {{"$schema", {{"type", "string"}}},
              {"name", {{"type", "string"}, {"pattern", "^[^ /\\\\\"]+$"}}},
              {"description", {{"type", "string"}}},
              {"seed_contribution",
               {{"type", "string"},
                {"description", "The seed contribution this scenario encodes, quoted."}}},
              {"extends",
               {{"type", "string"},
                {"description", "Scenario file this one starts from (relative path)."}}},
              {"territory", model.territory_schema()},
              {"parameters", model.registry().parameters_schema()}}}};
  s["properties"].update(title_schema_properties());
  return s;
}

namespace config_detail {

json title_schema_properties() {
  return {
      {"title", {{"type", "string"}}},
      {"title_fr",
       {{"type", "string"}, {"description", "Title in French (the report in French uses it)."}}},
      {"title_en",
       {{"type", "string"}, {"description", "Title in English (the report in English uses it)."}}},
      {"titles",
       {{"type", "object"},
        {"propertyNames", {{"pattern", "^[a-z]{2}$"}}},
        {"additionalProperties", {{"type", "string"}}},
        {"description", "Titles by two-letter language code, e.g. {\"fr\": ..., \"en\": ...}."}}},
      {"description_fr",
       {{"type", "string"},
        {"description", "Description in French (the report in French uses it)."}}},
      {"description_en",
       {{"type", "string"},
        {"description", "Description in English (the report in English uses it)."}}},
      {"descriptions",
       {{"type", "object"},
        {"propertyNames", {{"pattern", "^[a-z]{2}$"}}},
        {"additionalProperties", {{"type", "string"}}},
        {"description", "Descriptions by two-letter language code."}}}};
}

}  // namespace config_detail

namespace {

// A sweep axis (experiment_settings.cpp, read_sweep_axis): "values"; or, for a number without
// "values", "min", "max" and "steps" (only then are they read); choices and booleans take
// "values" only. (That max >= min is checked by the loader alone: JSON Schema cannot compare
// two values.) The parameter's own range is added per parameter (sweep_parameters_schema).
json sweep_axis_schema(bool numeric) {
  const json any = json::object();  // (not `{}`: in a json initializer list that is null)
  json axis = {{"type", "object"},
               {"additionalProperties", false},
               {"properties",
                {{"values", {{"type", "array"}, {"minItems", 1}}},
                 {"min", any},
                 {"max", any},
                 {"steps", any}}}};
  if (!numeric) {
    axis["required"] = {"values"};
    return axis;
  }
  json min_max = {{"required", {"min", "max"}}};
  min_max["properties"]["steps"] = {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}};
  axis["anyOf"] = json::array({{{"required", {"values"}}}, min_max});
  return axis;
}

// "sweep/parameters": one axis per declared parameter, its values (and min, max) checked by the
// parameter's schema in "parameters".
json sweep_parameters_schema(const ParamRegistry& reg) {
  json axes = json::object();
  for (std::size_t i = 0; i < reg.size(); ++i) {
    const ParamSpec& p = reg.at(i);
    const bool numeric = p.type != ParamType::Choice && p.type != ParamType::Boolean;
    // (a JSON pointer: "~" and "/" escaped)
    const json value = {{"$ref", "#/properties/parameters/properties/" + pointer_escape(p.name)}};
    json axis = {{"$ref", numeric ? "#/$defs/sweep_axis_number" : "#/$defs/sweep_axis_choice"}};
    axis["properties"]["values"]["items"] = value;
    if (numeric)
      axis["anyOf"] = json::array(
          {{{"required", {"values"}}}, {{"properties", {{"min", value}, {"max", value}}}}});
    axes[p.name] = axis;
  }
  return {{"type", "object"},
          {"minProperties", 1},
          {"additionalProperties", false},
          {"properties", axes}};
}

// What the experiment loader checks across keys (experiment_loader.cpp): a sweep has no
// territory comparisons and no equal budget (its design points have no baseline); an equal
// budget needs a second scenario to compare.
json config_rules() {
  json equal_budget = json::object();  // "experiment": {"budget": "equal_to_baseline"}
  equal_budget["required"] = {"experiment"};
  equal_budget["properties"]["experiment"]["required"] = {"budget"};
  equal_budget["properties"]["experiment"]["properties"]["budget"]["const"] = "equal_to_baseline";
  json sweep_alone = json::object();
  sweep_alone["not"]["required"] = {"sweep", "territory_comparisons"};
  json sweep_as_configured = json::object();
  sweep_as_configured["if"]["required"] = {"sweep"};
  sweep_as_configured["then"]["not"] = equal_budget;
  json equal_budget_compares = json::object();
  equal_budget_compares["if"] = equal_budget;
  equal_budget_compares["then"]["properties"]["scenarios"]["minItems"] = 2;
  return json::array({sweep_alone, sweep_as_configured, equal_budget_compares});
}

}  // namespace

json config_schema(const ModelAdapter& model) {
  json scenario_inline = scenario_schema(model);
  scenario_inline.erase("$schema");
  scenario_inline.erase("$id");
  std::vector<std::string> metric_names;
  for (const auto& m : model.metrics()) metric_names.push_back(m.name);
  std::vector<std::string> uncertain_names;
  for (std::size_t i : model.registry().uncertain())
    uncertain_names.push_back(model.registry().at(i).name);
  json s = {
      {"$schema", "https://json-schema.org/draft/2020-12/schema"},
      {"$id", "https://govsim.example/schema/config.schema.json"},
      {"title", "govsim experiment config"},
      {"description",
       "An experiment: a territory, scenarios to compare, parameter overrides and settings. "
       "Generated by `govsim schema config`."},
      {"type", "object"},
      {"additionalProperties", false},
      {"required", {"name", "territory", "scenarios"}},
      {"allOf", config_rules()},
      {"$defs",
       {{"scenario", scenario_inline},
        {"sweep_axis_number", sweep_axis_schema(true)},
        {"sweep_axis_choice", sweep_axis_schema(false)},
        {"lever_number", config_detail::optimise_lever_schema(true)},
        {"lever_choice", config_detail::optimise_lever_schema(false)}}},
      {"properties",
       {{"$schema", {{"type", "string"}}},
        {"name", {{"type", "string"}}},
        {"description", {{"type", "string"}}},
        {"language",
         {{"enum", {"fr", "en"}},
          {"description",
           "Language of the report (default fr; govsim report --lang overrides it)."}}},
        {"territory", model.territory_schema()},
        {"scenarios",
         {{"type", "array"},
          {"minItems", 1},
          {"items", {{"oneOf", {{{"type", "string"}}, {{"$ref", "#/$defs/scenario"}}}}}}}},
        {"baseline",
         {{"type", "string"},
          {"description", "Name of the scenario others are compared with (default: the first)."}}},
        {"territory_comparisons",
         {{"type", "array"},
          {"description",
           "Scenarios also compared on their own territory, each group against the baseline run "
           "on that territory (named NAME@TERRITORY), in the same run (docs/config.md)."},
          {"items",
           {{"type", "object"},
            {"additionalProperties", false},
            {"required", {"territory", "scenarios"}},
            {"properties",
             {{"territory", model.territory_schema()},
              {"scenarios",
               {{"type", "array"},
                {"minItems", 1},
                {"items",
                 {{"oneOf", {{{"type", "string"}}, {{"$ref", "#/$defs/scenario"}}}}}}}}}}}}}},
        {"parameter_files",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"description",
           "Parameters files (e.g. written by `govsim calibrate`) giving values to the parameters "
           "no scenario sets."}}},
        {"parameters", model.registry().parameters_schema()},
        {"experiment",
         {{"type", "object"},
          {"additionalProperties", false},
          {"properties",
           {{"runs", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}, {"default", 10}}},
            {"seed",
             {{"type", "integer"},
              {"minimum", 0},
              {"maximum", 9007199254740991LL},  // 2^53 - 1: exact in a double
              {"default", 1}}},
            {"budget",
             {{"enum", {"as_configured", "equal_to_baseline"}},
              {"default", "as_configured"},
              {"description",
               "as_configured: each scenario spends what its parameters cost. "
               "equal_to_baseline: every scenario spends the baseline's total over the horizon, "
               "replicate by replicate (mechanism costs come out of the same envelope: mediator "
               "posts are added through the allocation rule or scaled); each scenario is also run "
               "as configured (NAME@as_configured) for its cost-effectiveness."}}},
            {"threads",
             {{"type", "integer"},
              {"minimum", 0},
              {"maximum", 1024},
              {"default", 0},
              {"description", "0: all cores. Results do not depend on it."}}},
            {"outputs",
             {{"type", "array"},
              {"items", {{"enum", {"summary", "paired", "runs", "timeseries"}}}}}},
            {"minimal_important_difference",
             {{"type", "object"},
              {"description",
               "Per metric, the smallest difference that matters, in the metric's unit (shares: "
               "0.001 = 0.1 point). Defaults: 0.1 point for shares, 0.5 for weeks, else 1% of the "
               "baseline mean (docs/metrics.md)."},
              {"propertyNames", {{"enum", metric_names}}},
              {"additionalProperties", {{"type", "number"}, {"minimum", 0}}}}},
            {"target_ci",
             {{"type", "object"},
              {"additionalProperties", false},
              {"required", {"metric", "half_width"}},
              {"properties",
               {{"metric", {{"enum", metric_names}}},
                {"half_width", {{"type", "number"}, {"exclusiveMinimum", 0}}},
                {"max_runs", {{"type", "integer"}, {"minimum", 2}, {"maximum", 100000}}}}}}}}}}},
        {"sweep",
         {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"method", "parameters"}},
          {"properties",
           {{"method", {{"enum", {"grid", "lhs"}}}},
            {"samples", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}}},
            {"parameters", sweep_parameters_schema(model.registry())}}}}},
        {"uncertainty",
         {{"type", "object"},
          {"additionalProperties", false},
          {"description",
           "The plausible ranges of assumptions to vary (govsim robustness, govsim sensitivity; "
           "docs/uncertainty.md)."},
          {"properties",
           {{"parameters",
             {{"description", "\"assumptions\" (every varied assumption) or a list of them."},
              {"default", "assumptions"},
              {"oneOf",
               {{{"const", "assumptions"}},
                {{"type", "array"},
                 {"minItems", 1},
                 {"uniqueItems", true},
                 {"items", {{"enum", uncertain_names}}}}}}}},
            {"samples",
             {{"type", "integer"},
              {"minimum", 2},
              {"maximum", 1000000},
              {"default", 64},
              {"description",
               "Points of the uncertainty space (robustness); base sample size (sensitivity)."}}},
            {"method",
             {{"enum", {"lhs", "sobol"}},
              {"default", "lhs"},
              {"description",
               "How robustness draws its points: Latin hypercube or scrambled Sobol' "
               "sequence."}}}}}}}}}};
  s["properties"]["optimise"] = config_detail::optimise_schema(model);
  s["properties"].update(title_schema_properties());
  return s;
}

}  // namespace govsim
