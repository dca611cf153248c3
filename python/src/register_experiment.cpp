// Experiments: loading configs, running ensembles (GIL released, progress callback, cancel),
// statistics over a results store, and the exception types (ConfigError, StoreError).
#include <pybind11/functional.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/comparison_table.hpp"
#include "engine/config.hpp"
#include "engine/csv_columns.hpp"
#include "engine/distributed.hpp"
#include "engine/ensemble.hpp"
#include "engine/errors.hpp"
#include "engine/experiment_stats.hpp"
#include "engine/manifest.hpp"
#include "engine/results_store.hpp"
#include "engine/run_request.hpp"
#include "engine/sweep.hpp"
#include "models/inclusion/model.hpp"
#include "python/src/register.hpp"

namespace py = pybind11;
namespace fs = std::filesystem;
using nlohmann::json;

namespace govsim::python {

const ModelAdapter& model() {
  static const inclusion::InclusionAdapter adapter;
  return adapter;
}

namespace {

struct Experiment {
  ExperimentSpec spec;
};

struct CancelFlag {
  std::atomic<bool> flag{false};
};

std::vector<Override> to_overrides(const std::vector<std::pair<std::string, std::string>>& v) {
  std::vector<Override> out;
  out.reserve(v.size());
  for (const auto& [name, value] : v) out.push_back({name, value, "overrides"});
  return out;
}

Experiment load(const fs::path& path,
                const std::vector<std::pair<std::string, std::string>>& overrides,
                const std::string& territory) {
  py::gil_scoped_release nogil;
  Experiment e{load_experiment(path, model(), to_overrides(overrides))};
  if (!territory.empty())
    override_territory(e.spec, territory_from_argument(territory, model()), territory);
  return e;
}

Experiment from_dict(const py::dict& doc, const std::string& label, const fs::path& base_dir,
                     const std::vector<std::pair<std::string, std::string>>& overrides) {
  const json j = from_python(doc);
  py::gil_scoped_release nogil;
  return Experiment{load_experiment_json(j, label, base_dir, model(), to_overrides(overrides))};
}

// Calibration support (govsim.calibration): replicates [first, first + count) of one scenario,
// in memory, returning per replicate the week-0 population shares and the end metrics. Runs in
// parallel (GIL released); results do not depend on the thread count.
py::list simulate(const Experiment& e, int scenario, int first, int count, int threads) {
  if (scenario < 0 || scenario >= static_cast<int>(e.spec.scenarios.size()))
    throw InputError("scenario", "", "a scenario index of the experiment",
                     std::to_string(scenario));
  if (count < 1 || first < 0)
    throw InputError("count", "", "a positive number of replicates", std::to_string(count));
  struct Out {
    std::vector<std::pair<std::string, double>> initial;
    std::vector<double> metrics;
  };
  std::vector<Out> out(static_cast<std::size_t>(count));
  {
    py::gil_scoped_release nogil;
    auto territory = inclusion::make_territory(e.spec.territory, e.spec.file, e.spec.base_dir);
    auto model = inclusion::make_model(territory,
                                       e.spec.scenarios[static_cast<std::size_t>(scenario)].values);
    tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
    arena.execute([&] {
      tbb::parallel_for(0, count, [&](int k) {
        inclusion::Simulation sim(model, e.spec.seed, static_cast<std::uint32_t>(first + k));
        Out& o = out[static_cast<std::size_t>(k)];
        o.initial = inclusion::measured_shares(sim.population(), *territory, model->params);
        sim.run();
        o.metrics = sim.finish(scenario).metrics;
      });
    });
  }
  const auto names = model().metrics();
  py::list l;
  for (const Out& o : out) {
    py::dict init, met;
    for (const auto& [k, v] : o.initial) init[py::str(k)] = v;
    for (std::size_t i = 0; i < names.size() && i < o.metrics.size(); ++i)
      met[py::str(names[i].name)] = o.metrics[i];
    py::dict d;
    d["initial"] = init;
    d["metrics"] = met;
    l.append(d);
  }
  return l;
}

// The fitted initial-population model of the experiment's territory under a scenario's parameters.
py::dict population_model(const Experiment& e, int scenario) {
  if (scenario < 0 || scenario >= static_cast<int>(e.spec.scenarios.size()))
    throw InputError("scenario", "", "a scenario index of the experiment",
                     std::to_string(scenario));
  auto territory = inclusion::make_territory(e.spec.territory, e.spec.file, e.spec.base_dir);
  const auto params =
      inclusion::Params::from(e.spec.scenarios[static_cast<std::size_t>(scenario)].values);
  const inclusion::PopulationModel m = inclusion::fit_population_model(*territory, params);
  py::dict d;
  d["region"] = m.region;
  d["age_targets"] = std::vector<double>(m.age_targets.begin(), m.age_targets.end());
  d["age"] = std::vector<double>(m.age.begin(), m.age.end());
  d["age_slope"] = std::vector<double>(m.age_slope.begin(), m.age_slope.end());
  d["age_mean"] = std::vector<double>(m.age_mean.begin(), m.age_mean.end());
  d["death_rate"] = m.death_rate;
  d["density"] = std::vector<double>(m.density.begin(), m.density.end());
  d["diploma"] = std::vector<double>(m.diploma.begin(), m.diploma.end());
  d["income"] = std::vector<double>(m.income.begin(), m.income.end());
  d["no_internet"] = std::vector<double>{m.net0, m.net_75_plus, m.net_no_diploma, m.net_illiterate};
  py::dict exp;
  for (const auto& [k, v] : inclusion::expected_shares(*territory, params)) exp[py::str(k)] = v;
  d["expected"] = exp;
  const auto comp = inclusion::expected_composition(*territory);
  d["composition"] = std::vector<double>(comp.begin(), comp.end());
  return d;
}

py::dict run(const Experiment& e, const std::string& command, const fs::path& out,
             const std::string& scenario, std::optional<int> runs, std::optional<long long> seed,
             int threads, bool resume, bool force, std::optional<double> target_ci,
             const std::string& target_metric, int max_runs, int shard_index, int shard_count,
             const py::object& progress, std::shared_ptr<CancelFlag> cancel, double interval,
             const std::vector<std::string>& design_parameters,
             const std::vector<std::vector<double>>& design_unit, bool design_arms) {
  // "design": every scenario at every design point (govsim.uncertainty), otherwise as compare.
  const bool design = command == "design";
  const RunRequest req{.command = design ? "compare" : command,
                       .scenario = scenario,
                       .runs = runs,
                       .seed = seed,
                       .threads = threads,
                       .target_ci = target_ci,
                       .target_metric = target_metric,
                       .max_runs = max_runs,
                       .shard_index = shard_index,
                       .shard_count = shard_count,
                       .resume = resume,
                       .force = force};
  ExperimentSpec spec = prepare_run(e.spec, model(), req, OptionSpelling::Python);
  if (design) expand_design(spec, DesignSpec{design_parameters, design_unit, design_arms});
  prepare_output_dir(out, req, OptionSpelling::Python);  // rank 0 only under MPI (collective)
  if (!cancel) cancel = std::make_shared<CancelFlag>();

  // Progress: called from worker threads; throttled to one Python call per `interval` seconds.
  std::mutex mutex;
  auto last = std::chrono::steady_clock::now() - std::chrono::hours(1);
  std::atomic<long long> last_done{0}, last_total{0};
  long long reported_done = -1, reported_total = -1;
  std::exception_ptr callback_error;
  bool interrupted = false;
  auto call_python = [&](long long d, long long t) {  // requires mutex held, GIL not held
    py::gil_scoped_acquire gil;
    try {
      if (PyErr_CheckSignals() != 0) {  // Ctrl-C (main thread only): stop after runs in flight
        PyErr_Clear();
        interrupted = true;
        cancel->flag = true;
      }
      reported_done = d;
      reported_total = t;
      if (!progress.is_none()) progress(d, t);
    } catch (py::error_already_set& err) {
      if (err.matches(PyExc_KeyboardInterrupt))
        interrupted = true;
      else if (!callback_error)
        callback_error = std::current_exception();
      cancel->flag = true;
    }
  };
  EnsembleOptions opts = ensemble_options(req);
  opts.cancel = &cancel->flag;
  opts.progress = [&](long long d, long long t) {
    last_done = d;
    last_total = t;
    std::unique_lock<std::mutex> lock(mutex, std::try_to_lock);
    if (!lock.owns_lock()) return;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last).count() < interval && d != 0) return;
    last = now;
    call_python(d, t);
  };
  EnsembleReport rep;
  {
    py::gil_scoped_release nogil;
    rep = run_experiment(spec, model(), out, opts);
    std::lock_guard<std::mutex> lock(mutex);
    if (!callback_error && !interrupted &&
        (reported_done != last_done || reported_total != last_total))
      call_python(last_done, last_total);  // final state
  }
  if (callback_error) std::rethrow_exception(callback_error);
  py::dict d;
  d["runs_per_scenario"] = rep.runs_per_scenario;
  d["runs_done"] = rep.runs_done;
  d["runs_resumed"] = rep.runs_resumed;
  d["cancelled"] = rep.cancelled;
  d["interrupted"] = interrupted;
  d["target_message"] = rep.target_message;
  d["wall_seconds"] = rep.wall_seconds;
  d["store"] = rep.store.string();
  d["writer"] = rep.writer;
  d["rank"] = dist::rank();
  d["ranks"] = dist::size();
  d["scenarios"] = py::cast([&] {
    std::vector<std::string> names;
    for (const auto& s : spec.scenarios) names.push_back(s.name);
    return names;
  }());
  return d;
}

