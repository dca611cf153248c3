#include "engine/cli/cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "engine/config.hpp"
#include "engine/distributed.hpp"
#include "engine/ensemble.hpp"
#include "engine/errors.hpp"
#include "engine/exports.hpp"
#include "engine/manifest.hpp"
#include "engine/progress.hpp"
#include "engine/results_store.hpp"
#include "engine/run_request.hpp"

namespace govsim::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string g_input;  // the file the command was given, for the next-step hint

const char* kTopUsage = R"(govsim — scenario simulation of local digital-inclusion governance

Usage: govsim <command> [options]

Commands:
  init DIR         write a starter experiment (config, two scenario files, README) into DIR
  compare CONFIG   run every scenario of CONFIG (Monte Carlo) and print a ranked comparison
  run CONFIG|SCENARIO  run one scenario of CONFIG (the first, or --scenario NAME), or a
                   scenario file on its territory (or --territory NAME|FILE)
  sweep CONFIG     run the parameter sweep of CONFIG (grid or Latin hypercube)
  validate FILE... check configs and scenario files (every error at once), run nothing
  describe [PREFIX]  list parameters (default, unit, range, source), optionally by prefix
  schema [config|scenario]  print the JSON Schema of config or scenario files
  report RESULTS_DIR -o FILE  write a self-contained HTML report from a results directory
  merge OUT_DIR STORE...  merge results stores of split runs into OUT_DIR
  robustness CONFIG  every scenario in N plausible worlds (the uncertainty space): P(beat baseline), ranks, regret
  sensitivity CONFIG --method morris|sobol  global sensitivity (SALib) of outcomes and of differences vs baseline
  discover RESULTS_DIR --scenario NAME  PRIM boxes of the worlds where a scenario fails to beat the baseline
  targets check CONFIG [--targets FILE]  observed vs simulated for each calibration target
  calibrate CONFIG --targets FILE --free NAME=MIN:MAX...  fit free parameters (Optuna, resumable)

Options: --help (on each command), --version
Exit status: 0 success, 2 bad input, 1 internal error or a failed run.
On MPI: `mpirun -n N govsim compare|run|sweep ...` spreads the runs over N ranks; rank 0 writes
the results (docs/distributed.md).
)";

// The options of run/compare/sweep: the RunRequest (checked by prepare_run) plus the CLI's own.
struct Common {
  RunRequest req;
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  bool quiet = false;
  std::string territory;  // run SCENARIO: --territory NAME|FILE
};

po::options_description run_options(Common& c, const std::string& default_out) {
  po::options_description d("Options");
  d.add_options()("help,h", "this help")("set", po::value(&c.sets)->composing(),
                                         "override a parameter: --set name=value (repeatable)")(
      "runs", po::value<int>(), "replicates per scenario (overrides the config)")(
      "seed", po::value<long long>(), "master seed (overrides the config)")(
      "threads", po::value(&c.req.threads),
      "worker threads (0 = all cores); results do not depend on it")(
      "out", po::value(&c.out)->default_value(default_out),
      "output directory (results.sqlite, CSV exports, manifest.json)")(
      "resume", po::bool_switch(&c.req.resume), "complete an interrupted experiment in --out")(
      "force", po::bool_switch(&c.req.force), "replace results already in --out")(
      "quiet,q", po::bool_switch(&c.quiet), "no progress bar, no table")(
      "target-ci", po::value<double>(),
      "add replicates until the 95% CI half-width of --target-metric is at most this")(
      "target-metric", po::value(&c.req.target_metric)->default_value("non_recours_rate"),
      "metric for --target-ci")("max-runs", po::value(&c.req.max_runs)->default_value(200),
                                "upper bound on replicates with --target-ci")(
      "rank-by", po::value(&c.req.rank_by)->default_value("non_recours_rate"),
      "metric ranking the comparison table")("scenario", po::value(&c.req.scenario),
                                             "(run) the scenario to run, by name")(
      "territory", po::value(&c.territory),
      "(run) territory for a scenario file: an embedded name or a territory file (.json, communes "
      ".csv)")("shard", po::value<std::string>(),
               "run only tasks i with i % N == K: --shard K/N (merge stores with `govsim merge`)");
  return d;
}

