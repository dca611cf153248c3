#include "engine/cli/cli.hpp"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
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

const char* kTopUsage = R"(govsim — scenario simulation of local digital-inclusion governance

Usage: govsim <command> [options]

Commands:
  compare CONFIG   run every scenario of CONFIG (Monte Carlo) and print a ranked comparison
  run CONFIG       run one scenario of CONFIG (the first, or --scenario NAME)
  sweep CONFIG     run the parameter sweep of CONFIG (grid or Latin hypercube)
  validate CONFIG  check CONFIG and its scenario files without running anything
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
      "shard", po::value<std::string>(),
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
      std::cout << "Runs one scenario of CONFIG.\n\nExample:\n  govsim run "
                   "scenarios/experiments/seed-scenarios.json --scenario status-quo --runs 5\n\n";
    else
      std::cout << "Runs the sweep section of CONFIG on its first (or baseline) scenario.\n\n"
                   "Example:\n  govsim sweep scenarios/experiments/sweep-need-rate.json --runs 5 "
                   "--out results/sweep\n\n";
    std::cout << desc << "\n";
    return 0;
  }
  if (c.config.empty())
    throw UsageError("govsim " + cmd + ": missing CONFIG (see govsim " + cmd + " --help)");
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
  const ExperimentSpec spec = prepare_run(load_experiment(c.config, model, parse_sets(c.sets)),
                                          model, c.req, OptionSpelling::Cli);
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
  std::string config;
  std::vector<std::string> sets;
  po::options_description desc("Options");
  desc.add_options()("help,h", "this help")("config", po::value(&config), "experiment config")(
      "set", po::value(&sets)->composing(), "override a parameter: --set name=value");
  po::positional_options_description pos;
  pos.add("config", 1);
  const auto vm = parse(argc, argv, desc, pos);
  if (vm.count("help")) {
    std::cout << "Usage: govsim validate CONFIG [--set name=value]...\n\nChecks CONFIG, its "
                 "scenario files and "
                 "overrides; runs nothing.\n\nExample:\n  govsim validate "
                 "scenarios/experiments/seed-scenarios.json\n\n"
              << desc << "\n";
    return 0;
  }
  if (config.empty()) throw UsageError("govsim validate: missing CONFIG");
  const ExperimentSpec spec = load_experiment(config, model, parse_sets(sets));
  std::cout << config << ": valid (" << spec.scenarios.size() << " scenarios, baseline "
            << spec.scenarios[static_cast<std::size_t>(spec.baseline)].name << ", " << spec.runs
            << " runs, seed " << spec.seed << ")\n";
  if (const auto info = model.territory_info(spec); info.is_object()) {
    std::cout << "  territory " << info.value("name", std::string("?")) << ": "
              << info.value("communes", 0) << " communes, " << info.value("places", 0) << " places";
    if (info.contains("places_dates"))
      std::cout << " (updated " << info["places_dates"].value("min", "") << " to "
                << info["places_dates"].value("max", "") << ")";
    if (info.value("rejected_rows", 0) > 0)
      std::cout << ", " << info["rejected_rows"].get<int>() << " rows rejected";
    std::cout << "\n";
    if (info.contains("note")) std::cout << "  note: " << info["note"].get<std::string>() << "\n";
  }
  for (const auto& s : spec.scenarios) {
    std::cout << "  " << s.name << ": mechanisms";
    for (const auto& m : s.info["mechanisms"]) std::cout << " " << m.get<std::string>();
    std::cout << "\n";
  }
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
  fs::create_directories(out);
  ResultsStore store(store_path(out));
  for (std::size_t i = 1; i < args.size(); ++i) {
    fs::path src = args[i];
    if (fs::is_directory(src)) src = store_path(src);
    if (!fs::is_regular_file(src))
      throw InputError(args[i], "", "a results store or results directory", "not found");
    store.merge_from(src);
  }
  const auto cfg = store.config();
  std::vector<std::string> outputs = {"summary", "paired", "runs", "timeseries"};
  if (cfg && cfg->contains("outputs")) outputs = (*cfg)["outputs"].get<std::vector<std::string>>();
  write_exports(store, model.metrics(), outputs, out);
  std::cout << "merged " << store.completed().size() << " runs into " << out.string() << "\n";
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
    std::cout << "Usage: govsim report RESULTS_DIR -o report.html\n\nWrites one self-contained "
                 "HTML report "
                 "(charts inline) from a results directory.\n\nExample:\n  govsim report "
                 "results/demo -o results/demo/report.html\n";
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
  } catch (const InputError& e) {
    err << "error: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    err << "error: " << e.what() << " (see govsim " << cmd << " --help)\n";
    return 2;
  } catch (const StoreError& e) {
    // A results directory that holds another experiment, or a damaged store: the user's input.
    err << "error: " << e.what() << "\n";
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
