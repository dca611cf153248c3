// The territory JSON written by `govsim territory build --out` and read back
// (models/inclusion/territory_json.hpp).
#include "models/inclusion/territory_json.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

#include "engine/errors.hpp"
#include "models/inclusion/mednum_standard.hpp"
#include "models/inclusion/open_data_text.hpp"
#include "models/inclusion/travel.hpp"

namespace govsim::inclusion {

using open_data::cut;
using open_data::in_france;
using open_data::kFranceText;
using open_data::read_file_text;

namespace {
nlohmann::json services_json(std::uint16_t bits) {
  nlohmann::json a = nlohmann::json::array();
  for (int k = 0; k < kServiceCount; ++k)
    if (bits & (1u << k)) a.push_back(std::string(kServiceLabels[static_cast<std::size_t>(k)]));
  return a;
}
const char* density_name(Density d) {
  return kDensityNames[static_cast<std::size_t>(d)];
}
}  // namespace

nlohmann::json territory_info(const Territory& t) {
  nlohmann::json j = {{"name", t.name},
                      {"description", t.description},
                      {"source", t.source},
                      {"communes", t.zones.size()},
                      {"adults", std::round(t.total_adults())},
                      {"places", t.points.size()}};
  if (!t.places_date_min.empty())
    j["places_dates"] = {{"min", t.places_date_min}, {"max", t.places_date_max}};
  if (!t.note.empty()) j["note"] = t.note;
  if (t.geographic) {
    j["rejected_rows"] = t.rejected_rows;
    j["places_outside"] = t.outside_places;
    // For the report's map: communes (code, name, lat, lon, adults, car minutes to the nearest
    // place helping with procedures at the start) and places (lat, lon, model type).
    nlohmann::json communes = nlohmann::json::array(), places = nlohmann::json::array();
    for (std::size_t z = 0; z < t.zones.size(); ++z) {
      const Zone& zz = t.zones[z];
      const double minutes = car_minutes_to_procedure_help(t, static_cast<int>(z));
      communes.push_back(
          {zz.code, zz.name, zz.lat, zz.lon, std::round(zz.total_adults()),
           minutes < 0 ? nlohmann::json(nullptr) : nlohmann::json(std::round(minutes * 10) / 10)});
    }
    for (std::size_t p = 0; p < t.points.size(); ++p) {
      const Zone& zz = t.zones[static_cast<std::size_t>(t.points[p].zone)];
      const bool own = p < t.place_info.size();
      places.push_back({own ? t.place_info[p].lat : zz.lat, own ? t.place_info[p].lon : zz.lon,
                        type_code(t.points[p].type)});
    }
    j["map"] = {{"communes_columns",
                 {"code", "name", "lat", "lon", "adults", "car_minutes_to_procedure_help"}},
                {"communes", communes},
                {"places_columns", {"lat", "lon", "type"}},
                {"places", places}};
  }
  return j;
}

nlohmann::json territory_to_json(const BuildResult& r) {
  const Territory& t = r.territory;
  nlohmann::json j = {{"format", "govsim-territory/1"},
                      {"name", t.name},
                      {"description", t.description},
                      {"source", t.source},
                      {"note", t.note}};
  j["places_dates"] = {{"min", t.places_date_min},
                       {"max", t.places_date_max},
                       {"placeholders", r.report.placeholder_dates}};
  j["geography"] = {{"detour_factor", road_detour_factor()}};
  j["epcis"] = t.epci_names;
  nlohmann::json zs = nlohmann::json::array();
  for (const auto& z : t.zones) {
    nlohmann::json a = nlohmann::json::array();
    for (double v : z.adults) a.push_back(v);
    zs.push_back({{"code", z.code},
                  {"name", z.name},
                  {"lat", z.lat},
                  {"lon", z.lon},
                  {"area_km2", z.area_km2},
                  {"density_insee", z.density_insee},
                  {"density", density_name(z.density)},
                  {"epci", z.epci},
                  {"adults", a},
                  {"broadband_share", z.broadband_share}});
  }
  j["communes"] = zs;
  nlohmann::json ps = nlohmann::json::array();
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const PointSpec& p = t.points[i];
    const Zone& z = t.zones[static_cast<std::size_t>(p.zone)];
    const PlaceInfo info = i < t.place_info.size()
                               ? t.place_info[i]
                               : PlaceInfo{z.x_km, z.y_km, z.lat, z.lon, true, "", "", "", ""};
    ps.push_back({{"id", p.id},
                  {"name", p.name},
                  {"commune", z.code},
                  {"lat", info.lat},
                  {"lon", info.lon},
                  {"at_centroid", info.at_centroid},
                  {"type", type_code(p.type)},
                  {"typologie", info.typologie},
                  {"source", info.source},
                  {"typed_by", info.typed_by},
                  {"services", services_json(p.services)},
                  {"fte", p.fte},
                  {"hours_per_week", p.hours_per_week},
                  {"date_maj", info.date_maj}});
  }
  j["places"] = ps;
  nlohmann::json rej = nlohmann::json::array();
  for (const auto& x : r.report.rejected)
    rej.push_back({{"file", x.file},
                   {"line", x.line},
                   {"record", x.record},
                   {"field", x.field},
                   {"value", x.value},
                   {"reason", x.reason}});
  j["rejected"] = rej;
  j["places_outside"] = r.report.outside;
  j["defaulted"] = r.report.defaulted;
  return j;
}

