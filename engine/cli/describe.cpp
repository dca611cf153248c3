// govsim describe (parameters, metrics, series) and govsim schema (the JSON Schemas).
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/errors.hpp"

namespace govsim::cli {

int cmd_describe(int argc, char** argv, const ModelAdapter& model) {
  std::string prefix;
  bool json_out = false;
  po::options_description desc("Options");
  bool metrics = false, series = false;
  desc.add_options()("help,h", "this help")("prefix", po::value(&prefix),
                                            "only parameters starting with this")(
      "json", po::bool_switch(&json_out), "machine-readable output")(
      "metrics", po::bool_switch(&metrics),
      "list the outcome metrics instead (name, direction, unit, meaning)")(
      "series", po::bool_switch(&series), "list the weekly series instead");
  const auto vm = parse(argc, argv, desc, "prefix", 1);
  if (print_help(vm,
                 "Usage: govsim describe [PREFIX] [--json] [--metrics | --series]\n\nLists every "
                 "parameter with its default, "
                 "unit, range and source (or, with --metrics / --series, every outcome metric / "
                 "weekly series).\n\nExample:\n  govsim describe governance.\n\n",
                 desc))
    return 0;
  nlohmann::json arr = nlohmann::json::array();
  int shown = 0;
  if (metrics || series) {
    for (const auto& m : metrics ? model.metrics() : model.series()) {
      if (m.name.rfind(prefix, 0) != 0) continue;
      ++shown;
      if (json_out) {
        arr.push_back({{"name", m.name},
                       {"higher_is_better", m.higher_is_better},
                       {"direction", metric_direction(m)},
                       {"unit", m.unit},
                       {"headline", m.headline},
                       {"subgroups", m.subgroups},
                       {"domain", stats::domain_name(m.domain)},
                       {"roles", m.roles},
                       {"doc", m.doc}});
        continue;
      }
      std::cout << m.name << "  (" << m.unit << ", "
                << (m.judged ? std::string(metric_direction(m)) + " is better"
                             : std::string("neutral: no better/worse verdict"))
                << (m.headline ? ", headline" : "");
      for (const auto& role : m.roles) std::cout << ", " << role;
      for (std::size_t k = 0; k < m.subgroups.size(); ++k)
        std::cout << (k ? " " : "; by ") << m.subgroups[k];
      std::cout << ")\n    " << m.doc << "\n";
    }
    if (json_out) std::cout << arr.dump(2) << "\n";
    if (shown == 0)
      throw InputError("describe", prefix, "a prefix of a metric name",
                       "'" + prefix + "' matches none");
    return 0;
  }
  for (const auto& p : model.registry().all()) {
    if (p.name.rfind(prefix, 0) != 0) continue;
    ++shown;
    if (json_out) {
      nlohmann::json e = {{"name", p.name},
                          {"type", to_string(p.type)},
                          {"default", p.to_json_value(p.default_value)},
                          {"unit", p.unit},
                          {"range", p.range_text()},
                          {"source", p.source},
                          {"doc", p.doc}};
      if (p.uncertainty)
        e["uncertainty"] = {{"low", p.uncertainty->low},
                            {"high", p.uncertainty->high},
                            {"distribution", p.uncertainty->distribution},
                            {"reason", p.uncertainty->reason}};
      arr.push_back(e);
      continue;
    }
    std::cout << p.name << "  (" << to_string(p.type) << ")\n    default "
              << p.format(p.default_value) << (p.unit.empty() ? "" : " " + p.unit) << "; range "
              << p.range_text() << "\n    " << p.doc << "\n    source: " << p.source << "\n";
    if (p.uncertainty) {
      if (p.uncertainty->varied())
        std::cout << "    plausible: " << p.uncertainty->distribution << " on ["
                  << p.format(p.uncertainty->low) << ", " << p.format(p.uncertainty->high)
                  << "]: " << p.uncertainty->reason << "\n";
      else
        std::cout << "    not varied: " << p.uncertainty->reason << "\n";
    }
  }
  if (json_out) std::cout << arr.dump(2) << "\n";
  if (shown == 0)
    throw InputError("describe", prefix, "a prefix of a parameter name (e.g. governance.)",
                     "'" + prefix + "' matches none");
  return 0;
}

int cmd_schema(int argc, char** argv, const ModelAdapter& model) {
  std::string which = "config";
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("which", po::value(&which), "config or scenario");
  const auto vm = parse(argc, argv, desc, "which", 1);
  if (print_help(vm,
                 "Usage: govsim schema [config|scenario]\n\nPrints the JSON Schema (draft "
                 "2020-12).\n\nExample:\n"
                 "  govsim schema scenario > scenarios/schema/scenario.schema.json\n\n",
                 desc))
    return 0;
  if (which == "config")
    std::cout << config_schema(model).dump(2) << "\n";
  else if (which == "scenario")
    std::cout << scenario_schema(model).dump(2) << "\n";
  else
    throw InputError("schema", "", "config or scenario", "'" + which + "'");
  return 0;
}

}  // namespace govsim::cli
