// What a territory build says (`govsim territory build`, models/inclusion/territory_builder.hpp):
// the rejected records as CSV and the printed summary (communes, places by type and by the field
// that decided it, services, travel times, rejections). Split out of territory_builder.cpp.
#include <algorithm>
#include <array>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "models/inclusion/open_data_text.hpp"
#include "models/inclusion/place_typing.hpp"
#include "models/inclusion/territory_builder.hpp"
#include "models/inclusion/travel.hpp"

namespace govsim::inclusion {

using open_data::split;

std::string rejections_csv(const std::vector<Rejection>& rejected) {
  auto q = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
    return o + "\"";
  };
  std::string out = "file,line,record,field,value,reason\n";
  for (const auto& r : rejected)
    out += q(r.file) + "," + std::to_string(r.line) + "," + q(r.record) + "," + q(r.field) + "," +
           q(r.value) + "," + q(r.reason) + "\n";
  return out;
}

std::string build_summary(const BuildResult& r) {
  const Territory& t = r.territory;
  std::ostringstream o;
  o << std::fixed;
  double pop = 0;
  std::array<int, kDensityClasses> dens{};
  std::array<double, kDensityClasses> dens_adults{};
  for (const auto& z : t.zones) {
    pop += z.total_adults();
    ++dens[static_cast<std::size_t>(z.density)];
    dens_adults[static_cast<std::size_t>(z.density)] += z.total_adults();
  }
  o << "Territory '" << t.name << "': " << t.zones.size() << " communes in " << t.epci_names.size()
    << " EPCI, " << std::setprecision(0) << pop << " adults (15+)\n";
  o << "  density:";
  for (int d = 0; d < kDensityClasses; ++d)
    o << " " << kDensityNames[static_cast<std::size_t>(d)] << " "
      << dens[static_cast<std::size_t>(d)] << " communes ("
      << dens_adults[static_cast<std::size_t>(d)] << " adults)"
      << (d + 1 < kDensityClasses ? ";" : "\n");
  o << "Places: " << t.points.size() << " kept";
  if (!t.places_date_min.empty())
    o << ", updated " << t.places_date_min << " to " << t.places_date_max;
  if (r.report.placeholder_dates)
    o << " (" << r.report.placeholder_dates << " with a placeholder date before 2000, not counted)";
  o << "\n  by model type:";
  std::array<int, kPointTypes> types{};
  std::array<int, kServiceCount> serv{};
  std::map<std::string, int> first_codes;
  int centroid = 0;
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    const PointSpec& p = t.points[i];
    ++types[static_cast<std::size_t>(p.type)];
    for (int k = 0; k < kServiceCount; ++k)
      serv[static_cast<std::size_t>(k)] += (p.services >> k) & 1;
    const std::string typ = i < t.place_info.size() ? t.place_info[i].typologie : type_code(p.type);
    ++first_codes[typ.empty() ? "(none)" : split(typ, '|').front()];
    if (i < t.place_info.size()) centroid += t.place_info[i].at_centroid;
  }
  for (int k = 0; k < kPointTypes; ++k)
    if (types[static_cast<std::size_t>(k)])
      o << " " << type_code(static_cast<PointType>(k)) << " " << types[static_cast<std::size_t>(k)];
  o << "\n  by type and the field that decided it (docs/territories.md):";
  for (const auto& [what, k] : r.report.typed_by)
    o << "\n    " << std::setw(4) << k << "  " << what;
  for (const auto& [what, k] : r.report.merged)
    o << "\n    " << std::setw(4) << k << "  merged: " << what;
  o << "\n  by first typologie code:";
  for (const auto& [c, n] : first_codes) o << " " << c << " " << n;
  o << "\n  services offered (places):\n";
  for (int k = 0; k < kServiceCount; ++k)
    o << "    " << std::setw(4) << serv[static_cast<std::size_t>(k)] << "  "
      << kServiceLabels[static_cast<std::size_t>(k)] << "\n";
  if (!t.points.empty()) {
    o << "Access (adults whose commune centroid is within N minutes of a place, detour factor "
      << std::setprecision(1) << road_detour_factor() << "):\n";
    // Minutes grow with distance for a given origin, so the nearest place (road km) is the
    // quickest by every mode: one pass over communes x places.
    std::vector<double> nearest_km(t.zones.size(), 1e300);
    for (std::size_t z = 0; z < t.zones.size(); ++z)
      for (std::size_t p = 0; p < t.points.size(); ++p)
        nearest_km[z] = std::min(nearest_km[z], km_to_point(t, static_cast<int>(z), p));
    for (int m = 0; m < kModes; ++m) {
      double within15 = 0, within30 = 0;
      for (std::size_t z = 0; z < t.zones.size(); ++z) {
        const double best = mode_minutes(nearest_km[z], static_cast<Mode>(m), t.zones[z].density);
        if (best <= 15) within15 += t.zones[z].total_adults();
        if (best <= 30) within30 += t.zones[z].total_adults();
      }
      o << "    " << std::setw(16) << std::left << kModeNames[static_cast<std::size_t>(m)]
        << std::right << std::setprecision(1) << " 15 min: " << 100 * within15 / pop
        << "%   30 min: " << 100 * within30 / pop << "%\n";
    }
  }
  if (!r.report.defaulted.empty()) {
    o << "Defaulted:\n";
    for (const auto& [what, n] : r.report.defaulted)
      o << "    " << std::setw(4) << n << "  " << what << "\n";
  }
  if (r.report.outside)
    o << "Left out: " << r.report.outside << " places in départements not in the communes file\n";
  std::set<std::pair<std::string, int>> rows;
  for (const auto& x : r.report.rejected) rows.insert({x.file, x.line});
  if (centroid)
    o << "Placed at their commune's centroid (no coordinates): " << centroid << " places\n";
  o << "Rejected: " << std::max<std::size_t>(rows.size(), static_cast<std::size_t>(t.rejected_rows))
    << " rows";
  if (!r.report.rejected.empty()) {
    o << ":\n";
    for (const auto& x : r.report.rejected) o << "    " << x.text() << "\n";
  } else {
    o << "\n";
  }
  if (!t.note.empty()) o << "Note: " << t.note << "\n";
  return o.str();
}

}  // namespace govsim::inclusion
