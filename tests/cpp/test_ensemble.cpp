// Ensembles: bit-identical stores for any thread count, resume equals an uninterrupted run,
// adaptive replication stops at the target or the maximum, shards merge to the whole.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/config.hpp"
#include "engine/ensemble.hpp"
#include "engine/results_store.hpp"
#include "models/inclusion/model.hpp"
#include "test_support.hpp"

using namespace govsim;
namespace fs = std::filesystem;

namespace {
ExperimentSpec small_spec(int runs) {
  inclusion::InclusionAdapter model;
  nlohmann::json doc = {
      {"name", "t"},
      {"territory", "former-mining-agglomeration"},
      {"scenarios",
       {{{"name", "a"}}, {{"name", "b"}, {"parameters", {{"master_plan.enabled", true}}}}}},
      {"parameters", {{"sim.population_scale", 0.02}, {"sim.horizon_weeks", 52}}},
      {"experiment", {{"runs", runs}, {"seed", 5}, {"outputs", {"summary"}}}}};
  return load_experiment_json(doc, "<test>", ".", model);
}

fs::path tmpdir(const std::string& name) {
  const auto d =
      fs::temp_directory_path() / ("govsim_ens_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(d);
  return d;
}

std::vector<RunRecord> runs_of(const fs::path& dir) {
  return ResultsStore(store_path(dir)).runs();
}

void expect_same(const std::vector<RunRecord>& a, const std::vector<RunRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].scenario, b[i].scenario);
    EXPECT_EQ(a[i].replicate, b[i].replicate);
    EXPECT_TRUE(test_support::same_bits(a[i].metrics, b[i].metrics));
    EXPECT_TRUE(test_support::same_bits(a[i].series, b[i].series));
  }
}
}  // namespace

TEST(Ensemble, BitIdenticalForOneTwoAndEightThreads) {
  inclusion::InclusionAdapter model;
  const auto spec = small_spec(3);
  std::vector<std::vector<RunRecord>> results;
  for (int threads : {1, 2, 8}) {
    const auto dir = tmpdir("threads" + std::to_string(threads));
    EnsembleOptions o;
    o.threads = threads;
    run_experiment(spec, model, dir, o);
    results.push_back(runs_of(dir));
    fs::remove_all(dir);
  }
  ASSERT_EQ(results[0].size(), 6u);
  expect_same(results[0], results[1]);
  expect_same(results[0], results[2]);
}

TEST(Ensemble, ResumeCompletesToTheSameResults) {
  inclusion::InclusionAdapter model;
  const auto spec = small_spec(4);
  const auto full = tmpdir("full"), part = tmpdir("part");
  run_experiment(spec, model, full, {});
  // Interrupt after 3 runs (cancel flag), then resume.
  std::atomic<bool> cancel{false};
  EnsembleOptions o;
  o.threads = 1;
  o.cancel = &cancel;
  o.progress = [&](long long done, long long) {
    if (done >= 3) cancel = true;
  };
  const auto rep = run_experiment(spec, model, part, o);
  EXPECT_TRUE(rep.cancelled);
  EXPECT_LT(runs_of(part).size(), 8u);
  EnsembleOptions r;
  r.resume = true;
  const auto rep2 = run_experiment(spec, model, part, r);
  EXPECT_GT(rep2.runs_resumed, 0);
  expect_same(runs_of(full), runs_of(part));
  fs::remove_all(full);
  fs::remove_all(part);
}

TEST(Ensemble, AdaptiveReplicationStopsAtMaximumOrTarget) {
  inclusion::InclusionAdapter model;
  auto spec = small_spec(2);
  spec.target_ci = TargetCi{"non_recours_rate", 1e-9, 5};
  const auto dir = tmpdir("adaptive");
  const auto rep = run_experiment(spec, model, dir, {});
  EXPECT_EQ(rep.runs_per_scenario, 5);
  EXPECT_NE(rep.target_message.find("maximum reached"), std::string::npos) << rep.target_message;
  fs::remove_all(dir);
  spec.target_ci = TargetCi{"non_recours_rate", 1.0, 50};
  const auto rep2 = run_experiment(spec, model, dir, {});
  EXPECT_EQ(rep2.runs_per_scenario, 2);
  EXPECT_NE(rep2.target_message.find("target reached"), std::string::npos) << rep2.target_message;
  fs::remove_all(dir);
}

TEST(Ensemble, ShardsMergeToTheWhole) {
  inclusion::InclusionAdapter model;
  const auto spec = small_spec(3);
  const auto whole = tmpdir("whole"), s0 = tmpdir("s0"), s1 = tmpdir("s1"),
             merged = tmpdir("merged");
  run_experiment(spec, model, whole, {});
  EnsembleOptions a, b;
  a.shard_count = b.shard_count = 2;
  a.shard_index = 0;
  b.shard_index = 1;
  run_experiment(spec, model, s0, a);
  run_experiment(spec, model, s1, b);
  fs::create_directories(merged);
  {
    ResultsStore m(store_path(merged));
    m.merge_from(store_path(s0));
    m.merge_from(store_path(s1));
  }
  expect_same(runs_of(whole), runs_of(merged));
  for (const auto& d : {whole, s0, s1, merged}) fs::remove_all(d);
}
