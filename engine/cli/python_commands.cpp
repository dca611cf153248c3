// The commands carried out by the govsim Python package (report, robustness, sensitivity,
// discover, worlds, targets, calibrate, optimise, explore): exec of `python -m MODULE` beside
// this executable.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "engine/cli/commands.hpp"

namespace govsim::cli {

namespace {

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

// Under an MPI launcher (mpirun, srun) this process has joined the job already, so the Python
// it would become cannot join it again (optimise is exec'd before it joins: cmd_optimise): the
// analyses that run in Python are refused with the way that works (a Python script calling the same
// function, started by the launcher).
void refuse_under_mpi_launcher(const std::string& cmd, const std::string& function) {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr)
      throw UsageError("govsim " + cmd +
                       " cannot run under an MPI launcher (it runs in Python, which cannot join "
                       "the job this process started): write a script calling " +
                       function +
                       "(...) and run `mpirun -n N python study.py` (docs/distributed.md)");
}

}  // namespace

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

// robustness, sensitivity, discover, worlds: sampling and analysis by SALib / the EMA workbench in
// Python (govsim.uncertainty); the runs themselves are tasks of this engine (via _core).
int cmd_uncertainty(const std::string& cmd, int argc, char** argv) {
  refuse_under_mpi_launcher(cmd, "govsim." + cmd);
  std::vector<std::string> args = {cmd};
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.uncertainty", args);
}

// `govsim targets check ...` and `govsim calibrate ...` (govsim/calibration.py).
int cmd_calibration(int argc, char** argv) {
  if (std::string(argv[0]) == "calibrate")
    refuse_under_mpi_launcher("calibrate", "govsim.calibration.calibrate");
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.calibration", args);
}

// `govsim optimise ...` (govsim/optimisation: Optuna's NSGA-II; docs/optimisation.md). Under an
// MPI launcher it is exec'd before this process joins the job (cli.cpp): the Python joins it, rank
// 0 runs the search and the other ranks follow its engine calls (govsim/relay.py).
int cmd_optimise(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.optimisation", args);
}

// `govsim explore ...` (govsim/explorer: a local web server on 127.0.0.1; docs/planners.md).
int cmd_explore(int argc, char** argv) {
  refuse_under_mpi_launcher("explore", "govsim.explorer.Session");
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return exec_python("govsim.explorer", args);
}

}  // namespace govsim::cli
