// govsim compare, run and sweep: load the experiment, run it with a progress bar (Ctrl-C saves
// the runs done) and print the comparison or sweep table.
#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <optional>

#include "engine/cli/commands.hpp"
#include "engine/comparison_table.hpp"
#include "engine/distributed.hpp"
#include "engine/ensemble.hpp"
#include "engine/errors.hpp"
#include "engine/experiment_stats.hpp"
#include "engine/manifest.hpp"
#include "engine/progress.hpp"
#include "engine/results_store.hpp"
#include "engine/run_request.hpp"

namespace govsim::cli {

namespace {

// The options of run/compare/sweep: the RunRequest (checked by prepare_run) plus the CLI's own.
struct Common {
  RunRequest req;
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  bool quiet = false;
  std::string territory;  // --territory NAME|FILE (a scenario file's, or replacing a config's)
};

// `primary`: the model's primary metric, the default of --target-metric and --rank-by.
po::options_description run_options(Common& c, const std::string& default_out,
                                    const std::string& primary) {
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
      "target-metric", po::value(&c.req.target_metric)->default_value(primary),
      "metric for --target-ci")("max-runs", po::value(&c.req.max_runs)->default_value(200),
                                "upper bound on replicates with --target-ci")(
      "rank-by", po::value(&c.req.rank_by)->default_value(primary),
      "metric ranking the comparison table")("scenario", po::value(&c.req.scenario),
                                             "(run) the scenario to run, by name")(
      "territory", po::value(&c.territory),
      "territory to run on (for a config: instead of its own): an embedded name or a territory "
      "file (.json, communes .csv)")(
      "shard", po::value<std::string>(),
      "run only tasks i with i % N == K: --shard K/N (merge stores with `govsim merge`)");
  return d;
}

volatile std::sig_atomic_t g_interrupted = 0;
std::atomic<bool> g_cancel{false};
void on_sigint(int) {
  g_interrupted = 1;
  g_cancel = true;
}

}  // namespace

int cmd_experiment(const std::string& cmd, int argc, char** argv, const ModelAdapter& model) {
  Common c;
  po::options_description desc =
      run_options(c, "results/" + cmd, model.metric_with_role(kPrimaryRole));
  desc.add_options()("config", po::value(&c.config), "experiment config (JSON)");
  const auto vm = parse(argc, argv, desc, "config", 1);
  if (vm.count("help")) {
    std::cout << "Usage: govsim " << cmd << " CONFIG [options]\n\n";
    if (cmd == "compare")
      std::cout
          << "Runs every scenario of CONFIG, replicate r of each on the same random streams,\n"
             "and prints a ranked table with 95% CIs and paired differences vs the baseline.\n\n"
             "Examples:\n  govsim compare scenarios/experiments/seed-scenarios.json --runs 20 "
             "--out "
             "results/demo\n"
             "  govsim compare scenarios/experiments/seed-scenarios.json --territory loir-et-cher "
             "--out results/lec\n\n";
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
                   "Example:\n  govsim sweep scenarios/experiments/sweep-uncertain.json --runs 5 "
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
    loaded = experiment_from_scenario(c.config, model, territory, parse_sets(c.sets, model));
  } else {
    loaded = load_experiment(c.config, model, parse_sets(c.sets, model));
    if (vm.count("territory"))
      override_territory(loaded, territory_from_argument(c.territory, model), c.territory);
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
    // The experiment's human title (its English one if it has titles by language), then its name.
    const nlohmann::json& r = spec.resolved;
    const std::string title = r.contains("titles") && r["titles"].contains("en")
                                  ? r["titles"]["en"].get<std::string>()
                                  : r.value("title", std::string());
    if (!title.empty()) std::cout << title << " (" << spec.name << ")\n";
    if (cmd == "sweep")
      std::cout << sweep_table(st, spec, model.metrics(), c.req.rank_by, rep.runs_per_scenario);
    else
      std::cout << comparison_table(st, headline, c.req.rank_by);
    std::cout << "\n"
              << rep.runs_done << " runs (" << rep.runs_resumed << " resumed) in " << std::fixed
              << std::setprecision(1) << rep.wall_seconds << " s";
    if (dist::size() > 1) std::cout << " on " << dist::size() << " MPI ranks";
    std::cout << "; results in " << fs::absolute(out).string() << "\n";
  }
  return 0;
}

}  // namespace govsim::cli