// A row of one of the CSV exports: `values` in the order of `columns` (engine/csv_columns.hpp).
template <std::size_t N>
py::dict csv_row(const std::array<std::string_view, N>& columns,
                 const std::array<py::object, N>& values) {
  py::dict d;
  for (std::size_t k = 0; k < N; ++k) d[py::str(std::string(columns[k]))] = values[k];
  return d;
}

py::dict summary_row(const SummaryRow& r, const RankRow* rank, const std::string& budget) {
  return csv_row(
      csv_columns::kSummary,
      {py::cast(r.scenario), py::cast(r.metric), py::cast(r.s.mean), py::cast(r.s.sd),
       py::cast(r.s.ci_low), py::cast(r.s.ci_high), py::cast(r.s.n), py::cast(r.s.q05),
       py::cast(r.s.q50), py::cast(r.s.q95),
       rank ? py::object(py::int_(rank->rank)) : py::object(py::none()),
       rank ? py::object(py::bool_(rank->tied)) : py::object(py::none()), py::cast(budget)});
}

py::dict paired_row(const PairedRow& r) {
  return csv_row(
      csv_columns::kPaired,
      {py::cast(r.scenario), py::cast(r.baseline), py::cast(r.metric), py::cast(r.p.mean_diff),
       py::cast(r.p.sd_diff), py::cast(r.p.ci_low), py::cast(r.p.ci_high), py::cast(r.p.rel_diff),
       py::cast(r.p.rel_ci_low), py::cast(r.p.rel_ci_high), py::cast(r.p.share_better),
       py::cast(r.p.n), py::cast(r.mid), py::cast(std::string(stats::verdict_name(r.verdict)))});
}

