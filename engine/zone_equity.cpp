// Equity over zones (engine/zone_equity.hpp).
#include "engine/zone_equity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

namespace govsim {

namespace {

std::string number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

// Class labels of breaks b0 < b1 < ...: "<=b0", "b0-b1", ..., ">bk".
std::vector<std::string> class_labels(const std::vector<double>& breaks) {
  std::vector<std::string> out;
  if (breaks.empty()) return out;
  out.push_back("<=" + number(breaks.front()));
  for (std::size_t k = 1; k < breaks.size(); ++k)
    out.push_back(number(breaks[k - 1]) + "-" + number(breaks[k]));
  out.push_back(">" + number(breaks.back()));
  return out;
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& x) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), x) - v.begin());
}

}  // namespace

std::vector<ZoneEquityRow> zone_equity(const ResultsStore& store,
                                       const std::vector<std::string>& scenarios) {
  std::vector<ZoneEquityRow> out;
  const auto layout = store.layout();
  if (!layout || layout->zone_ratios.empty() || layout->zone_fields.empty()) return out;
  const RunLayout& l = *layout;
  const std::size_t nf = l.zone_fields.size(), nz = l.zones.size();
  const auto& ratio = l.zone_ratios.front();
  const std::size_t num = index_of(l.zone_fields, ratio[1]),
                    den = index_of(l.zone_fields, ratio[2]);
  if (num >= nf || den >= nf) return out;
  // Group and class of each zone.
  const std::size_t ga = index_of(l.zone_attributes, l.zone_group);
  const std::size_t ca = index_of(l.zone_attributes, l.zone_class_attribute);
  const bool grouped = !l.zone_group.empty() && ga < l.zone_attributes.size();
  const bool classed = !l.zone_class_attribute.empty() && ca < l.zone_attributes.size() &&
                       !l.zone_class_breaks.empty();
  if (!grouped && !classed) return out;
  std::vector<std::string> group_names;
  std::vector<std::size_t> group(nz, 0), cls(nz, 0);
  std::map<std::string, std::size_t> gi;
  const std::size_t nb = l.zone_class_breaks.size();
  std::vector<double> class_zones(nb + 1, 0);
  for (std::size_t z = 0; z < nz; ++z) {
    if (grouped) {
      const auto [it, added] = gi.emplace(l.zones[z][ga], group_names.size());
      if (added) group_names.push_back(l.zones[z][ga]);
      group[z] = it->second;
    }
    if (classed) {
      const std::string& v = l.zones[z][ca];
      const double x = v.empty() ? INFINITY : std::strtod(v.c_str(), nullptr);
      std::size_t k = 0;
      while (k < nb && x > l.zone_class_breaks[k]) ++k;
      cls[z] = k;
      class_zones[k] += 1;
    }
  }
  const std::size_t ng = group_names.size();
  // Per scenario, per run: the group and class sums.
  struct Sums {
    std::vector<double> gnum, gden, cnum, cden, cpeople;
  };
  std::vector<std::map<int, Sums>> runs(scenarios.size());
  store.for_each_run([&](const RunRecord& r) {
    if (r.zones.size() != nz * nf) return;
    Sums s{std::vector<double>(ng), std::vector<double>(ng), std::vector<double>(nb + 1),
           std::vector<double>(nb + 1), std::vector<double>(nb + 1)};
    for (std::size_t z = 0; z < nz; ++z) {
      const double* v = &r.zones[z * nf];
      if (!std::isfinite(v[num]) || !std::isfinite(v[den])) return;  // another territory
      if (grouped) s.gnum[group[z]] += v[num], s.gden[group[z]] += v[den];
      if (classed) s.cnum[cls[z]] += v[num], s.cden[cls[z]] += v[den], s.cpeople[cls[z]] += v[0];
    }
    runs[static_cast<std::size_t>(r.scenario)][r.replicate] = std::move(s);
  });
  const auto labels = class_labels(l.zone_class_breaks);
  for (std::size_t sc = 0; sc < scenarios.size(); ++sc) {
    if (runs[sc].empty()) continue;
    if (grouped && ng >= 2) {
      std::vector<double> gaps, pooled_num(ng), pooled_den(ng);
      for (const auto& [rep, s] : runs[sc]) {
        double lo = INFINITY, hi = -INFINITY;
        int counted = 0;
        for (std::size_t g = 0; g < ng; ++g) {
          pooled_num[g] += s.gnum[g];
          pooled_den[g] += s.gden[g];
          if (s.gden[g] <= 0) continue;
          const double rate = s.gnum[g] / s.gden[g];
          lo = std::min(lo, rate), hi = std::max(hi, rate), ++counted;
        }
        if (counted >= 2) gaps.push_back(hi - lo);
      }
      if (!gaps.empty()) {
        ZoneEquityRow row{
            scenarios[sc],         ratio[0] + "@" + l.zone_group + ":gap", "", "", 0, 0,
            stats::summarize(gaps)};
        double worst = -INFINITY, best = INFINITY;
        for (std::size_t g = 0; g < ng; ++g) {
          if (pooled_den[g] <= 0) continue;
          const double rate = pooled_num[g] / pooled_den[g];
          if (rate > worst) worst = rate, row.worst = group_names[g];
          if (rate < best) best = rate, row.best = group_names[g];
        }
        out.push_back(std::move(row));
      }
    }
    if (classed)
      for (std::size_t k = 0; k <= nb; ++k) {
        std::vector<double> rates;
        double people = 0;
        for (const auto& [rep, s] : runs[sc]) {
          people += s.cpeople[k] / static_cast<double>(runs[sc].size());
          if (s.cden[k] > 0 && s.cpeople[k] > 0) rates.push_back(s.cnum[k] / s.cden[k]);
        }
        out.push_back({scenarios[sc], ratio[0] + "@" + l.zone_class_label + ":" + labels[k], "", "",
                       class_zones[k], people, stats::summarize(rates)});
      }
  }
  return out;
}

}  // namespace govsim
