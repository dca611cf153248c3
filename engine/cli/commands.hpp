// What the command groups of the govsim command line share (private to engine/cli/): the usage
// error, the input file named in next-step hints, option parsing, and one entry point per group.
#pragma once

#include <boost/program_options.hpp>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/experiment.hpp"

namespace govsim::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

// A command line missing what the command needs (exit status 2, no next-step hint).
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The file the command was given, for the next-step hint (cli.cpp, next_step).
inline std::string g_input;

// The options `desc` of a command, the positional arguments (up to `count` of them, -1: any
// number) going to option `positional`.
po::variables_map parse(int argc, char** argv, const po::options_description& desc,
                        const char* positional, int count);
// With --help in `vm`: prints `usage` then the options `desc` and returns true.
bool print_help(const po::variables_map& vm, const std::string& usage,
                const po::options_description& desc);
// --set name=value options as overrides (InputError naming --set if one has no name or '=').
std::vector<Override> parse_sets(const std::vector<std::string>& sets, const ModelAdapter& model);

// The commands, each in its own file of engine/cli/; argv[0] is the command name.
// experiment_commands.cpp: compare, run, sweep.
int cmd_experiment(const std::string& cmd, int argc, char** argv, const ModelAdapter& model);
int cmd_validate(int argc, char** argv, const ModelAdapter& model);  // validate.cpp
int cmd_init(int argc, char** argv, const ModelAdapter& model);      // init.cpp
// describe.cpp: describe (parameters, metrics, series) and schema.
int cmd_describe(int argc, char** argv, const ModelAdapter& model);
int cmd_schema(int argc, char** argv, const ModelAdapter& model);
int cmd_merge(int argc, char** argv, const ModelAdapter& model);  // merge.cpp
// python_commands.cpp: the commands carried out by the govsim Python package.
int cmd_report(int argc, char** argv);
int cmd_uncertainty(const std::string& cmd, int argc, char** argv);
int cmd_calibration(int argc, char** argv);
int cmd_optimise(int argc, char** argv);
int cmd_explore(int argc, char** argv);

}  // namespace govsim::cli
