// govsim init: a starter experiment a planner copies and edits.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/config_schema.hpp"
#include "engine/errors.hpp"

namespace govsim::cli {

namespace {

fs::path presets_dir() {
  if (const char* env = std::getenv("GOVSIM_SOURCE_DIR")) {
    const fs::path p = fs::path(env) / "scenarios" / "governance";
    if (fs::is_directory(p)) return p;
  }
  return fs::path(GOVSIM_SOURCE_DIR) / "scenarios" / "governance";
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw InputError(p.string(), "", "a writable file", "cannot write it");
}

}  // namespace

int cmd_init(int argc, char** argv, const ModelAdapter& model) {
  std::string dir;
  std::string territory = "rural-department";
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("dir", po::value(&dir), "directory to create")(
      "territory", po::value(&territory)->default_value("rural-department"),
      "embedded territory the starter runs on");
  const auto vm = parse(argc, argv, desc, "dir", 1);
  if (print_help(vm,
                 "Usage: govsim init DIR [--territory NAME]\n\nWrites a starter experiment into "
                 "DIR (which must not "
                 "exist or be empty): experiment.json (the config), scenarios/baseline.json and "
                 "scenarios/variant.json "
                 "(each extending a preset copied into presets/), schema/ (the JSON Schemas the "
                 "files name in $schema), and README.md saying what to "
                 "edit. It validates and "
                 "runs as is.\n\nExample:\n  govsim init my-study && govsim validate "
                 "my-study/experiment.json && "
                 "govsim compare my-study/experiment.json --out my-study/results\n\n",
                 desc))
    return 0;
  if (dir.empty()) throw UsageError("govsim init: missing DIR (see govsim init --help)");
  model.check_territory(nlohmann::json(territory), "--territory", ".");
  const fs::path root = dir;
  std::error_code ec;
  if (fs::exists(root, ec) && (!fs::is_directory(root, ec) || !fs::is_empty(root, ec)))
    throw InputError(root.string(), "", "a new or empty directory",
                     "it exists and is not empty; choose another DIR");
  const fs::path presets = presets_dir();
  for (const char* f : {"status-quo.json", "regional-hubs.json"})
    if (!fs::is_regular_file(presets / f))
      throw InputError((presets / f).string(), "", "the preset scenarios of the govsim sources",
                       "not found; set GOVSIM_SOURCE_DIR to a govsim checkout");
  try {
    fs::create_directories(root / "presets");
    fs::create_directories(root / "scenarios");
    fs::create_directories(root / "schema");
  } catch (const fs::filesystem_error& e) {
    throw InputError(root.string(), "", "a directory that can be created",
                     e.code().message() + "; choose another DIR");
  }
  // The JSON Schemas of this build, next to the files, so that editors complete offline.
  write_text(root / "schema" / "config.schema.json", config_schema(model).dump(2) + "\n");
  write_text(root / "schema" / "scenario.schema.json", scenario_schema(model).dump(2) + "\n");
  const std::string scenario_schema_ref = "../schema/scenario.schema.json";
  for (const char* f : {"status-quo.json", "regional-hubs.json"}) {
    nlohmann::json doc = read_json_file(presets / f);
    doc["$schema"] = scenario_schema_ref;
    write_text(root / "presets" / f, doc.dump(2) + "\n");
  }
  const StarterExperiment starter = model.starter();
  const nlohmann::json baseline = {
      {"$schema", scenario_schema_ref},
      {"name", "my-baseline"},
      {"title", "Today's network (edit me)"},
      {"title_fr", "Le réseau actuel (à modifier)"},
      {"title_en", "Today's network (edit me)"},
      {"description",
       "Your territory as it is: the status-quo preset; set below what differs locally."},
      {"extends", "../presets/status-quo.json"},
      {"territory", territory},
      {"parameters", nlohmann::json::object()}};
  const nlohmann::json variant = {
      {"$schema", scenario_schema_ref},
      {"name", "my-variant"},
      {"title", "Regional hub with stronger animation (edit me)"},
      {"title_fr", "Hub régional et animation renforcée (à modifier)"},
      {"title_en", "Regional hub with stronger animation (edit me)"},
      {"description",
       "The regional-hubs preset with more network animation: the option you want to test."},
      {"extends", "../presets/regional-hubs.json"},
      {"territory", territory},
      {"parameters", starter.variant_parameters}};
  const nlohmann::json config = {
      {"$schema", "schema/config.schema.json"},
      {"name", root.filename().empty() ? "my-study" : root.filename().string()},
      {"description",
       "Starter experiment written by `govsim init`: your baseline against one variant."},
      {"territory", territory},
      {"scenarios", {"scenarios/baseline.json", "scenarios/variant.json"}},
      {"baseline", "my-baseline"},
      {"parameters", starter.parameters},
      {"experiment", {{"runs", 4}, {"seed", 1}}}};
  write_text(root / "scenarios" / "baseline.json", baseline.dump(2) + "\n");
  write_text(root / "scenarios" / "variant.json", variant.dump(2) + "\n");
  write_text(root / "experiment.json", config.dump(2) + "\n");
  const std::string d = root.string();
  const std::string starter_text =
      starter.parameters_text.empty() ? "" : "; " + starter.parameters_text;
  write_text(root / "README.md",
             R"(# Starter experiment (written by `govsim init`)

What is here:

| file | what it is | what to edit |
|---|---|---|
| `experiment.json` | the experiment: territory, the scenarios compared, settings | `territory`; `experiment.runs` (4 here for a quick look; 20+ for conclusions))" +
                 starter_text + R"( |
| `scenarios/baseline.json` | your baseline, extending `presets/status-quo.json` | its `parameters`: what differs in your territory today |
| `scenarios/variant.json` | the option you test, extending `presets/regional-hubs.json` | its `parameters`: the levers you pull (see `govsim describe`, docs/planners.md) |
| `presets/` | copies of two of the eight seed scenarios | nothing: extend them |
| `schema/` | the JSON Schemas the files name in `$schema` (editor completion, offline) | nothing |

A scenario file sets only what differs from the scenario it `extends`; every parameter has a
default, unit, range and source (`govsim describe PREFIX`, e.g. `govsim describe mediation.`).
Titles in French and English (`title_fr`, `title_en`) are used by the report.

Commands (from the directory holding this one):

    govsim validate )" +
                 d + R"(/experiment.json )" + d + R"(/scenarios/*.json   # every error at once
    govsim run )" +
                 d + R"(/scenarios/variant.json --runs 2                       # one scenario alone
    govsim compare )" +
                 d + R"(/experiment.json --out )" + d + R"(/results          # baseline vs variant
    govsim report )" +
                 d + R"(/results -o )" + d + R"(/results/report.html
)");
  std::cout << "wrote a starter experiment in " << d
            << ": experiment.json, scenarios/baseline.json, "
               "scenarios/variant.json, presets/, schema/, README.md\nnext: govsim validate "
            << d << "/experiment.json && govsim compare " << d << "/experiment.json --out " << d
            << "/results\n";
  return 0;
}

}  // namespace govsim::cli
