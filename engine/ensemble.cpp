#include "engine/ensemble.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

#include "engine/distributed.hpp"
#include "engine/errors.hpp"
#include "engine/exports.hpp"
#include "engine/manifest.hpp"
#include "engine/results_store.hpp"
#include "engine/stats.hpp"

namespace govsim {

namespace fs = std::filesystem;

fs::path store_path(const fs::path& out_dir) {
  return out_dir / "results.sqlite";
}

namespace {
void run_on_writer(const ExperimentSpec& spec, const ModelAdapter& model, const fs::path& out_dir,
                   const EnsembleOptions& opts, TaskFarm& farm, EnsembleReport& rep);

// The model's run function, with failures naming the scenario and replicate.
// Fault injection (tests, docs/distributed.md): GOVSIM_FAIL_RUN="SCENARIO:REPLICATE" makes that
// run throw in this process; either part may be "*" (any).
TaskFarm::RunFn named_runs(const ExperimentSpec& spec, std::function<RunRecord(int, int)> run_one) {
  std::optional<std::pair<std::string, std::string>> fail;
  if (const char* f = std::getenv("GOVSIM_FAIL_RUN")) {
    const std::string v = f;
    const auto colon = v.rfind(':');
    if (colon != std::string::npos) fail = std::make_pair(v.substr(0, colon), v.substr(colon + 1));
  }
  return [&spec, run_one = std::move(run_one), fail](int s, int r) {
    const std::string& name = spec.scenarios.at(static_cast<std::size_t>(s)).name;
    try {
      if (fail && (fail->first == "*" || fail->first == name) &&
          (fail->second == "*" || fail->second == std::to_string(r)))
        throw std::runtime_error("injected failure (GOVSIM_FAIL_RUN)");
      RunRecord rec = run_one(s, r);
      if (!spec.store_series) {  // not stored: not sent to rank 0 either
        rec.series.clear();
        rec.zones.clear();
      }
      return rec;
    } catch (const std::exception& e) {
      throw RunError(
          s, r,
          "run failed: scenario '" + name + "', replicate " + std::to_string(r) + ": " + e.what());
    }
  };
}

// How ranks other than 0 exit when rank 0 fails: 2 for the user's input (config, results store).
int writer_exit_code(const std::exception& e) {
  return dynamic_cast<const InputError*>(&e) != nullptr ||
                 dynamic_cast<const StoreError*>(&e) != nullptr
             ? 2
             : 1;
}

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
  const int threads = opts.threads > 0 ? opts.threads : spec.threads;
  // Every rank prepares the same models and runs whatever tasks rank 0 hands out; only rank 0
  // (the single writer) touches out_dir.
  TaskFarm farm(named_runs(spec, model.prepare(spec)), threads, opts.cancel);
  if (!dist::is_writer()) {
    rep.writer = false;
    rep.runs_done = farm.serve();
    dist::on_writer([] {}, writer_exit_code);  // returns once rank 0 has written the exports
    rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return rep;
  }
  try {
    run_on_writer(spec, model, out_dir, opts, farm, rep);
  } catch (...) {
    farm.finish(true);  // releases the other ranks (they exit non-zero, quietly)
    throw;
  }
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return rep;
}

namespace {
void run_on_writer(const ExperimentSpec& spec, const ModelAdapter& model, const fs::path& out_dir,
                   const EnsembleOptions& opts, TaskFarm& farm, EnsembleReport& rep) {
  // Everything that reads user input (territory files, ...) happened in model.prepare before
  // anything is written: a command failing on bad input leaves no results store behind.
  std::error_code ec;
  if (!fs::is_directory(out_dir, ec)) {
    fs::create_directories(out_dir, ec);
    if (ec)
      throw InputError(out_dir.string(), "", "an output directory that can be created",
                       ec.message());
  }
  rep.store = store_path(out_dir);
  ResultsStore store(rep.store);
  RunLayout layout = model.layout(spec);
  if (!spec.store_series) {  // design experiments: metrics only
    layout.series_names.clear();
    layout.zone_attributes.clear();
    layout.zones.clear();
    layout.zone_fields.clear();
  }
  std::vector<std::pair<std::string, nlohmann::json>> scen;
  std::vector<ScenarioRole> roles;
  for (const auto& s : spec.scenarios) {
    nlohmann::json info = s.info;
    info["values"] = s.values.to_json();
    scen.emplace_back(s.name, info);
    roles.push_back(s.role);
  }
  store.begin(spec.resolved, layout, scen, roles);
  const int n_threads = farm.stats().threads;
  nlohmann::json manifest = {
      {"govsim_version", version()},
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
      {"budget", spec.budget},
      {"shard", {{"index", opts.shard_index}, {"count", opts.shard_count}}},
      {"metrics", metric_catalog(model.metrics())},
      {"series", metric_catalog(model.series())},
      {"ranks", dist::size()}};
  if (auto info = model.territory_info(spec); !info.is_null()) manifest["territory"] = info;
  if (auto old = store.manifest(); old && opts.resume) {
    manifest["start_time"] = old->value("start_time", manifest["start_time"]);
    manifest["resumed_at"] = utc_now_iso8601();
  }
  store.set_manifest(manifest);

  std::set<std::pair<int, int>> done;
  for (const auto& d : store.completed()) done.insert(d);
  rep.runs_resumed = static_cast<long long>(done.size());

  auto run_batch = [&](int r_begin, int r_end) {
    std::vector<TaskId> tasks;
    for (int r = r_begin; r < r_end; ++r)
      for (int s = 0; s < static_cast<int>(spec.scenarios.size()); ++s) {
        if ((static_cast<long long>(r) * static_cast<long long>(spec.scenarios.size()) + s) %
                opts.shard_count !=
            opts.shard_index)
          continue;
        if (done.count({s, r})) continue;
        tasks.push_back({s, r});
      }
    // Runs arrive from every rank in completion order; each is one store transaction, so a
    // killed job keeps every run delivered so far.
    rep.runs_done += farm.run(
        tasks,
        [&](const RunRecord& rec) {
          store.put_run(rec);
          done.insert({rec.scenario, rec.replicate});
        },
        opts.progress);
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
          if (r.replicate < runs && !std::isnan(r.metrics[m_idx])) x.push_back(r.metrics[m_idx]);
        worst = std::max(worst, stats::summarize(x).half_width);
      }
      if (worst <= tc.half_width) {
        rep.target_message = "target reached: 95% CI half-width of " + tc.metric + " is " +
                             std::to_string(worst) + " <= " + std::to_string(tc.half_width) +
                             " with " + std::to_string(runs) + " runs per scenario";
        break;
      }
      if (runs >= tc.max_runs || (opts.cancel && opts.cancel->load())) {
        rep.target_message = "maximum reached: " + std::to_string(runs) +
                             " runs per scenario; widest 95% CI half-width of " + tc.metric +
                             " is " + std::to_string(worst) + " > target " +
                             std::to_string(tc.half_width);
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
  farm.finish();  // the other ranks are done
  const FarmStats& farm_stats = farm.stats();
  manifest["distribution"] = {{"ranks", farm_stats.ranks},
                              {"threads_per_rank", farm_stats.threads},
                              {"runs_per_rank", farm_stats.tasks_per_rank},
                              {"messages_received", farm_stats.messages},
                              {"bytes_received", farm_stats.bytes_received},
                              {"bytes_sent", farm_stats.bytes_sent}};
  // The other ranks wait for this (and fail with it): their caller may read the results next.
  dist::on_writer(
      [&] {
        store.set_manifest(manifest);
        if (opts.write_exports && !rep.cancelled)
          write_exports(store, model.metrics(), spec.outputs, out_dir);
      },
      writer_exit_code);
}
}  // namespace

}  // namespace govsim