ExperimentStats stats_of(const fs::path& store_file) {
  if (!fs::is_regular_file(store_file))
    throw StoreError(store_file.string() + ": no results store");
  py::gil_scoped_release nogil;
  ResultsStore store(store_file);
  return compute_stats(store, model().metrics());
}

py::dict stats(const fs::path& store_file) {
  const ExperimentStats st = stats_of(store_file);
  py::list summary, paired;
  std::map<std::pair<std::string, std::string>, const RankRow*> rank;
  for (const auto& r : st.ranks) rank[{r.scenario, r.metric}] = &r;
  std::map<std::string, std::string> budget;
  for (std::size_t k = 0; k < st.scenarios.size(); ++k)
    budget[st.scenarios[k]] = st.scenario_budget[k];
  for (const auto& r : st.summary) {
    const auto it = rank.find({r.scenario, r.metric});
    summary.append(summary_row(r, it == rank.end() ? nullptr : it->second, budget[r.scenario]));
  }
  for (const auto& r : st.paired) paired.append(paired_row(r));
  py::dict d;
  d["scenarios"] = st.scenarios;
  d["metrics"] = st.metrics;
  d["baseline"] = st.has_baseline ? py::object(py::int_(st.baseline)) : py::object(py::none());
  d["summary"] = summary;
  d["paired"] = paired;
  d["budget"] = st.budget;
  py::list cost_effect;  // cost_effectiveness.csv's rows (scenarios run as configured)
  for (const auto& r : st.cost_effect) {
    py::dict row;
    row["scenario"] = r.scenario;
    row["run_as"] = r.run_as;
    row["metric"] = r.metric;
    row["extra_cost_eur"] = r.cost.mean_diff;
    row["extra_cost_ci_low"] = r.cost.ci_low;
    row["extra_cost_ci_high"] = r.cost.ci_high;
    const bool hib = metric_hib(model().metrics(), r.metric);
    row["gain"] = hib ? r.gain.mean_diff : -r.gain.mean_diff;  // positive = better
    row["gain_ci_low"] = hib ? r.gain.ci_low : -r.gain.ci_high;
    row["gain_ci_high"] = hib ? r.gain.ci_high : -r.gain.ci_low;
    row["gain_per_million_eur"] = r.per_million.ratio;
    row["ci_low"] = r.per_million.ci_low;
    row["ci_high"] = r.per_million.ci_high;
    row["n"] = r.per_million.n;
    row["adults_per_100k_eur"] = r.adults_per_100k.ratio;
    row["adults_per_100k_eur_ci_low"] = r.adults_per_100k.ci_low;
    row["adults_per_100k_eur_ci_high"] = r.adults_per_100k.ci_high;
    row["procedures_per_100k_eur"] = r.procedures_per_100k.ratio;
    row["procedures_per_100k_eur_ci_low"] = r.procedures_per_100k.ci_low;
    row["procedures_per_100k_eur_ci_high"] = r.procedures_per_100k.ci_high;
    row["note"] = r.note;
    cost_effect.append(row);
  }
  d["cost_effectiveness"] = cost_effect;
  return d;
}

