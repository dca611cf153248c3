// Run preparation shared by the CLI and Python (engine/run_request.hpp): option checks named in
// each front end's spelling, the command's view of the experiment, the output directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "engine/errors.hpp"
#include "engine/run_request.hpp"
#include "models/inclusion/model.hpp"

using namespace govsim;
namespace fs = std::filesystem;

namespace {
const inclusion::InclusionAdapter kModel;

ExperimentSpec two_scenarios() {
  const nlohmann::json doc = {
      {"name", "t"},
      {"territory", "former-mining-agglomeration"},
      {"scenarios",
       {{{"name", "a"}}, {{"name", "b"}, {"parameters", {{"master_plan.enabled", true}}}}}},
      {"experiment", {{"runs", 3}, {"seed", 5}}}};
  return load_experiment_json(doc, "<test>", ".", kModel);
}

// The InputError of prepare_run(req) in `spelling`, or "" if none.
std::string error_of(const RunRequest& req, OptionSpelling spelling) {
  try {
    prepare_run(two_scenarios(), kModel, req, spelling);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

fs::path tmpdir(const std::string& name) {
  const auto d =
      fs::temp_directory_path() / ("govsim_runreq_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void touch(const fs::path& p) {
  std::ofstream(p) << "x";
}
}  // namespace

TEST(RunRequest, AppliesOptionsAndNarrowsForTheCommand) {
  RunRequest req;
  req.command = "run";
  req.scenario = "b";
  req.runs = 7;
  req.seed = 11;
  const ExperimentSpec spec = prepare_run(two_scenarios(), kModel, req, OptionSpelling::Cli);
  ASSERT_EQ(spec.scenarios.size(), 1u);
  EXPECT_EQ(spec.scenarios[0].name, "b");
  EXPECT_EQ(spec.runs, 7);
  EXPECT_EQ(spec.seed, 11u);
  EXPECT_EQ(spec.resolved["runs"], 7);
  EXPECT_EQ(spec.resolved["seed"], 11);
  EXPECT_EQ(spec.resolved["baseline"], "b");
  EXPECT_FALSE(spec.target_ci.has_value());

  RunRequest keep;  // compare, nothing given: the config's settings, every scenario
  const ExperimentSpec all = prepare_run(two_scenarios(), kModel, keep, OptionSpelling::Python);
  EXPECT_EQ(all.scenarios.size(), 2u);
  EXPECT_EQ(all.runs, 3);
  EXPECT_EQ(all.seed, 5u);
}

TEST(RunRequest, RejectsBadOptionsNamingThemAsEachFrontEndSpellsThem) {
  struct Case {
    RunRequest req;
    std::string cli, python;
  };
  std::vector<Case> cases;
  auto with = [](auto set) {
    RunRequest r;
    set(r);
    return r;
  };
  cases.push_back({with([](RunRequest& r) { r.runs = 0; }),
                   "--runs: expected a positive integer, got 0",
                   "runs: expected a positive integer, got 0"});
  cases.push_back({with([](RunRequest& r) { r.seed = -3; }),
                   "--seed: expected a non-negative integer, got -3",
                   "seed: expected a non-negative integer, got -3"});
  cases.push_back({with([](RunRequest& r) { r.threads = -1; }),
                   "--threads: expected 0 or a positive integer",
                   "threads: expected 0 or a positive integer"});
  cases.push_back({with([](RunRequest& r) { r.target_ci = 0.0; }),
                   "--target-ci: expected a positive half-width",
                   "target_ci: expected a positive half-width"});
  cases.push_back({with([](RunRequest& r) {
                     r.target_ci = 0.01;
                     r.target_metric = "happiness";
                   }),
                   "--target-metric: expected a metric name",
                   "target_metric: expected a metric name"});
  cases.push_back({with([](RunRequest& r) {
                     r.target_ci = 0.01;
                     r.max_runs = 0;
                   }),
                   "--max-runs: expected a positive integer, got 0",
                   "max_runs: expected a positive integer, got 0"});
  cases.push_back({with([](RunRequest& r) { r.rank_by = "happiness"; }),
                   "--rank-by: expected a metric name", "rank_by: expected a metric name"});
  cases.push_back({with([](RunRequest& r) {
                     r.shard_index = 2;
                     r.shard_count = 2;
                   }),
                   "--shard: expected K/N with 0 <= K < N, got '2/2'",
                   "shard: expected K/N with 0 <= K < N, got '2/2'"});
  cases.push_back({with([](RunRequest& r) {
                     r.command = "run";
                     r.scenario = "zzz";
                   }),
                   "a scenario named \"zzz\"", "a scenario named \"zzz\""});
  cases.push_back({with([](RunRequest& r) { r.command = "sweep"; }), "a \"sweep\" section",
                   "a \"sweep\" section"});
  cases.push_back({with([](RunRequest& r) { r.command = "jump"; }),
                   "expected run, compare or sweep", "expected run, compare or sweep"});
  for (const auto& c : cases) {
    EXPECT_NE(error_of(c.req, OptionSpelling::Cli).find(c.cli), std::string::npos)
        << c.cli << " / got: " << error_of(c.req, OptionSpelling::Cli);
    EXPECT_NE(error_of(c.req, OptionSpelling::Python).find(c.python), std::string::npos)
        << c.python << " / got: " << error_of(c.req, OptionSpelling::Python);
  }
}

TEST(RunRequest, OutputDirectoryWithResultsNeedsResumeOrForce) {
  const fs::path dir = tmpdir("out");
  for (const auto& f : result_files()) touch(dir / f);
  touch(dir / "notes.txt");  // not a result file: never deleted
  RunRequest req;
  try {
    prepare_output_dir(dir, req, OptionSpelling::Cli);
    ADD_FAILURE() << "a directory holding results was accepted without --resume or --force";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("(or --resume / --force)"), std::string::npos) << e.what();
  }
  try {
    prepare_output_dir(dir, req, OptionSpelling::Python);
    ADD_FAILURE() << "a directory holding results was accepted without resume or force";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("resume=True / force=True"), std::string::npos)
        << e.what();
  }
  for (const auto& f : result_files())
    EXPECT_TRUE(fs::exists(dir / f)) << f << " deleted by a refused run";

  req.resume = true;
  req.force = true;  // resume wins: the store is completed, not replaced
  prepare_output_dir(dir, req, OptionSpelling::Cli);
  for (const auto& f : result_files())
    EXPECT_TRUE(fs::exists(dir / f)) << f << " deleted by --resume";

  req.resume = false;
  prepare_output_dir(dir, req, OptionSpelling::Cli);
  for (const auto& f : result_files()) EXPECT_FALSE(fs::exists(dir / f)) << f << " kept by --force";
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));

  req.force = false;  // no results left: accepted as is
  prepare_output_dir(dir, req, OptionSpelling::Cli);
  prepare_output_dir(dir / "new", req, OptionSpelling::Cli);
  fs::remove_all(dir);
}
