#include "models/inclusion/model.hpp"

#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>

#include "engine/errors.hpp"
#include "models/inclusion/open_data.hpp"

namespace govsim::inclusion {

const ParamRegistry& InclusionAdapter::registry() const {
  return inclusion::registry();
}

namespace {

std::vector<std::string> all_territory_names() {
  auto names = builtin_territory_names();
  for (const auto& n : real_territory_names()) names.push_back(n);
  return names;
}

std::string names_text() {
  std::string s;
  for (const auto& n : all_territory_names()) {
    if (!s.empty()) s.append(", ");
    s.append("\"").append(n).append("\"");
  }
  return s;
}
}  // namespace

void InclusionAdapter::check_territory(const nlohmann::json& t, const std::string& file,
                                       const std::filesystem::path& base_dir) const {
  const std::string want = "an embedded territory name (" + names_text() +
                           ") or an object {\"communes_csv\": ..., \"access_points_csv\": ...} or "
                           "{\"file\": \"territory.json\"}";
  if (t.is_string()) {
    if (!is_builtin_territory(t.get<std::string>()) && !is_real_territory(t.get<std::string>()))
      throw InputError(file, "/territory", want, t.dump());
    return;
  }
  if (!t.is_object()) throw InputError(file, "/territory", want, t.dump());
  for (const auto& [k, v] : t.items()) {
    if (k != "communes_csv" && k != "access_points_csv" && k != "name" && k != "file")
      throw InputError(file, "/territory/" + k,
                       "one of the keys communes_csv, access_points_csv, name, file",
                       "unknown key \"" + k + "\"");
    if (!v.is_string()) throw InputError(file, "/territory/" + k, "a string", v.dump());
  }
  if (t.contains("file") && t.contains("communes_csv"))
    throw InputError(file, "/territory", "either \"file\" (a territory JSON) or \"communes_csv\"",
                     "both");
  if (!t.contains("communes_csv") && !t.contains("file"))
    throw InputError(file, "/territory", "a \"communes_csv\" key", "an object without it");
  for (const char* k : {"communes_csv", "access_points_csv", "file"}) {
    if (!t.contains(k)) continue;
    const auto path = base_dir / t[k].get<std::string>();
    if (!std::filesystem::is_regular_file(path))
      throw InputError(file, std::string("/territory/") + k, "an existing file",
                       "'" + path.string() + "' not found");
  }
  // The data files are read now, with the same strict readers as a run (`validate` reads them).
  (void)make_territory(t, file, base_dir);
}

nlohmann::json InclusionAdapter::territory_schema() const {
  return {{"oneOf",
           {{{"type", "string"},
             {"enum", all_territory_names()},
             {"description", "An embedded territory, generated or real (docs/territories.md)."}},
            {{"type", "object"},
             {"additionalProperties", false},
             {"required", {"communes_csv"}},
             {"properties",
              {{"communes_csv",
                {{"type", "string"},
                 {"description", "INSEE-style communes CSV, relative to this file."}}},
               {"access_points_csv",
                {{"type", "string"},
                 {"description",
                  "Places in the MedNum standard (CSV or JSON), relative to this file."}}},
               {"name", {{"type", "string"}}}}}},
            {{"type", "object"},
             {"additionalProperties", false},
             {"required", {"file"}},
             {"properties",
              {{"file",
                {{"type", "string"},
                 {"description",
                  "A territory JSON written by `govsim territory build`, relative to this file."}}},
               {"name", {{"type", "string"}}}}}}}}};
}

std::vector<govsim::MetricInfo> InclusionAdapter::metrics() const {
  return all_metrics();
}

nlohmann::json InclusionAdapter::territory_info(const ExperimentSpec& spec) const {
  return inclusion::territory_info(*make_territory(spec.territory, spec.file, spec.base_dir));
}

int InclusionAdapter::command(const std::string& cmd, int argc, char** argv) const {
  if (cmd != "territory") return -1;
  return territory_command(argc, argv);
}

std::string InclusionAdapter::commands_usage() const {
  return "  territory build --communes FILE [--places FILE] --out territory.json  build a "
         "territory from open data\n"
         "  territory show NAME|FILE  summary of a territory (real, generated or built)\n";
}
std::vector<govsim::MetricInfo> InclusionAdapter::series() const {
  return weekly_series();
}

std::shared_ptr<const Territory> make_territory(const nlohmann::json& t, const std::string& file,
                                                const std::filesystem::path& base_dir) {
  if (t.is_string()) {
    // Embedded territories are generated once per process and shared (they are immutable).
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Territory>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = cache[t.get<std::string>()];
    if (!slot) {
      const std::string name = t.get<std::string>();
      slot = std::make_shared<const Territory>(
          is_real_territory(name) ? real_territory(name).territory : builtin_territory(name));
    }
    return slot;
  }
  (void)file;
  if (t.contains("file")) {
    Territory terr = load_territory_json(base_dir / t.at("file").get<std::string>());
    if (t.contains("name")) terr.name = t["name"].get<std::string>();
    return std::make_shared<const Territory>(std::move(terr));
  }
  const std::string name = t.value("name", std::string("custom"));
  const auto communes = base_dir / t.at("communes_csv").get<std::string>();
  const std::filesystem::path points = t.contains("access_points_csv")
                                           ? base_dir / t["access_points_csv"].get<std::string>()
                                           : std::filesystem::path();
  return std::make_shared<const Territory>(load_territory(name, communes, points));
}

std::shared_ptr<const Territory> apply_network_levers(std::shared_ptr<const Territory> territory,
                                                      const Params& p) {
  const auto fte = p.network_fte(), hours = p.network_hours();
  const auto sites = p.network_sites();
  bool any = false;
  for (std::size_t k = 0; k < fte.size(); ++k)
    any = any || fte[k] != default_fte(static_cast<PointType>(k)) || hours[k] > 0 || sites[k] >= 0;
  if (!any)
    return territory;  // the territory as generated or loaded, shared (bit-identical results)
  auto t = std::make_shared<Territory>(*territory);
  for (std::size_t k = 0; k < fte.size(); ++k) {
    const auto type = static_cast<PointType>(k);
    // Sites: the most populous communes keep theirs or get new ones (deterministic order).
    if (sites[k] >= 0) {
      const auto adults = [&](int z) {
        return t->zones[static_cast<std::size_t>(z)].total_adults();
      };
      std::vector<std::size_t> of_type;
      for (std::size_t i = 0; i < t->points.size(); ++i)
        if (t->points[i].type == type) of_type.push_back(i);
      const auto want = static_cast<std::size_t>(sites[k]);
      if (want < of_type.size()) {
        std::stable_sort(of_type.begin(), of_type.end(), [&](std::size_t a, std::size_t b) {
          return adults(t->points[a].zone) > adults(t->points[b].zone);
        });
        std::vector<bool> drop(t->points.size(), false);
        for (std::size_t j = want; j < of_type.size(); ++j) drop[of_type[j]] = true;
        std::vector<PointSpec> kept;
        std::vector<PlaceInfo> kept_info;  // (place_info stays parallel to points)
        for (std::size_t i = 0; i < t->points.size(); ++i) {
          if (drop[i]) continue;
          kept.push_back(std::move(t->points[i]));
          if (i < t->place_info.size()) kept_info.push_back(std::move(t->place_info[i]));
        }
        t->points = std::move(kept);
        if (!t->place_info.empty()) t->place_info = std::move(kept_info);
      } else if (want > of_type.size()) {
        std::vector<int> zones(t->zones.size());
        for (std::size_t z = 0; z < zones.size(); ++z) zones[z] = static_cast<int>(z);
        std::stable_sort(zones.begin(), zones.end(),
                         [&](int a, int b) { return adults(a) > adults(b); });
        std::vector<int> count(t->zones.size(), 0);
        for (std::size_t i : of_type) ++count[static_cast<std::size_t>(t->points[i].zone)];
        std::size_t have = of_type.size();
        // Round r adds a site to every zone (most populous first) holding r sites of the type.
        for (int round = 0; have < want && !zones.empty(); ++round) {
          for (int z : zones) {
            if (have >= want) break;
            if (count[static_cast<std::size_t>(z)] != round) continue;
            PointSpec s;
            s.id = std::string(type_code(type)) + "-planned-" + std::to_string(have + 1);
            s.name = std::string(type_code(type)) + " " +
                     t->zones[static_cast<std::size_t>(z)].name + " (planned)";
            s.zone = z;
            s.type = type;
            s.services = default_services(type);
            s.fte = default_fte(type);
            t->points.push_back(std::move(s));
            ++count[static_cast<std::size_t>(z)];
            ++have;
          }
        }
      }
    }
    for (auto& pt : t->points) {
      if (pt.type != type) continue;
      if (fte[k] != default_fte(type)) pt.fte *= fte[k] / default_fte(type);
      if (hours[k] > 0) {
        // Mediation time scales with opening hours up to 35 h (staff-bound above).
        const double own = pt.hours_per_week > 0 ? pt.hours_per_week : 35.0;
        pt.fte *= std::min(1.0, hours[k] / 35.0) / std::min(1.0, own / 35.0);
        pt.hours_per_week = hours[k];
      }
    }
  }
  return t;
}

std::shared_ptr<const ModelSpec> make_model(std::shared_ptr<const Territory> territory,
                                            const ParamValues& values) {
  auto m = std::make_shared<ModelSpec>();
  m->params = Params::from(values);
  m->territory = apply_network_levers(std::move(territory), m->params);
  m->governance = Governance::from(m->params);
  return m;
}

RunLayout InclusionAdapter::layout(const ExperimentSpec& spec) const {
  RunLayout l;
  for (const auto& m : all_metrics()) l.metric_names.push_back(m.name);
  for (const auto& s : weekly_series()) l.series_names.push_back(s.name);
  int horizon = 0;
  for (const auto& sc : spec.scenarios)
    horizon = std::max(horizon, Params::from(sc.values).horizon_weeks);
  l.weeks = horizon + 1;
  // Per-commune outputs (communes.csv, Results.communes()).
  const auto territory = make_territory(spec.territory, spec.file, spec.base_dir);
  l.zone_attributes = {"code", "name", "epci", "density", "lat", "lon", "x_km", "y_km"};
  auto text = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.6f", v);
    return std::string(b);
  };
  for (const auto& z : territory->zones)
    l.zones.push_back({z.code, z.name,
                       static_cast<std::size_t>(z.epci) < territory->epci_names.size()
                           ? territory->epci_names[static_cast<std::size_t>(z.epci)]
                           : std::to_string(z.epci),
                       kDensityNames[static_cast<std::size_t>(z.density)], text(z.lat), text(z.lon),
                       text(z.x_km), text(z.y_km)});
  l.zone_fields = zone_fields();
  l.zone_ratios = {{"non_recours_rate", "needs_abandoned", "needs_closed"}};
  return l;
}

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
  // (territory_comparisons) records them as absent (NaN) in that layout.
  const std::size_t zone_values = territory->zones.size() * zone_fields().size();
  std::vector<char> elsewhere;
  for (const auto& m : models) elsewhere.push_back(m->territory != territory);
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