std::vector<Override> parse_sets(const std::vector<std::string>& sets) {
  std::vector<Override> out;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw InputError("--set", s, "name=value (e.g. --set needs.rate_per_year=5)", "'" + s + "'");
    out.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  return out;
}

// Where ranks other than 0 send the errors that every rank hits alike (rank 0 prints them).
std::ostream& null_stream() {
  static std::ostream null(nullptr);
  return null;
}

volatile std::sig_atomic_t g_interrupted = 0;
std::atomic<bool> g_cancel{false};
void on_sigint(int) {
  g_interrupted = 1;
  g_cancel = true;
}

po::variables_map parse(int argc, char** argv, const po::options_description& desc,
                        const po::positional_options_description& pos) {
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

int cmd_experiment(const std::string& cmd, int argc, char** argv, const ModelAdapter& model) {
  Common c;
  po::options_description desc = run_options(c, "results/" + cmd);
  desc.add_options()("config", po::value(&c.config), "experiment config (JSON)");
  po::positional_options_description pos;
  pos.add("config", 1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << "Usage: govsim " << cmd << " CONFIG [options]\n\n";
    if (cmd == "compare")
      std::cout
          << "Runs every scenario of CONFIG, replicate r of each on the same random streams,\n"
             "and prints a ranked table with 95% CIs and paired differences vs the baseline.\n\n"
             "Example:\n  govsim compare scenarios/experiments/seed-scenarios.json --runs 20 --out "
             "results/demo\n\n";
    else if (cmd == "run")
      std::cout << "Runs one scenario of CONFIG, or a scenario file on its own: on its "
                   "\"territory\" (or\n"
                   "--territory NAME|FILE), with default settings (10 runs, seed 1) unless "
                   "overridden.\n\n"
                   "Examples:\n  govsim run scenarios/experiments/seed-scenarios.json --scenario "
                   "status-quo --runs 5\n"
                   "  govsim run scenarios/governance/regional-hubs.json --territory "
                   "rural-department --runs 5\n\n";
    else
      std::cout << "Runs the sweep section of CONFIG on its first (or baseline) scenario.\n\n"
                   "Example:\n  govsim sweep scenarios/experiments/sweep-need-rate.json --runs 5 "
                   "--out results/sweep\n\n";
    std::cout << desc << "\n";
    return 0;
  }
  if (c.config.empty())
    throw UsageError("govsim " + cmd + ": missing CONFIG (see govsim " + cmd + " --help)");
  g_input = c.config;
  c.req.command = cmd;
  if (vm.count("runs")) c.req.runs = vm["runs"].as<int>();
  if (vm.count("seed")) c.req.seed = vm["seed"].as<long long>();
  if (vm.count("target-ci")) c.req.target_ci = vm["target-ci"].as<double>();
  if (vm.count("shard")) {  // K/N; prepare_run checks the range
    const std::string s = vm["shard"].as<std::string>();
    const auto slash = s.find('/');
    bool ok = slash != std::string::npos;
    try {
      std::size_t nk = 0, nn = 0;
      if (ok) {
        c.req.shard_index = std::stoi(s.substr(0, slash), &nk);
        c.req.shard_count = std::stoi(s.substr(slash + 1), &nn);
        ok = nk == slash && nn == s.size() - slash - 1;
      }
    } catch (const std::exception&) {
      ok = false;
    }
    if (!ok) throw InputError("--shard", "", "K/N with 0 <= K < N", "'" + s + "'");
  }
  // A scenario file runs on its own (govsim run SCENARIO), a config as usual.
  std::error_code kind_ec;
  const bool is_scenario =
      fs::is_regular_file(c.config, kind_ec) && file_kind(read_json_file(c.config)) == "scenario";
  ExperimentSpec loaded;
  if (is_scenario) {
    if (cmd != "run")
      throw InputError(
          c.config, "", "an experiment config for govsim " + cmd,
          "a scenario file (run it alone with `govsim run " + c.config +
              "`, or list it under \"scenarios\" in a config; `govsim init DIR` writes one)");
    if (vm.count("scenario"))
      throw InputError("--scenario", "", "a config file to pick a scenario from",
                       "a scenario file (" + c.config + ")");
    std::optional<TerritoryChoice> territory;
    if (vm.count("territory")) territory = territory_from_argument(c.territory, model);
    loaded = experiment_from_scenario(c.config, model, territory, parse_sets(c.sets));
  } else {
    if (vm.count("territory"))
      throw InputError("--territory", "",
                       "a scenario file to run (a config names its own territory)",
                       "the config " + c.config);
    loaded = load_experiment(c.config, model, parse_sets(c.sets));
  }
  const ExperimentSpec spec = prepare_run(loaded, model, c.req, OptionSpelling::Cli);
  for (const auto& w : spec.warnings) std::cerr << "warning: " << w << "\n";
  const fs::path out = c.out;
  prepare_output_dir(out, c.req, OptionSpelling::Cli);  // rank 0 only under MPI (collective)
  const bool writer = dist::is_writer();
  if (!writer) c.quiet = true;
  ProgressBar bar(stderr, c.quiet);
  EnsembleOptions opts = ensemble_options(c.req);
  opts.cancel = &g_cancel;
  opts.progress = [&](long long d, long long t) { bar.update(d, t); };
  std::signal(SIGINT, on_sigint);
  const EnsembleReport rep = run_experiment(spec, model, out, opts);
  bar.finish();
  if (!rep.writer) return 0;
  if (rep.cancelled) {
    std::cerr << "interrupted: " << rep.runs_done << " runs saved in " << rep.store.string()
              << "; complete them with --resume\n";
    return 130;
  }
  if (!rep.target_message.empty()) std::cerr << rep.target_message << "\n";
  if (!c.quiet) {
    ResultsStore store(rep.store);
    const ExperimentStats st = compute_stats(store, model.metrics());
    const std::vector<MetricInfo> headline = headline_metrics(model.metrics());
    if (cmd == "sweep") {
      bool hib = true;
      std::string unit;
      for (const auto& m : model.metrics())
        if (m.name == c.req.rank_by) hib = m.higher_is_better, unit = m.unit;
      std::cout << "Sweep: " << st.scenarios.size() << " design points × " << rep.runs_per_scenario
                << " runs; " << c.req.rank_by << " (" << unit << ", " << (hib ? "higher" : "lower")
                << " is better): mean [95% CI] per design point, rank (\"=\" : not detectably "
                   "different).\n"
                << "All metrics per point in summary.csv; the swept values in the manifest.\n";
      for (std::size_t k = 0; k < spec.scenarios.size(); ++k) {
        const auto& sc = spec.scenarios[k];
        std::string point;
        if (sc.info.contains("sweep"))
          for (const auto& [name, v] : sc.info["sweep"].items())
            point += (point.empty() ? "" : ", ") + name + "=" + v.dump();
        for (const auto& r : st.summary)
          if (r.scenario == sc.name && r.metric == c.req.rank_by)
            std::cout << "  " << std::setw(4) << st.rank_label(sc.name, c.req.rank_by) << "  "
                      << std::left << std::setw(48) << point << std::right << std::setw(12)
                      << r.s.mean << " [" << r.s.ci_low << ", " << r.s.ci_high << "]\n";
      }
    } else {
      std::cout << comparison_table(st, headline, c.req.rank_by);
    }
    std::cout << "\n"
              << rep.runs_done << " runs (" << rep.runs_resumed << " resumed) in " << std::fixed
              << std::setprecision(1) << rep.wall_seconds << " s";
    if (dist::size() > 1) std::cout << " on " << dist::size() << " MPI ranks";
    std::cout << "; results in " << fs::absolute(out).string() << "\n";
  }
  return 0;
}

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
  po::positional_options_description pos;
  pos.add("files", -1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout
        << "Usage: govsim validate FILE... [--set name=value]...\n\nChecks experiment configs and "
           "scenario "
           "files (recognised by their $schema, else their keys): every key, every parameter "
           "(name, type, "
           "range), the `extends` chain and the territory. Reports every error of every file at "
           "once; runs "
           "nothing.\n\nExamples:\n  govsim validate scenarios/experiments/seed-scenarios.json\n"
           "  govsim validate scenarios/governance/*.json\n\n"
        << desc << "\n";
    return 0;
  }
  if (files.empty())
    throw UsageError("govsim validate: missing FILE (a config or a scenario file)");
  if (files.size() == 1) g_input = files[0];
  const auto overrides = parse_sets(sets);
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

// ---- govsim init: a starter experiment a planner copies and edits ----------------------------

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

int cmd_init(int argc, char** argv, const ModelAdapter& model) {
  std::string dir;
  std::string territory = "rural-department";
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("dir", po::value(&dir), "directory to create")(
      "territory", po::value(&territory)->default_value("rural-department"),
      "embedded territory the starter runs on");
  po::positional_options_description pos;
  pos.add("dir", 1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << "Usage: govsim init DIR [--territory NAME]\n\nWrites a starter experiment into "
                 "DIR (which must not "
                 "exist or be empty): experiment.json (the config), scenarios/baseline.json and "
                 "scenarios/variant.json "
                 "(each extending a preset copied into presets/), and README.md saying what to "
                 "edit. It validates and "
                 "runs as is.\n\nExample:\n  govsim init my-study && govsim validate "
                 "my-study/experiment.json && "
                 "govsim compare my-study/experiment.json --out my-study/results\n\n"
              << desc << "\n";
    return 0;
  }
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
  } catch (const fs::filesystem_error& e) {
    throw InputError(root.string(), "", "a directory that can be created",
                     e.code().message() + "; choose another DIR");
  }
  for (const char* f : {"status-quo.json", "regional-hubs.json"}) {
    nlohmann::json doc = read_json_file(presets / f);
    doc["$schema"] = "https://govsim.example/schema/scenario.schema.json";
    write_text(root / "presets" / f, doc.dump(2) + "\n");
  }
  const nlohmann::json baseline = {
      {"$schema", "https://govsim.example/schema/scenario.schema.json"},
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
      {"$schema", "https://govsim.example/schema/scenario.schema.json"},
      {"name", "my-variant"},
      {"title", "Regional hub with stronger animation (edit me)"},
      {"title_fr", "Hub régional et animation renforcée (à modifier)"},
      {"title_en", "Regional hub with stronger animation (edit me)"},
      {"description",
       "The regional-hubs preset with more network animation: the option you want to test."},
      {"extends", "../presets/regional-hubs.json"},
      {"territory", territory},
      {"parameters", {{"animation.intensity", 0.7}}}};
  const nlohmann::json config = {
      {"$schema", "https://govsim.example/schema/config.schema.json"},
      {"name", root.filename().empty() ? "my-study" : root.filename().string()},
      {"description",
       "Starter experiment written by `govsim init`: your baseline against one variant."},
      {"territory", territory},
      {"scenarios", {"scenarios/baseline.json", "scenarios/variant.json"}},
      {"baseline", "my-baseline"},
      {"parameters", {{"sim.population_scale", 0.05}, {"sim.horizon_weeks", 104}}},
      {"experiment", {{"runs", 4}, {"seed", 1}}}};
  write_text(root / "scenarios" / "baseline.json", baseline.dump(2) + "\n");
  write_text(root / "scenarios" / "variant.json", variant.dump(2) + "\n");
  write_text(root / "experiment.json", config.dump(2) + "\n");
  const std::string d = root.string();
  write_text(root / "README.md",
             R"(# Starter experiment (written by `govsim init`)

What is here:

| file | what it is | what to edit |
|---|---|---|
| `experiment.json` | the experiment: territory, the scenarios compared, settings | `territory`; `experiment.runs` (4 here for a quick look; 20+ for conclusions); remove `sim.population_scale` (a 5% sample) and `sim.horizon_weeks` (2 years) under `parameters` for full runs |
| `scenarios/baseline.json` | your baseline, extending `presets/status-quo.json` | its `parameters`: what differs in your territory today |
| `scenarios/variant.json` | the option you test, extending `presets/regional-hubs.json` | its `parameters`: the levers you pull (see `govsim describe`, docs/planners.md) |
| `presets/` | copies of two of the eight seed scenarios | nothing: extend them |

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
               "scenarios/variant.json, presets/, README.md\nnext: govsim validate "
            << d << "/experiment.json && govsim compare " << d << "/experiment.json --out " << d
            << "/results\n";
  return 0;
}

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
  po::positional_options_description pos;
  pos.add("prefix", 1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << "Usage: govsim describe [PREFIX] [--json] [--metrics | --series]\n\nLists every "
                 "parameter with its default, "
                 "unit, range and source (or, with --metrics / --series, every outcome metric / "
                 "weekly series).\n\nExample:\n  govsim describe governance.\n\n"
              << desc << "\n";
    return 0;
  }
  nlohmann::json arr = nlohmann::json::array();
  int shown = 0;
  if (metrics || series) {
    for (const auto& m : metrics ? model.metrics() : model.series()) {
      if (m.name.rfind(prefix, 0) != 0) continue;
      ++shown;
      if (json_out) {
        arr.push_back({{"name", m.name},
                       {"higher_is_better", m.higher_is_better},
                       {"unit", m.unit},
                       {"headline", m.headline},
                       {"subgroups", m.subgroups},
                       {"domain", stats::domain_name(m.domain)},
                       {"doc", m.doc}});
        continue;
      }
      std::cout << m.name << "  (" << m.unit << ", " << (m.higher_is_better ? "higher" : "lower")
                << " is better" << (m.headline ? ", headline" : "");
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
  po::positional_options_description pos;
  pos.add("which", 1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << "Usage: govsim schema [config|scenario]\n\nPrints the JSON Schema (draft "
                 "2020-12).\n\nExample:\n"
                 "  govsim schema scenario > scenarios/schema/scenario.schema.json\n\n"
              << desc << "\n";
    return 0;
  }
  if (which == "config")
    std::cout << config_schema(model).dump(2) << "\n";
  else if (which == "scenario")
    std::cout << scenario_schema(model).dump(2) << "\n";
  else
    throw InputError("schema", "", "config or scenario", "'" + which + "'");
  return 0;
}

int cmd_merge(int argc, char** argv, const ModelAdapter& model) {
  std::vector<std::string> args;
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("args", po::value(&args)->composing(),
                                            "OUT_DIR STORE...");
  po::positional_options_description pos;
  pos.add("args", -1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help") || args.size() < 2) {
    std::cout << "Usage: govsim merge OUT_DIR STORE_OR_DIR...\n\nMerges results stores written by "
                 "--shard runs.\n\n"
                 "Example:\n  govsim merge results/all results/shard0 results/shard1\n";
    return vm.count("help") ? 0 : 2;
  }
  const fs::path out = args[0];
  // Check every source before writing anything: each a readable store agreeing with its exports.
  ErrorCollector errors;
  std::vector<fs::path> sources;
  for (std::size_t i = 1; i < args.size(); ++i) {
    errors.attempt([&] {
      fs::path src = args[i];
      std::error_code ec;
      if (fs::is_directory(src, ec)) {
        if (!fs::is_regular_file(store_path(src), ec))
          throw InputError(args[i], "", "a results store or results directory",
                           "a directory without results.sqlite");
        check_store_agrees_with_exports(src);
        src = store_path(src);
      } else if (!fs::is_regular_file(src, ec)) {
        throw InputError(args[i], "", "a results store or results directory", "not found");
      } else {
        try {
          ResultsStore probe(src);
          (void)probe.completed();
        } catch (const StoreError& e) {
          throw InputError(args[i], "", "a govsim results store (SQLite)", e.what());
        }
      }
      sources.push_back(src);
    });
  }
  check_output_dir(out);
  if (fs::exists(store_path(out)) && store_run_count(store_path(out)) != 0)
    errors.add(InputError(out.string(), "", "an output directory without results for the merge",
                          "it already holds results.sqlite; choose a new OUT_DIR"));
  errors.throw_if_any();
  std::error_code ec;
  const bool created = !fs::exists(out, ec);
  fs::create_directories(out);
  const fs::path tmp = out / "results.sqlite.merging";
  auto remove_tmp = [&] {
    std::error_code rm;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"})
      fs::remove(tmp.string() + suffix, rm);
  };
  std::size_t n_runs = 0;
  try {
    remove_tmp();
    {
      ResultsStore store(tmp);
      for (const auto& src : sources) store.merge_from(src);
      n_runs = store.completed().size();
    }
    for (const char* suffix : {"", "-wal", "-shm"})
      fs::remove(store_path(out).string() + suffix, ec);
    {
      // Checkpoint the WAL into the file before renaming it.
      ResultsStore store(tmp);
    }
    fs::rename(tmp, store_path(out));
    for (const char* suffix : {"-wal", "-shm"}) fs::remove(tmp.string() + suffix, ec);
  } catch (...) {
    remove_tmp();
    std::error_code rm;
    if (created) fs::remove(out, rm);  // (only if empty)
    throw;
  }
  ResultsStore store(store_path(out));
  const auto cfg = store.config();
  std::vector<std::string> outputs = {"summary", "paired", "runs", "timeseries"};
  if (cfg && cfg->contains("outputs")) outputs = (*cfg)["outputs"].get<std::vector<std::string>>();
  write_exports(store, model.metrics(), outputs, out);
  std::cout << "merged " << n_runs << " runs into " << out.string() << "\n";
  return 0;
}

// Runs `python -m MODULE ARGS...` with the Python beside this executable (the govsim package's
// venv), or python3. Used for what is drawn, analysed or fitted in Python (matplotlib, SALib,
// PRIM, Optuna: docs/calibration.md).
int exec_python(const std::string& module, const std::vector<std::string>& args) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::string python = "python3";
  if (!ec && fs::exists(self.parent_path() / "python"))
    python = (self.parent_path() / "python").string();
  std::vector<std::string> cmd = {python, "-m", module};
  cmd.insert(cmd.end(), args.begin(), args.end());
  std::vector<char*> cargs;
  for (auto& s : cmd) cargs.push_back(s.data());
  cargs.push_back(nullptr);
  std::cout.flush();
  execvp(cargs[0], cargs.data());
  std::cerr << "govsim: cannot start " << python << " (the govsim Python package is needed)\n";
  return 1;
}

int cmd_report(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout
        << "Usage: govsim report RESULTS_DIR -o report.html [--lang fr|en] [--pdf [FILE]] "
           "[--robustness DIR]\n\nWrites one self-contained HTML report (charts inline) from a "
           "results directory, in French (default, or the config's \"language\") or English; "
           "--pdf also prints it to PDF with headless Chromium.\n\nExample:\n"
           "  govsim report results/demo -o results/demo/report.html --lang fr --pdf\n";
    return args.empty() ? 2 : 0;
  }
  return exec_python("govsim.reporting", args);
}

