// The govsim command line: the top-level usage, the dispatch to each command group
// (engine/cli/*.cpp), the options they share, and the exit status of each kind of error.
#include "engine/cli/cli.hpp"

#include <iostream>
#include <ostream>

#include "engine/cli/commands.hpp"
#include "engine/distributed.hpp"
#include "engine/errors.hpp"
#include "engine/manifest.hpp"
#include "engine/results_store.hpp"

namespace govsim::cli {

po::variables_map parse(int argc, char** argv, const po::options_description& desc,
                        const char* positional, int count) {
  po::positional_options_description pos;
  pos.add(positional, count);
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(desc).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

bool print_help(const po::variables_map& vm, const std::string& usage,
                const po::options_description& desc) {
  if (!vm.count("help")) return false;
  std::cout << usage << desc << "\n";
  return true;
}

std::vector<Override> parse_sets(const std::vector<std::string>& sets, const ModelAdapter& model) {
  std::vector<Override> out;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      const auto& all = model.registry().all();  // the example: the first parameter's default
      const std::string example = all.empty()
                                      ? ""
                                      : " (e.g. --set " + all.front().name + "=" +
                                            all.front().format(all.front().default_value) + ")";
      throw InputError("--set", s, "name=value" + example, "'" + s + "'");
    }
    out.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  return out;
}

namespace {

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
  worlds CONFIG    history matching: the worlds whose status quo reproduces every fit target (plausible worlds)
  targets check CONFIG [--targets FILE]  observed vs simulated for each calibration target
  calibrate CONFIG --targets FILE --free NAME=MIN:MAX...  fit free parameters (Optuna, resumable)
  optimise CONFIG  multi-objective search over the levers of CONFIG's "optimise" section (NSGA-II)
  explore [CONFIG]  a local web page: move a lever, see its effect vs the baseline (CIs, map) in seconds

Options: --help (on each command), --version
Exit status: 0 success, 2 bad input, 1 internal error or a failed run.
On MPI: `mpirun -n N govsim compare|run|sweep|optimise ...` spreads the runs over N ranks;
rank 0 writes the results (docs/distributed.md).
)";

// Where ranks other than 0 send the errors that every rank hits alike (rank 0 prints them).
std::ostream& null_stream() {
  static std::ostream null(nullptr);
  return null;
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
  // `optimise` runs in Python, which joins the MPI job itself (govsim/relay.py): exec'd before
  // this process would join it.
  if (cmd == "optimise") return cmd_optimise(argc - 1, argv + 1);
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
    if (cmd == "robustness" || cmd == "sensitivity" || cmd == "discover" || cmd == "worlds")
      return cmd_uncertainty(cmd, argc - 1, argv + 1);
    if (cmd == "targets" || cmd == "calibrate") return cmd_calibration(argc - 1, argv + 1);
    if (cmd == "explore") return cmd_explore(argc - 1, argv + 1);
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