namespace {
Territory territory_from_json_unchecked(const nlohmann::json& j, const std::string& file);
}

Territory territory_from_json(const nlohmann::json& j, const std::string& file) {
  try {
    return territory_from_json_unchecked(j, file);
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong type where an optional key was read with a default.
    throw InputError(file, "", "a territory JSON as written by `govsim territory build`", e.what());
  }
}

namespace {
Territory territory_from_json_unchecked(const nlohmann::json& j, const std::string& file) {
  auto at = [&](const nlohmann::json& o, const std::string& ptr, const char* key,
                nlohmann::json::value_t type, const char* want) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(key))
      throw InputError(file, ptr, std::string("a key \"") + key + "\" (" + want + ")", "none");
    const auto& v = o[key];
    const bool ok =
        type == nlohmann::json::value_t::number_float ? v.is_number() : v.type() == type;
    if (!ok) throw InputError(file, ptr + "/" + key, want, cut(v.dump(), 80));
    return v;
  };
  using VT = nlohmann::json::value_t;
  if (!j.is_object() || j.value("format", "") != "govsim-territory/1")
    throw InputError(file, "/format",
                     "\"govsim-territory/1\" (a file written by `govsim territory build`)",
                     j.is_object() && j.contains("format") ? j["format"].dump() : "none");
  Territory t;
  t.name = at(j, "", "name", VT::string, "a string").get<std::string>();
  t.description = j.value("description", "");
  t.source = j.value("source", "");
  t.note = j.value("note", "");
  t.geographic = true;
  if (j.contains("places_dates") && j["places_dates"].is_object()) {
    t.places_date_min = j["places_dates"].value("min", "");
    t.places_date_max = j["places_dates"].value("max", "");
  }
  for (const auto& e : at(j, "", "epcis", VT::array, "an array of EPCI names")) {
    if (!e.is_string()) throw InputError(file, "/epcis", "EPCI names (strings)", e.dump());
    t.epci_names.push_back(e.get<std::string>());
  }
  const auto& zs = at(j, "", "communes", VT::array, "an array of communes");
  if (zs.empty()) throw InputError(file, "/communes", "at least one commune", "[]");
  double lat0 = 0, lon0 = 0;
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const std::string ptr = "/communes/" + std::to_string(i);
    lat0 += at(zs[i], ptr, "lat", VT::number_float, "a latitude").get<double>() /
            static_cast<double>(zs.size());
    lon0 += at(zs[i], ptr, "lon", VT::number_float, "a longitude").get<double>() /
            static_cast<double>(zs.size());
  }
  const double kx = 111.32 * std::cos(lat0 * M_PI / 180), ky = 110.57;
  std::unordered_map<std::string, int> index;
  for (std::size_t i = 0; i < zs.size(); ++i) {
    const std::string ptr = "/communes/" + std::to_string(i);
    const auto& o = zs[i];
    Zone z;
    z.code = at(o, ptr, "code", VT::string, "a string").get<std::string>();
    z.name = at(o, ptr, "name", VT::string, "a string").get<std::string>();
    z.lat = o["lat"].get<double>();
    z.lon = o["lon"].get<double>();
    if (!in_france(z.lat, z.lon))
      throw InputError(file, ptr + "/lat", kFranceText,
                       std::to_string(z.lat) + ", " + std::to_string(z.lon));
    z.x_km = (z.lon - lon0) * kx;
    z.y_km = (z.lat - lat0) * ky;
    z.area_km2 = at(o, ptr, "area_km2", VT::number_float, "an area in km²").get<double>();
    if (!(z.area_km2 > 0))
      throw InputError(file, ptr + "/area_km2", "an area > 0", o["area_km2"].dump());
    z.density_insee = o.value("density_insee", 0);
    const std::string dn =
        at(o, ptr, "density", VT::string, "urban, periurban or rural").get<std::string>();
    bool found = false;
    for (int d = 0; d < kDensityClasses; ++d)
      if (dn == kDensityNames[static_cast<std::size_t>(d)])
        z.density = static_cast<Density>(d), found = true;
    if (!found)
      throw InputError(file, ptr + "/density", "urban, periurban or rural", "'" + dn + "'");
    const auto& e = at(o, ptr, "epci", VT::number_float, "an index into /epcis");
    if (!e.is_number_integer() || e.get<long long>() < 0 ||
        e.get<long long>() >= static_cast<long long>(t.epci_names.size()))
      throw InputError(file, ptr + "/epci", "an index into /epcis", e.dump());
    z.epci = e.get<int>();
    const auto& a = at(o, ptr, "adults", VT::array, "five numbers of adults by age band");
    if (a.size() != kAgeBands || !std::all_of(a.begin(), a.end(), [](const auto& v) {
          return v.is_number() && v.template get<double>() >= 0;
        }))
      throw InputError(file, ptr + "/adults",
                       "five numbers >= 0 (adults aged 15-29, 30-44, 45-59, 60-74, 75+)",
                       cut(a.dump(), 80));
    for (int k = 0; k < kAgeBands; ++k)
      z.adults[static_cast<std::size_t>(k)] = a[static_cast<std::size_t>(k)].get<double>();
    z.broadband_share = at(o, ptr, "broadband_share", VT::number_float, "a share").get<double>();
    if (z.broadband_share < 0 || z.broadband_share > 1)
      throw InputError(file, ptr + "/broadband_share", "a share in [0, 1]",
                       o["broadband_share"].dump());
    if (!index.emplace(z.code, static_cast<int>(i)).second)
      throw InputError(file, ptr + "/code", "a unique commune code", "'" + z.code + "' twice");
    t.zones.push_back(std::move(z));
  }
  const auto& ps = at(j, "", "places", VT::array, "an array of places");
  for (std::size_t i = 0; i < ps.size(); ++i) {
    const std::string ptr = "/places/" + std::to_string(i);
    const auto& o = ps[i];
    PointSpec p;
    p.id = at(o, ptr, "id", VT::string, "a string").get<std::string>();
    p.name = o.value("name", "");
    const std::string code = at(o, ptr, "commune", VT::string, "a commune code").get<std::string>();
    const auto it = index.find(code);
    if (it == index.end())
      throw InputError(file, ptr + "/commune", "a code of /communes", "'" + code + "'");
    p.zone = it->second;
    const std::string type = at(o, ptr, "type", VT::string, "a point type").get<std::string>();
    bool found = false;
    for (int k = 0; k < kPointTypes; ++k)
      if (type == type_code(static_cast<PointType>(k)))
        p.type = static_cast<PointType>(k), found = true;
    if (!found)
      throw InputError(file, ptr + "/type",
                       "EPN, BIB, RFS, CS, CCAS, TIERS_LIEUX, CNFS or ITINERANT", "'" + type + "'");
    for (const auto& s : at(o, ptr, "services", VT::array, "service labels")) {
      const std::uint16_t b = s.is_string() ? services_from(s.get<std::string>()) : 0;
      if (!b)
        throw InputError(file, ptr + "/services", "labels of the standard's 9 service categories",
                         s.dump());
      p.services = static_cast<std::uint16_t>(p.services | b);
    }
    p.fte = at(o, ptr, "fte", VT::number_float, "mediator FTE").get<double>();
    if (p.fte < 0 || p.fte > 100)
      throw InputError(file, ptr + "/fte", "FTE in [0, 100]", o["fte"].dump());
    p.hours_per_week = o.value("hours_per_week", 0.0);
    PlaceInfo info;
    info.lat = at(o, ptr, "lat", VT::number_float, "a latitude").get<double>();
    info.lon = at(o, ptr, "lon", VT::number_float, "a longitude").get<double>();
    if (!in_france(info.lat, info.lon))
      throw InputError(file, ptr + "/lat", kFranceText,
                       std::to_string(info.lat) + ", " + std::to_string(info.lon));
    info.x_km = (info.lon - lon0) * kx;
    info.y_km = (info.lat - lat0) * ky;
    info.at_centroid = o.value("at_centroid", false);
    info.typologie = o.value("typologie", "");
    info.date_maj = o.value("date_maj", "");
    info.source = o.value("source", "");
    info.typed_by = o.value("typed_by", "");
    t.points.push_back(std::move(p));
    t.place_info.push_back(std::move(info));
  }
  if (j.contains("rejected") && j["rejected"].is_array()) {
    std::set<std::pair<std::string, long long>> rows;
    for (const auto& r : j["rejected"])
      if (r.is_object()) rows.insert({r.value("file", ""), r.value("line", 0LL)});
    t.rejected_rows = static_cast<int>(rows.size());
  }
  t.outside_places = j.value("places_outside", 0);
  return t;
}
}  // namespace

Territory territory_from_json_text(const std::string& text, const std::string& file) {
  return territory_from_json(open_data::parse_json(text, file), file);
}

Territory load_territory_json(const std::filesystem::path& path) {
  return territory_from_json_text(read_file_text(path, "territory JSON"), path.string());
}

}  // namespace govsim::inclusion