// robustness, sensitivity, discover: sampling and analysis by SALib / the EMA workbench in
// Python (govsim.uncertainty); the runs themselves are tasks of this engine (via _core).
int cmd_uncertainty(const std::string& cmd, int argc, char** argv) {
  std::vector<std::string> args = {cmd};
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.uncertainty", args);
}

// `govsim targets check ...` and `govsim calibrate ...` (govsim/calibration.py).
int cmd_calibration(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.calibration", args);
}

// The next step after a bad-input error, by what it is about. `g_input` is the file the
// command was given (errors may name a scenario file it extends).
std::string next_step(const std::string& cmd, const InputError& e) {
  const std::string& f = e.file();
  if (f == "--set")
    return "next: list the parameters with `govsim describe PREFIX` (name, range, unit)";
  if (!f.empty() && f.rfind("--", 0) == 0) return "next: see `govsim " + cmd + " --help`";
  if (e.expected().find("output directory") != std::string::npos ||
      e.expected().find("results store") != std::string::npos ||
      e.expected().find("the runs of") != std::string::npos)
    return "next: see `govsim " + cmd + " --help` (--out, --resume, --force)";
  if (f.size() > 5 && (f.compare(f.size() - 5, 5, ".json") == 0)) {
    const std::string check = g_input.empty() ? f : g_input;
    return "next: fix the file" + std::string(check == f ? "" : "s") +
           " and check with `govsim validate " + check +
           "` (parameters: `govsim describe`, format: docs/config.md)";
  }
  return "next: see `govsim " + cmd + " --help`";
}

}  // namespace

