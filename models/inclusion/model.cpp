// The inclusion model as seen by the engine (InclusionAdapter): registry, territory, metrics,
// the run layout; the frozen model of a scenario.
#include "models/inclusion/model.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>

#include "engine/errors.hpp"
#include "models/inclusion/open_data.hpp"
#include "models/inclusion/travel.hpp"

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
    if (!is_builtin_territory(t.get<std::string>()) && !is_real_territory(t.get<std::string>())) {
      const auto sug = closest_names(t.get<std::string>(), all_territory_names());
      throw InputError(file, "/territory",
                       sug.empty() ? want : want + "; did you mean \"" + sug[0] + "\"?", t.dump());
    }
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
// `govsim init`: a 5% sample of adults over two years; the variant strengthens animation.
StarterExperiment InclusionAdapter::starter() const {
  StarterExperiment s;
  s.parameters = {{"sim.population_scale", 0.05}, {"sim.horizon_weeks", 104}};
  s.parameters_text =
      "remove `sim.population_scale` (a 5% sample) and `sim.horizon_weeks` (2 years) under "
      "`parameters` for full runs";
  s.variant_parameters = {{"animation.intensity", 0.7}};
  return s;
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
  l.zone_attributes = {"code", "name", "epci", "density",     "lat",
                       "lon",  "x_km", "y_km", "help_minutes"};
  auto text = [](double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.6f", v);
    return std::string(b);
  };
  for (std::size_t k = 0; k < territory->zones.size(); ++k) {
    const Zone& z = territory->zones[k];
    // Car minutes to the nearest procedure help as configured ("" when none helps: over 30).
    const double help = car_minutes_to_procedure_help(*territory, static_cast<int>(k));
    l.zones.push_back({z.code, z.name,
                       static_cast<std::size_t>(z.epci) < territory->epci_names.size()
                           ? territory->epci_names[static_cast<std::size_t>(z.epci)]
                           : std::to_string(z.epci),
                       kDensityNames[static_cast<std::size_t>(z.density)], text(z.lat), text(z.lon),
                       text(z.x_km), text(z.y_km), help < 0 ? std::string() : text(help)});
  }
  l.zone_fields = zone_fields();
  l.zone_ratios = {{"non_recours_rate", "needs_abandoned", "needs_closed"}};
  // Equity over communes (engine/zone_equity.hpp): the gap between EPCIs, and classes of travel
  // time to the nearest procedure help (<= 15, 15-30, > 30 minutes by car).
  l.zone_group = "epci";
  l.zone_class_attribute = "help_minutes";
  l.zone_class_label = "travel";
  l.zone_class_breaks = {15, 30};
  return l;
}

}  // namespace govsim::inclusion
