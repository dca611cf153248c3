// govsim validate: checks configs and scenario files (every error of every file at once).
#include <iostream>
#include <sstream>

#include "engine/cli/commands.hpp"
#include "engine/errors.hpp"

namespace govsim::cli {

int cmd_validate(int argc, char** argv, const ModelAdapter& model) {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  std::string territory;
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("files", po::value(&files)->composing(),
                                            "configs or scenario files")(
      "set", po::value(&sets)->composing(), "override a parameter: --set name=value")(
      "territory", po::value(&territory),
      "also check this territory (an embedded name or a territory file)");
  const auto vm = parse(argc, argv, desc, "files", -1);
  if (print_help(
          vm,
          "Usage: govsim validate FILE... [--set name=value]...\n\nChecks experiment configs and "
          "scenario "
          "files (recognised by their $schema, else their keys): every key, every parameter "
          "(name, type, "
          "range), the `extends` chain and the territory. Reports every error of every file at "
          "once; runs "
          "nothing.\n\nExamples:\n  govsim validate scenarios/experiments/seed-scenarios.json\n"
          "  govsim validate scenarios/governance/*.json\n\n",
          desc))
    return 0;
  if (files.empty())
    throw UsageError("govsim validate: missing FILE (a config or a scenario file)");
  if (files.size() == 1) g_input = files[0];
  const auto overrides = parse_sets(sets, model);
  ErrorCollector errors;
  if (vm.count("territory"))
    errors.attempt([&] { (void)territory_from_argument(territory, model); });
  std::ostringstream report;
  for (const auto& file : files) {
    errors.attempt([&] {
      std::error_code ec;
      if (!fs::is_regular_file(file, ec))
        throw InputError(
            file, "", "an existing config or scenario file",
            ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "not found");
      const nlohmann::json doc = read_json_file(file);
      if (file_kind(doc) == "scenario") {
        const ScenarioSpec s = load_scenario(file, model);
        ErrorCollector set_errors;  // --set names and values are checked against the registry
        for (const auto& o : overrides) {
          const auto idx = model.registry().find(o.name);
          set_errors.attempt([&] {
            if (!idx)
              throw InputError("--set", o.name, "a declared parameter name (see `govsim describe`)",
                               "unknown parameter \"" + o.name + "\"");
            try {
              (void)model.registry().parse_text(*idx, o.value_text);
            } catch (const ParamValueError& err) {
              throw InputError("--set", o.name, err.expected, "'" + o.value_text + "'");
            }
          });
        }
        set_errors.throw_if_any();
        report << file << ": valid scenario \"" << s.name << "\"";
        const auto& chain = s.info["extends_chain"];
        if (!chain.empty()) {
          report << " (extends";
          for (const auto& c : chain) report << " " << c.get<std::string>();
          report << ")";
        }
        report << "\n  mechanisms";
        for (const auto& m : s.info["mechanisms"]) report << " " << m.get<std::string>();
        report << "; parameters differing from the defaults: " << s.info["parameters"].size();
        if (s.info.contains("territory"))
          report << "; territory " << s.info["territory"].dump();
        else
          report << "; no territory (give one with `govsim run " << file << " --territory NAME`)";
        report << "\n";
      } else {
        const ExperimentSpec spec = load_experiment(file, model, overrides);
        report << file << ": valid (" << spec.scenarios.size() << " scenarios, baseline "
               << spec.scenarios[static_cast<std::size_t>(spec.baseline)].name << ", " << spec.runs
               << " runs, seed " << spec.seed << ")\n";
        if (const auto info = model.territory_info(spec); info.is_object()) {
          report << "  territory " << info.value("name", std::string("?")) << ": "
                 << info.value("communes", 0) << " communes, " << info.value("places", 0)
                 << " places";
          if (info.contains("places_dates"))
            report << " (updated " << info["places_dates"].value("min", "") << " to "
                   << info["places_dates"].value("max", "") << ")";
          if (info.value("rejected_rows", 0) > 0)
            report << ", " << info["rejected_rows"].get<int>() << " rows rejected";
          report << "\n";
          if (info.contains("note"))
            report << "  note: " << info["note"].get<std::string>() << "\n";
        }
        for (const auto& s : spec.scenarios) {
          report << "  " << s.name << ": mechanisms";
          for (const auto& m : s.info["mechanisms"]) report << " " << m.get<std::string>();
          report << "\n";
        }
      }
    });
  }
  errors.throw_if_any();
  std::cout << report.str();
  return 0;
}

}  // namespace govsim::cli