std::string table(const fs::path& store_file, const std::string& rank_by, int headline) {
  check_metric_name(model(), rank_by, "rank_by");
  const ExperimentStats st = stats_of(store_file);
  // The headline metrics of metrics.def (the first `headline` of them if >= 0).
  std::vector<MetricInfo> head = headline_metrics(model().metrics());
  if (headline >= 0 && static_cast<std::size_t>(headline) < head.size())
    head.resize(static_cast<std::size_t>(headline));
  return comparison_table(st, head, rank_by);
}

}  // namespace

void register_experiment(py::module_& m) {
  // Translators: the last registered is tried first. Generic one first: any other std::exception
  // becomes RuntimeError (pybind11's own and Python errors pass through).
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const py::error_already_set&) {
      throw;
    } catch (const py::builtin_exception&) {
      throw;
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const ParamValueError& e) {
      PyErr_SetString(PyExc_ValueError, ("expected " + e.expected).c_str());
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });
  py::register_exception<StoreError>(m, "StoreError", PyExc_RuntimeError);
  py::register_exception<InputError>(m, "ConfigError", PyExc_ValueError);
  m.attr("StoreError").attr("__doc__") =
      "A results store cannot be read or written (RuntimeError subclass).";
  m.attr("ConfigError").attr("__doc__") =
      "Bad input: config, scenario or option (ValueError subclass). The message names the file, "
      "the "
      "JSON pointer, what was expected and what was found, as the govsim CLI prints it.";

  py::class_<CancelFlag, std::shared_ptr<CancelFlag>>(m, "CancelFlag",
                                                      "A flag stopping a running ensemble.")
      .def(py::init<>())
      .def(
          "set", [](CancelFlag& c) { c.flag = true; },
          "Ask the ensemble to stop after the runs in flight.")
      .def(
          "is_set", [](const CancelFlag& c) { return c.flag.load(); }, "Whether set() was called.");

  py::class_<Experiment>(m, "Experiment", "A loaded, validated experiment config.")
      .def_static(
          "load", &load, py::arg("path"),
          py::arg("overrides") = std::vector<std::pair<std::string, std::string>>{},
          py::arg("territory") = std::string(),
          "Loads and validates a config file; overrides are (name, value text) pairs as for --set; "
          "territory (a name or file, as for --territory) replaces the config's.")
      .def_static(
          "from_dict", &from_dict, py::arg("doc"), py::arg("label"), py::arg("base_dir"),
          py::arg("overrides") = std::vector<std::pair<std::string, std::string>>{},
          "Same from an in-memory config document; relative paths resolve against base_dir.")
      .def_property_readonly("file", [](const Experiment& e) { return e.spec.file; })
      .def_property_readonly("name", [](const Experiment& e) { return e.spec.name; })
      .def_property_readonly("description", [](const Experiment& e) { return e.spec.description; })
      .def_property_readonly(
          "warnings", [](const Experiment& e) { return e.spec.warnings; },
          "Warnings from loading (e.g. an override that cancels a scenario's own lever).")
      .def_property_readonly("scenarios",
                             [](const Experiment& e) {
                               std::vector<std::string> v;
                               for (const auto& s : e.spec.scenarios) v.push_back(s.name);
                               return v;
                             })
      .def_property_readonly("scenario_info",
                             [](const Experiment& e) {
                               py::list l;
                               for (const auto& s : e.spec.scenarios) l.append(to_python(s.info));
                               return l;
                             })
      .def_property_readonly(
          "scenario_roles",
          [](const Experiment& e) {
            std::vector<std::string> names;
            std::vector<ScenarioRole> roles;
            for (const auto& s : e.spec.scenarios) names.push_back(s.name), roles.push_back(s.role);
            return role_rows(names, roles);
          },
          "The role of each scenario (rows as scenario_roles(store)).")
      .def_property_readonly("scenario_parameters",
                             [](const Experiment& e) {
                               py::list l;
                               for (const auto& s : e.spec.scenarios)
                                 l.append(to_python(s.values.to_json(false)));
                               return l;
                             })
      .def_property_readonly("baseline", [](const Experiment& e) { return e.spec.baseline; })
      .def_property_readonly("runs", [](const Experiment& e) { return e.spec.runs; })
      .def_property_readonly("seed", [](const Experiment& e) { return e.spec.seed; })
      .def_property_readonly("threads", [](const Experiment& e) { return e.spec.threads; })
      .def_property_readonly("has_sweep",
                             [](const Experiment& e) { return e.spec.sweep.has_value(); })
      .def_property_readonly(
          "uncertainty",
          [](const Experiment& e) -> py::object {
            if (!e.spec.uncertainty) return py::none();
            py::dict d;
            d["parameters"] = e.spec.uncertainty->parameters;
            d["samples"] = e.spec.uncertainty->samples;
            d["method"] = e.spec.uncertainty->method;
            return std::move(d);
          },
          "The config's uncertainty section (parameters, samples, method), or None.")
      .def_property_readonly("resolved",
                             [](const Experiment& e) { return to_python(e.spec.resolved); });

  m.def(
      "run_experiment", &run, py::arg("experiment"), py::arg("command"), py::arg("out"),
      py::arg("scenario") = "", py::arg("runs") = py::none(), py::arg("seed") = py::none(),
      py::arg("threads") = 0, py::arg("resume") = false, py::arg("force") = false,
      py::arg("target_ci") = py::none(),
      py::arg("target_metric") = model().metric_with_role(kPrimaryRole), py::arg("max_runs") = 200,
      py::arg("shard_index") = 0, py::arg("shard_count") = 1, py::arg("progress") = py::none(),
      py::arg("cancel") = nullptr, py::arg("interval") = 0.1,
      py::arg("design_parameters") = std::vector<std::string>{},
      py::arg("design_unit") = std::vector<std::vector<double>>{}, py::arg("design_arms") = true,
      "Runs `command` (run, compare or sweep; or design: every scenario at every point of "
      "design_unit, "
      "rows of unit values of design_parameters, without the @as_configured arms if not "
      "design_arms) of an experiment into `out`, as the CLI does "
      "(same "
      "checks: engine/run_request.hpp; None = the config's runs, seed, no target_ci). The GIL "
      "is released; progress(done, total) is called at most once per `interval` seconds; the run "
      "stops after the runs in flight once `cancel` is set, on Ctrl-C (main thread) or if progress "
      "raises. Returns the report dict.");
  m.def(
      "design_values",
      [](const std::vector<std::string>& names, const std::vector<std::vector<double>>& unit) {
        const ParamRegistry& reg = model().registry();
        std::vector<const ParamSpec*> specs;
        for (const auto& n : names) {
          const auto i = reg.find(n);
          if (!i || !reg.at(*i).uncertainty || !reg.at(*i).uncertainty->varied())
            throw InputError("design", n,
                             "a parameter with a plausible range (an assumption, not fixed)",
                             "'" + n + "'");
          specs.push_back(&reg.at(*i));
        }
        std::vector<std::vector<double>> out;
        out.reserve(unit.size());
        for (const auto& row : unit) {
          if (row.size() != specs.size())
            throw InputError("design", "", std::to_string(specs.size()) + " values per row",
                             std::to_string(row.size()));
          std::vector<double> v(row.size());
          for (std::size_t d = 0; d < row.size(); ++d)
            v[d] = specs[d]->uncertainty->quantile(row[d], specs[d]->default_value,
                                                   specs[d]->type == ParamType::Integer);
          out.push_back(std::move(v));
        }
        return out;
      },
      py::arg("names"), py::arg("unit_rows"),
      "Maps unit-hypercube rows to parameter values through each plausible range (as the engine "
      "does).");
  m.def(
      "distribution",
      [] {
        py::dict d;
        d["built_with_mpi"] = dist::built_with_mpi();
        d["rank"] = dist::rank();  // starts MPI if launched by mpirun/srun (engine/distributed.hpp)
        d["ranks"] = dist::size();
        return d;
      },
      "This process's place in an MPI job: {'built_with_mpi', 'rank', 'ranks'} (rank 0 of 1 when "
      "not "
      "started by mpirun/srun). Under MPI every rank runs the script; rank 0 writes the results.");
  m.def(
      "broadcast",
      [](std::string text) {
        py::gil_scoped_release nogil;
        dist::broadcast_from_writer(text);
        return py::bytes(text);
      },
      py::arg("text"),
      "Rank 0's text (bytes) on every rank of an MPI job (collective: every rank calls it; the "
      "others wait without spinning). Outside MPI: the text itself. Used by govsim/relay.py.");
  m.def("simulate", &simulate, py::arg("experiment"), py::arg("scenario"), py::arg("first"),
        py::arg("count"), py::arg("threads") = 0,
        "Runs replicates first..first+count-1 of one scenario in memory: list of {initial: week-0 "
        "population "
        "shares, metrics: end metrics} (calibration and target checks).");
  m.def(
      "population_model", &population_model, py::arg("experiment"), py::arg("scenario") = 0,
      "The fitted initial-population model of the experiment's territory (logit effects, targets, "
      "expected shares, composition).");
  m.def(
      "csv_columns",
      [] {
        auto list = [](const auto& columns) {
          return std::vector<std::string>(columns.begin(), columns.end());
        };
        py::dict d;
        d["summary"] = list(csv_columns::kSummary);
        d["paired"] = list(csv_columns::kPaired);
        d["cost_effectiveness"] = list(csv_columns::kCostEffectiveness);
        d["equity"] = list(csv_columns::kEquity);
        d["runs"] = list(csv_columns::kRuns);
        d["timeseries"] = list(csv_columns::kTimeseries);
        return d;
      },
      "The columns of the CSV exports (engine/csv_columns.hpp): summary, paired, "
      "cost_effectiveness, runs (then one per metric), timeseries; the keys of stats()' rows.");
  m.def(
      "stats", &stats, py::arg("store"),
      "Per-scenario summaries and paired differences of a results store (dict of lists of rows).");
  m.def("comparison_table", &table, py::arg("store"),
        py::arg("rank_by") = model().metric_with_role(kPrimaryRole), py::arg("headline") = -1,
        "The ranked comparison table printed by `govsim compare` (the model's headline metrics, or "
        "the first `headline` of them if >= 0).");
}

}  // namespace govsim::python
