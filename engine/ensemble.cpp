#include "engine/ensemble.hpp"

#include <chrono>
#include <mutex>
#include <set>

#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "engine/errors.hpp"
#include "engine/exports.hpp"
#include "engine/manifest.hpp"
#include "engine/results_store.hpp"
#include "engine/stats.hpp"

namespace govsim {

namespace fs = std::filesystem;

fs::path store_path(const fs::path& out_dir) { return out_dir / "results.sqlite"; }

namespace {
struct Task {
  int scenario, replicate;
};

nlohmann::json scenario_list(const ExperimentSpec& spec) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : spec.scenarios) a.push_back(s.name);
  return a;
}
}  // namespace

EnsembleReport run_experiment(const ExperimentSpec& spec, const ModelAdapter& model,
                              const fs::path& out_dir, const EnsembleOptions& opts) {
  const auto t0 = std::chrono::steady_clock::now();
  EnsembleReport rep;
  // Everything that reads user input (territory files, ...) happens before anything is written:
  // a command failing on bad input leaves no results store behind.
  const auto run_one = model.prepare(spec);
  const RunLayout layout = model.layout(spec);
  std::error_code ec;
  if (!fs::is_directory(out_dir, ec)) {
    fs::create_directories(out_dir, ec);
    if (ec) throw InputError(out_dir.string(), "", "an output directory that can be created", ec.message());
  }
  rep.store = store_path(out_dir);
  ResultsStore store(rep.store);
  std::vector<std::pair<std::string, nlohmann::json>> scen;
  for (const auto& s : spec.scenarios) {
    nlohmann::json info = s.info;
    info["values"] = s.values.to_json();
    scen.emplace_back(s.name, info);
  }
  store.begin(spec.resolved, layout, scen);
  const int threads = opts.threads > 0 ? opts.threads : spec.threads;
  const int n_threads = threads > 0 ? threads : static_cast<int>(tbb::info::default_concurrency());
  nlohmann::json manifest = {{"govsim_version", version()},
                             {"git_commit", git_commit()},
                             {"model", model.name()},
                             {"experiment", spec.name},
                             {"config_file", spec.file},
                             {"seed", spec.seed},
                             {"threads", n_threads},
                             {"host", hostname()},
                             {"start_time", utc_now_iso8601()},
                             {"scenarios", scenario_list(spec)},
                             {"baseline", spec.scenarios[static_cast<std::size_t>(spec.baseline)].name},
                             {"shard", {{"index", opts.shard_index}, {"count", opts.shard_count}}},
                             {"metrics", metric_catalog(model.metrics())},
                             {"series", metric_catalog(model.series())}};
  if (auto old = store.manifest(); old && opts.resume) {
    manifest["start_time"] = old->value("start_time", manifest["start_time"]);
    manifest["resumed_at"] = utc_now_iso8601();
  }
  store.set_manifest(manifest);

  std::set<std::pair<int, int>> done;
  for (const auto& d : store.completed()) done.insert(d);
  rep.runs_resumed = static_cast<long long>(done.size());
  std::mutex store_mutex;
  tbb::task_arena arena(n_threads);
  std::atomic<long long> finished{0};

  auto run_batch = [&](int r_begin, int r_end) {
    std::vector<Task> tasks;
    for (int r = r_begin; r < r_end; ++r)
      for (int s = 0; s < static_cast<int>(spec.scenarios.size()); ++s) {
        if ((static_cast<long long>(r) * static_cast<long long>(spec.scenarios.size()) + s) % opts.shard_count != opts.shard_index) continue;
        if (done.count({s, r})) continue;
        tasks.push_back({s, r});
      }
    const long long total = static_cast<long long>(tasks.size());
    finished = 0;
    if (opts.progress) opts.progress(0, total);
    arena.execute([&] {
      tbb::parallel_for(std::size_t{0}, tasks.size(), std::size_t{1}, [&](std::size_t k) {
        if (opts.cancel && opts.cancel->load()) return;
        const auto start = std::chrono::steady_clock::now();
        RunRecord rec = run_one(tasks[k].scenario, tasks[k].replicate);
        rec.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        {
          std::lock_guard<std::mutex> lock(store_mutex);
          store.put_run(rec);
          done.insert({tasks[k].scenario, tasks[k].replicate});
        }
        const long long f = ++finished;
        if (opts.progress) opts.progress(f, total);
      }, tbb::simple_partitioner());
    });
    rep.runs_done += finished.load();
  };

  int runs = spec.runs;
  run_batch(0, runs);
  if (spec.target_ci && !(opts.cancel && opts.cancel->load())) {
    const TargetCi& tc = *spec.target_ci;
    std::size_t m_idx = 0;
    for (std::size_t i = 0; i < layout.metric_names.size(); ++i)
      if (layout.metric_names[i] == tc.metric) m_idx = i;
    while (true) {
      double worst = 0;
      for (int s = 0; s < static_cast<int>(spec.scenarios.size()); ++s) {
        std::vector<double> x;
        for (const auto& r : store.runs(s))
          if (r.replicate < runs) x.push_back(r.metrics[m_idx]);
        worst = std::max(worst, stats::summarize(x).half_width);
      }
      if (worst <= tc.half_width) {
        rep.target_message = "target reached: 95% CI half-width of " + tc.metric + " is " +
                             std::to_string(worst) + " <= " + std::to_string(tc.half_width) +
                             " with " + std::to_string(runs) + " runs per scenario";
        break;
      }
      if (runs >= tc.max_runs || (opts.cancel && opts.cancel->load())) {
        rep.target_message = "maximum reached: " + std::to_string(runs) + " runs per scenario; widest 95% CI half-width of " +
                             tc.metric + " is " + std::to_string(worst) + " > target " + std::to_string(tc.half_width);
        break;
      }
      const int more = std::min(tc.max_runs, std::max(runs + 2, runs + runs / 2)) - runs;
      run_batch(runs, runs + more);
      runs += more;
    }
  }
  rep.runs_per_scenario = runs;
  rep.cancelled = opts.cancel && opts.cancel->load();
  manifest["end_time"] = utc_now_iso8601();
  manifest["runs_per_scenario"] = runs;
  manifest["complete"] = !rep.cancelled;
  if (!rep.target_message.empty()) manifest["target_ci"] = rep.target_message;
  store.set_manifest(manifest);
  if (opts.write_exports && !rep.cancelled) write_exports(store, model.metrics(), spec.outputs, out_dir);
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

}  // namespace govsim
