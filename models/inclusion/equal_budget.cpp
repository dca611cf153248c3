// The runs of an experiment (InclusionAdapter::prepare): one (scenario, replicate) padded to the
// longest horizon, and the equal-budget scheduler: the runs whose spending others match are
// computed once per (scenario, replicate), whichever task needs them first.
#include <tbb/task_arena.h>

#include <algorithm>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>

#include "models/inclusion/model.hpp"

namespace govsim::inclusion {

namespace {
// Runs one (scenario, replicate) and pads its series to the experiment's longest horizon.
struct RunOut {
  RunRecord record;
  std::vector<double> spent_by_year;
};

RunOut run_one(const std::shared_ptr<const ModelSpec>& model, std::uint64_t seed, int scenario,
               int replicate, int horizon, std::vector<double> budget_path) {
  Simulation sim(model, seed, static_cast<std::uint32_t>(replicate), std::move(budget_path));
  sim.run();
  RunOut out{sim.finish(scenario), sim.spent_by_year()};
  RunRecord& r = out.record;
  // Scenarios with a shorter horizon are padded with their last value.
  const std::size_t weeks = static_cast<std::size_t>(sim.horizon() + 1);
  const std::size_t want = static_cast<std::size_t>(horizon + 1);
  if (weeks != want) {
    const std::size_t ns = r.series.size() / weeks;
    std::vector<double> padded(ns * want);
    for (std::size_t s = 0; s < ns; ++s)
      for (std::size_t w = 0; w < want; ++w)
        padded[s * want + w] = r.series[s * weeks + std::min(w, weeks - 1)];
    r.series = std::move(padded);
  }
  return out;
}

// Equal budget: the runs whose spending others match, computed once per (scenario, replicate)
// in this process, whichever task needs them first (a waiting task blocks; the computing one
// runs in an isolated arena so that it never picks up a task waiting for it).
class BudgetSources {
 public:
  using Fn = std::function<RunOut()>;
  std::shared_ptr<const RunOut> get(int scenario, int replicate, const Fn& compute) {
    std::shared_future<std::shared_ptr<const RunOut>> fut;
    std::promise<std::shared_ptr<const RunOut>> mine;
    bool compute_here = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = runs_.find({scenario, replicate});
      if (it == runs_.end()) {
        fut = mine.get_future().share();
        runs_.emplace(std::make_pair(scenario, replicate), fut);
        compute_here = true;
      } else {
        fut = it->second;
      }
    }
    if (compute_here) {
      try {
        std::shared_ptr<const RunOut> out;
        tbb::this_task_arena::isolate([&] { out = std::make_shared<const RunOut>(compute()); });
        mine.set_value(out);
      } catch (...) {
        mine.set_exception(std::current_exception());
      }
    }
    return fut.get();
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<int, int>, std::shared_future<std::shared_ptr<const RunOut>>> runs_;
};
}  // namespace

std::function<RunRecord(int, int)> InclusionAdapter::prepare(const ExperimentSpec& spec) const {
  auto territory = make_territory(spec.territory, spec.file, spec.base_dir);
  std::vector<std::shared_ptr<const ModelSpec>> models;
  std::vector<int> budget_of;
  std::vector<char> is_source(spec.scenarios.size(), 0);
  int horizon = 0;
  for (const auto& sc : spec.scenarios) {
    // A scenario compared on its own territory (territory_comparisons) runs there.
    models.push_back(make_model(
        sc.territory.is_null() ? territory : make_territory(sc.territory, spec.file, spec.base_dir),
        sc.values));
    horizon = std::max(horizon, models.back()->params.horizon_weeks);
    budget_of.push_back(sc.budget_of);
    if (sc.budget_of >= 0) {
      if (sc.budget_of >= static_cast<int>(spec.scenarios.size()) ||
          spec.scenarios[static_cast<std::size_t>(sc.budget_of)].budget_of >= 0)
        throw std::logic_error("equal budget: scenario '" + sc.name +
                               "' must match a scenario run as configured");
      is_source[static_cast<std::size_t>(sc.budget_of)] = 1;
    }
  }
  const std::uint64_t seed = spec.seed;
  auto sources = std::make_shared<BudgetSources>();
  // Per-commune values are the experiment territory's: a scenario compared on its own territory
  // (territory_comparisons) records them as absent (NaN) in that layout. A scenario whose network
  // levers changed the points runs on a copy of the experiment's territory: same communes, its
  // own values.
  const std::size_t zone_values = territory->zones.size() * zone_fields().size();
  std::vector<char> elsewhere;
  for (const auto& sc : spec.scenarios) elsewhere.push_back(!sc.territory.is_null());
  return [models, seed, horizon, budget_of, is_source, sources, zone_values, elsewhere](
             int scenario, int replicate) {
    const auto k = static_cast<std::size_t>(scenario);
    auto source = [&](int s) {
      return sources->get(s, replicate, [&] {
        return run_one(models.at(static_cast<std::size_t>(s)), seed, s, replicate, horizon, {});
      });
    };
    RunRecord rec;
    if (is_source.at(k)) {
      rec = source(scenario)->record;
    } else {
      std::vector<double> path;
      if (budget_of.at(k) >= 0) path = source(budget_of[k])->spent_by_year;
      rec = run_one(models.at(k), seed, scenario, replicate, horizon, std::move(path)).record;
    }
    if (elsewhere.at(k) && !rec.zones.empty())
      rec.zones.assign(zone_values, std::numeric_limits<double>::quiet_NaN());
    return rec;
  };
}

}  // namespace govsim::inclusion