int main(int argc, char** argv, const ModelAdapter& model) {
  if (argc < 2) {
    std::cerr << kTopUsage;
    return 2;
  }
  const std::string cmd = argv[1];
  // Under an MPI launcher: join the job (rank 0 coordinates and writes; the others run tasks and
  // print nothing but errors of their own).
  dist::init();
  const bool writer = dist::is_writer();
  std::ostream& err = writer ? std::cerr : null_stream();
  try {
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
      std::cout << kTopUsage << model.commands_usage();
      return 0;
    }
    if (cmd == "--version") {
      std::cout << "govsim " << version() << " (" << git_commit() << ")\n";
      return 0;
    }
    if (cmd == "compare" || cmd == "run" || cmd == "sweep")
      return cmd_experiment(cmd, argc - 1, argv + 1, model);
    if (cmd == "validate") return cmd_validate(argc - 1, argv + 1, model);
    if (cmd == "init") return cmd_init(argc - 1, argv + 1, model);
    if (cmd == "describe") return cmd_describe(argc - 1, argv + 1, model);
    if (cmd == "schema") return cmd_schema(argc - 1, argv + 1, model);
    if (cmd == "merge") return cmd_merge(argc - 1, argv + 1, model);
    if (cmd == "report") return cmd_report(argc - 1, argv + 1);
    if (cmd == "robustness" || cmd == "sensitivity" || cmd == "discover")
      return cmd_uncertainty(cmd, argc - 1, argv + 1);
    if (cmd == "targets" || cmd == "calibrate") return cmd_calibration(argc - 1, argv + 1);
    if (const int rc = model.command(cmd, argc - 1, argv + 1); rc >= 0) return rc;
    std::cerr << "govsim: unknown command '" << cmd << "'\n\n"
              << kTopUsage << model.commands_usage();
    return 2;
  } catch (const InputErrors& e) {
    for (const auto& one : e.all()) err << "error: " << one.what() << "\n";
    err << e.all().size() << " errors; " << next_step(cmd, e) << "\n";
    return 2;
  } catch (const InputError& e) {
    err << "error: " << e.what() << "\n" << next_step(cmd, e) << "\n";
    return 2;
  } catch (const po::error& e) {
    err << "error: " << e.what() << " (see govsim " << cmd << " --help)\n";
    return 2;
  } catch (const StoreError& e) {
    // A results directory that holds another experiment, or a damaged store: the user's input.
    err << "error: " << e.what()
        << "\nnext: check the results directory; rerun the experiment with --force "
           "(or another --out) if its store is damaged\n";
    return 2;
  } catch (const fs::filesystem_error& e) {
    // Paths the user gave that the system refuses (permissions, a file where a directory goes).
    err << "error: " << e.path1().string() << ": expected an accessible path, got "
        << e.code().message() << "\nnext: check the path and its permissions\n";
    return 2;
  } catch (const UsageError& e) {
    err << "error: " << e.what() << "\n";
    return 2;
  } catch (const RunError& e) {
    // Reported by rank 0 whichever rank ran it; the runs finished before it are in the store.
    err << "error: " << e.what() << "\n";
    return 1;
  } catch (const JobAborted& e) {
    return e.exit_code();  // rank 0 printed why
  } catch (const std::exception& e) {
    std::cerr << "internal error" << (writer ? "" : " on MPI rank " + std::to_string(dist::rank()))
              << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace govsim::cli
