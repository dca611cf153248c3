// The territory builder behind `govsim territory build` (models/inclusion/territory_builder.hpp).
#include "models/inclusion/territory_builder.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <set>
#include <sstream>
#include <unordered_map>

#include "engine/errors.hpp"
#include "models/inclusion/mednum_standard.hpp"
#include "models/inclusion/open_data_text.hpp"
#include "models/inclusion/place_typing.hpp"
#include "models/inclusion/travel.hpp"

namespace govsim::inclusion {

using open_data::check_utf8;
using open_data::read_file_text;
using open_data::split;

namespace {

// The France Services charter's minimum opening: 24 hours a week over five days.
constexpr double kFranceServicesMinHours = 24.0;

// Equivalent area of each commune when the file has none: c × (mean distance to the 3 nearest
// centroids)², c fitted on the two vendored départements (docs/territories.md).
constexpr double kAreaPerSquaredSpacing = 1.12;

std::vector<double> estimate_areas(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> out(n, 20.0);
  if (n < 4) return out;
  const double xmin = *std::min_element(x.begin(), x.end()),
               xmax = *std::max_element(x.begin(), x.end());
  const double ymin = *std::min_element(y.begin(), y.end()),
               ymax = *std::max_element(y.begin(), y.end());
  const double w = std::max(xmax - xmin, 1.0), h = std::max(ymax - ymin, 1.0);
  const double cell = std::max(1.0, std::sqrt(w * h / static_cast<double>(n)) * 2);
  const int nx = static_cast<int>(w / cell) + 1, ny = static_cast<int>(h / cell) + 1;
  std::vector<std::vector<int>> grid(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  auto gx = [&](double v) { return std::clamp(static_cast<int>((v - xmin) / cell), 0, nx - 1); };
  auto gy = [&](double v) { return std::clamp(static_cast<int>((v - ymin) / cell), 0, ny - 1); };
  for (std::size_t i = 0; i < n; ++i)
    grid[static_cast<std::size_t>(gy(y[i]) * nx + gx(x[i]))].push_back(static_cast<int>(i));
  for (std::size_t i = 0; i < n; ++i) {
    std::array<double, 3> best = {1e300, 1e300, 1e300};
    for (int ring = 1;; ++ring) {
      const int cx = gx(x[i]), cy = gy(y[i]);
      for (int yy = std::max(0, cy - ring); yy <= std::min(ny - 1, cy + ring); ++yy)
        for (int xx = std::max(0, cx - ring); xx <= std::min(nx - 1, cx + ring); ++xx)
          for (int j : grid[static_cast<std::size_t>(yy * nx + xx)]) {
            if (static_cast<std::size_t>(j) == i) continue;
            const double d = std::hypot(x[i] - x[static_cast<std::size_t>(j)],
                                        y[i] - y[static_cast<std::size_t>(j)]);
            if (d < best[2]) {
              best[2] = d;
              std::sort(best.begin(), best.end());
            }
          }
      // Cells up to `ring` away cover every point within ring × cell.
      if (best[2] <= ring * cell || ring > std::max(nx, ny)) break;
    }
    const double mean = (best[0] + best[1] + best[2]) / 3;
    out[i] = std::max(0.5, kAreaPerSquaredSpacing * mean * mean);
  }
  return out;
}

Density density_of(int insee7) {
  if (insee7 == 1) return Density::Urban;
  if (insee7 >= 2 && insee7 <= 4) return Density::Periurban;
  return Density::Rural;
}

std::string department_of(const std::string& code) {
  if (code.size() >= 3 && code.compare(0, 2, "97") == 0) return code.substr(0, 3);
  return code.substr(0, 2);
}

std::string list_rejections(const std::vector<Rejection>& rejected, std::size_t max) {
  std::string s;
  std::set<std::pair<std::string, int>> rows;
  for (const auto& r : rejected) rows.insert({r.file, r.line});
  s += std::to_string(rows.size()) + " invalid row(s) (" + std::to_string(rejected.size()) +
       " problem(s)):";
  for (std::size_t i = 0; i < rejected.size() && i < max; ++i) s += "\n  " + rejected[i].text();
  if (rejected.size() > max) s += "\n  ... and " + std::to_string(rejected.size() - max) + " more";
  s += "\n  (nothing was written; fix the rows, or pass --skip-invalid to keep the valid rows and "
       "write the "
       "rejected ones with their reasons to a CSV)";
  return s;
}

// Records that are one site: France Services records in the same commune (the cartography lists
// a site once per source: national list, Aidants Connect, conseillers numériques) become one site
// with the union of their services, the national list's record kept; the stops of one itinerant
// service share its crew (mobile.fte split over the stops). docs/territories.md.
void merge_same_sites(Territory& t, const std::map<std::size_t, std::string>& service_of,
                      BuildReport& rep) {
  const std::size_t n = t.points.size();
  std::vector<bool> drop(n, false);
  std::map<int, std::size_t> fs_site;  // zone -> the kept France Services record
  for (std::size_t i = 0; i < n; ++i) {
    if (t.points[i].type != PointType::FranceServices) continue;
    const auto [it, first] = fs_site.emplace(t.points[i].zone, i);
    if (first) continue;
    std::size_t keep = it->second, other = i;
    if (t.place_info[i].source == "france-services" &&
        t.place_info[keep].source != "france-services")
      std::swap(keep, other);
    t.points[keep].services |= t.points[other].services;
    drop[other] = true;
    it->second = keep;
    ++rep.merged["France Services records of a commune that already has one (one site)"];
  }
  // An itinerant service's crew splits over its stops by their hours (equally if any stop's hours
  // are unknown).
  std::map<std::string, std::pair<int, double>> stops;  // service -> (stops, hours; <0 unknown)
  for (const auto& [i, service] : service_of) {
    auto& [k, hours] = stops[service];
    const double h = t.points[i].hours_per_week;
    hours = (k == 0 || hours >= 0) && h > 0 ? hours + h : -1;
    ++k;
  }
  for (const auto& [i, service] : service_of) {
    const auto [k, hours] = stops[service];
    if (k < 2) {
      const double h = t.points[i].hours_per_week;
      if (h > 0) t.points[i].fte *= std::min(1.0, h / 35.0);
      continue;
    }
    t.points[i].fte *= hours > 0 ? t.points[i].hours_per_week / hours : 1.0 / k;
    ++rep.merged["stops of an itinerant service sharing one crew (mobile.fte split by hours)"];
  }
  if (std::none_of(drop.begin(), drop.end(), [](bool d) { return d; })) return;
  std::vector<PointSpec> points;
  std::vector<PlaceInfo> info;
  for (std::size_t i = 0; i < n; ++i) {
    if (drop[i]) continue;
    points.push_back(std::move(t.points[i]));
    info.push_back(std::move(t.place_info[i]));
  }
  t.points = std::move(points);
  t.place_info = std::move(info);
}

}  // namespace

BuildResult build_territory(const BuildInput& in) {
  BuildResult res;
  BuildReport& rep = res.report;
  Territory& t = res.territory;
  check_utf8(in.communes_text, in.communes_file);
  std::vector<CommuneRecord> communes =
      read_communes(in.communes_text, in.communes_file, rep.rejected);
  std::vector<PlaceRecord> places;
  if (!in.places_text.empty())
    places = read_places(in.places_text, in.places_file, rep.rejected, rep.defaulted);
  if (communes.empty())
    throw InputError(in.communes_file, "", "at least one valid commune",
                     "none (" + list_rejections(rep.rejected, 10) + ")");
  t.name = in.name;
  t.description =
      in.description.empty() ? "Territory built from " + in.communes_file : in.description;
  t.source = in.source.empty()
                 ? in.communes_file + (in.places_file.empty() ? "" : " + " + in.places_file)
                 : in.source;
  t.note = in.note;
  t.geographic = true;
  double lat0 = 0, lon0 = 0;
  for (const auto& c : communes) {
    lat0 += c.lat / static_cast<double>(communes.size());
    lon0 += c.lon / static_cast<double>(communes.size());
  }
  const double kx = 111.32 * std::cos(lat0 * M_PI / 180), ky = 110.57;
  std::vector<double> xs, ys;
  for (const auto& c : communes) {
    xs.push_back((c.lon - lon0) * kx);
    ys.push_back((c.lat - lat0) * ky);
  }
  std::vector<double> est;
  if (std::any_of(communes.begin(), communes.end(), [](const auto& c) { return c.area_km2 <= 0; }))
    est = estimate_areas(xs, ys);
  std::unordered_map<std::string, int> epci_index, zone_index;
  std::set<std::string> departments;
  const auto all_rows = static_cast<long long>(communes.size() + places.size());
  long long rows_done = 0;
  const auto step = [&] {
    if (in.progress && (++rows_done % 256 == 0 || rows_done == all_rows))
      in.progress(rows_done, all_rows);
  };
  for (std::size_t i = 0; i < communes.size(); ++i) {
    step();
    const CommuneRecord& c = communes[i];
    Zone z;
    z.code = c.code;
    z.name = c.name;
    z.lat = c.lat;
    z.lon = c.lon;
    z.x_km = xs[i];
    z.y_km = ys[i];
    if (c.area_km2 > 0)
      z.area_km2 = c.area_km2;
    else {
      z.area_km2 = est[i];
      ++rep.defaulted["communes without area_km2 (area estimated from the spacing of centroids)"];
    }
    const auto [it, added] = epci_index.emplace(c.epci_code, static_cast<int>(t.epci_names.size()));
    if (added) t.epci_names.push_back(c.epci_name);
    z.epci = it->second;
    const double pop = c.population >= 0
                           ? c.population
                           : std::accumulate(c.adults.begin(), c.adults.end(), 0.0) / 0.82;
    z.density_insee = c.density_insee;
    if (c.density_insee > 0)
      z.density = density_of(c.density_insee);
    else {
      z.density = density_from(pop / z.area_km2);
      ++rep.defaulted["communes without density (class from inhabitants per km²)"];
    }
    if (c.has_age_bands)
      z.adults = c.adults;
    else {
      z.adults = adults_from_population(pop, z.density);
      ++rep.defaulted
            ["communes without age bands (adults from population, national shares by density)"];
    }
    if (c.broadband_share >= 0)
      z.broadband_share = c.broadband_share;
    else {
      z.broadband_share = default_broadband(z.density);
      ++rep.defaulted["communes without broadband_share (default by density)"];
    }
    zone_index[z.code] = static_cast<int>(t.zones.size());
    departments.insert(department_of(z.code));
    t.zones.push_back(std::move(z));
  }
  std::map<std::size_t, std::string> service_of;  // mobile stop -> its itinerant service
  for (const auto& p : places) {
    step();
    Rejection bad{in.places_file, p.line, p.id, "", "", ""};
    int zone = -1;
    if (!p.code_insee.empty()) {
      const auto it = zone_index.find(p.code_insee);
      if (it == zone_index.end()) {
        if (!departments.count(department_of(p.code_insee))) {
          ++rep.outside;  // another département: out of this territory
          continue;
        }
        bad.field = "code_insee";
        bad.value = p.code_insee;
        bad.reason = "a commune of the communes file (" + in.communes_file + ")";
        rep.rejected.push_back(bad);
        continue;
      }
      zone = it->second;
    }
    double x = 0, y = 0;
    if (p.has_coords) {
      x = (p.lon - lon0) * kx;
      y = (p.lat - lat0) * ky;
    }
    if (zone < 0) {
      if (!p.has_coords) {
        bad.field = "code_insee";
        bad.reason = "a code_insee or latitude/longitude to place it";
        rep.rejected.push_back(bad);
        continue;
      }
      double best = 1e300;
      for (std::size_t z = 0; z < t.zones.size(); ++z) {
        const double d = std::hypot(t.zones[z].x_km - x, t.zones[z].y_km - y);
        if (d < best) best = d, zone = static_cast<int>(z);
      }
      ++rep.defaulted["places without code_insee (commune = nearest centroid)"];
    }
    const Zone& z = t.zones[static_cast<std::size_t>(zone)];
    if (p.has_coords) {
      const double d = std::hypot(z.x_km - x, z.y_km - y);
      const double limit = 10.0 + 2.0 * std::sqrt(z.area_km2 / M_PI);
      if (d > limit) {
        std::ostringstream why;
        why << std::fixed << std::setprecision(1) << "coordinates within " << limit
            << " km of the centroid of " << z.code << " " << z.name
            << " (10 km + 2 commune radii); they are " << d << " km away";
        bad.field = "latitude";
        bad.value = std::to_string(p.lat) + ", " + std::to_string(p.lon);
        bad.reason = why.str();
        rep.rejected.push_back(bad);
        continue;
      }
    }
    PointSpec s;
    s.id = p.id;
    s.name = p.name;
    s.zone = zone;
    PlaceInfo info;
    info.typologie = p.typologie;
    info.date_maj = p.date_maj;
    if (p.has_coords) {
      info.lat = p.lat;
      info.lon = p.lon;
      info.x_km = x;
      info.y_km = y;
    } else {
      info.at_centroid = true;
      info.lat = z.lat;
      info.lon = z.lon;
      info.x_km = z.x_km;
      info.y_km = z.y_km;
      ++rep.defaulted["places without coordinates (placed at their commune's centroid)"];
    }
    const PlaceTyping typing = type_place(p);
    s.type = typing.type;
    info.source = p.source;
    info.typed_by = typing.field;
    if (typing.defaulted) ++rep.defaulted["places without typologie (typed EPN)"];
    ++rep.typed_by[std::string(type_code(s.type)) + " by " +
                   (typing.defaulted ? std::string("default") : typing.field)];
    if (p.has_services)
      s.services = p.services;
    else {
      s.services = default_services(s.type);
      ++rep.defaulted["places without services (the type's default services)"];
    }
    if (s.type == PointType::FranceServices && !(s.services & kAdminProcedures)) {
      // The label's charter: every France Services site helps with the procedures of its
      // national partners, whatever services the record lists.
      s.services |= kAdminProcedures;
      ++rep.defaulted
            ["France Services without procedure help in services (added: the label's charter)"];
    }
    s.fte = default_fte(s.type);
    if (p.horaires.empty()) {
      ++rep.defaulted["places without horaires (full mediation time of the type)"];
    } else {
      const double h = osm_weekly_hours(p.horaires);
      if (h < 0) {
        ++rep.defaulted["places with horaires not read (full mediation time of the type)"];
      } else {
        double hours = h;
        if (s.type == PointType::FranceServices && h < kFranceServicesMinHours) {
          // Fewer hours than the charter's minimum: a programme's permanence at the site (the
          // record came from another list), not the site's opening hours.
          hours = kFranceServicesMinHours;
          ++rep.defaulted
                ["France Services with fewer hours than the charter's 24 h (raised to 24 h)"];
        }
        s.hours_per_week = hours;
        // Mediation time scales with opening hours up to 35 h; the stops of an itinerant service
        // share its crew by their hours instead (merge_same_sites).
        if (s.type != PointType::Mobile) s.fte *= std::min(1.0, hours / 35.0);
      }
    }
    if (p.date_maj < "2000")
      ++rep.placeholder_dates;
    else {
      if (rep.places_date_min.empty() || p.date_maj < rep.places_date_min)
        rep.places_date_min = p.date_maj;
      if (rep.places_date_max.empty() || p.date_maj > rep.places_date_max)
        rep.places_date_max = p.date_maj;
    }
    if (s.type == PointType::Mobile) service_of.emplace(t.points.size(), itinerant_service(p));
    t.points.push_back(std::move(s));
    t.place_info.push_back(std::move(info));
  }
  merge_same_sites(t, service_of, rep);
  std::stable_sort(rep.rejected.begin(), rep.rejected.end(),
                   [](const Rejection& a, const Rejection& b) {
                     return a.file != b.file ? a.file < b.file : a.line < b.line;
                   });
  if (!rep.rejected.empty() && !in.skip_invalid)
    throw InputError(rep.rejected.front().file, "", "valid rows",
                     list_rejections(rep.rejected, 20));
  t.places_date_min = rep.places_date_min;
  t.places_date_max = rep.places_date_max;
  std::set<std::pair<std::string, int>> rows;
  for (const auto& r : rep.rejected) rows.insert({r.file, r.line});
  t.rejected_rows = static_cast<int>(rows.size());
  t.outside_places = rep.outside;
  return res;
}

BuildResult build_territory_files(const std::string& name, const std::filesystem::path& communes,
                                  const std::filesystem::path& places, bool skip_invalid,
                                  const std::function<void(long long, long long)>& progress) {
  BuildInput in;
  in.name = name;
  in.communes_file = communes.string();
  in.communes_text = read_file_text(communes, "communes CSV");
  if (!places.empty()) {
    in.places_file = places.string();
    in.places_text = read_file_text(places, "places file (CSV or JSON)");
    if (in.places_text.find_first_not_of(" \t\r\n") == std::string::npos)
      throw InputError(in.places_file, "line 1", "places (CSV with a header, or a JSON array)",
                       "an empty file");
  }
  in.skip_invalid = skip_invalid;
  in.progress = progress;
  return build_territory(in);
}

}  // namespace govsim::inclusion
