// Equity over zones (engine/zone_equity.hpp).
#include "engine/zone_equity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
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

}  // namespace

ZoneEquity::ZoneEquity(const RunLayout& l, std::size_t scenarios) : runs_(scenarios) {
  if (l.zone_ratios.empty() || l.zone_fields.empty()) return;
  nf_ = l.zone_fields.size();
  nz_ = l.zones.size();
  ratio_ = l.zone_ratios.front()[0];
  num_ = l.zone_field(l.zone_ratios.front()[1]);
  den_ = l.zone_field(l.zone_ratios.front()[2]);
  if (num_ >= nf_ || den_ >= nf_) return;
  // Group and class of each zone.
  const std::size_t na = l.zone_attributes.size();
  const std::size_t ga = l.zone_attribute(l.zone_group);
  const std::size_t ca = l.zone_attribute(l.zone_class_attribute);
  grouped_ = !l.zone_group.empty() && ga < na;
  classed_ = !l.zone_class_attribute.empty() && ca < na && !l.zone_class_breaks.empty();
  on_ = grouped_ || classed_;
  if (!on_) return;
  group_name_ = l.zone_group;
  class_label_ = l.zone_class_label;
  breaks_ = l.zone_class_breaks;
  const std::size_t nb = breaks_.size();
  class_zones_.assign(nb + 1, 0);
  zone_group_.assign(nz_, 0);
  zone_class_.assign(nz_, 0);
  std::map<std::string, std::size_t> gi;
  for (std::size_t z = 0; z < nz_; ++z) {
    if (grouped_) {
      const auto [it, added] = gi.emplace(l.zones[z][ga], group_names_.size());
      if (added) group_names_.push_back(l.zones[z][ga]);
      zone_group_[z] = it->second;
    }
    if (classed_) {
      const std::string& v = l.zones[z][ca];
      const double x = v.empty() ? INFINITY : std::strtod(v.c_str(), nullptr);
      std::size_t k = 0;
      while (k < nb && x > breaks_[k]) ++k;
      zone_class_[z] = k;
      class_zones_[k] += 1;
    }
  }
}

void ZoneEquity::add(const RunRecord& r) {
  if (!on_ || r.zones.size() != nz_ * nf_) return;
  const std::size_t ng = group_names_.size(), nc = breaks_.size() + 1;
  Sums s{std::vector<double>(ng), std::vector<double>(ng), std::vector<double>(nc),
         std::vector<double>(nc), std::vector<double>(nc)};
  for (std::size_t z = 0; z < nz_; ++z) {
    const double* v = &r.zones[z * nf_];
    if (!std::isfinite(v[num_]) || !std::isfinite(v[den_])) return;  // another territory
    if (grouped_) s.gnum[zone_group_[z]] += v[num_], s.gden[zone_group_[z]] += v[den_];
    if (classed_) {
      const std::size_t k = zone_class_[z];
      s.cnum[k] += v[num_], s.cden[k] += v[den_], s.cpeople[k] += v[0];
    }
  }
  runs_[static_cast<std::size_t>(r.scenario)][r.replicate] = std::move(s);
}

std::vector<ZoneEquityRow> ZoneEquity::rows(const std::vector<std::string>& scenarios) const {
  std::vector<ZoneEquityRow> out;
  if (!on_) return out;
  const std::size_t ng = group_names_.size(), nb = breaks_.size();
  const auto labels = class_labels(breaks_);
  for (std::size_t sc = 0; sc < scenarios.size() && sc < runs_.size(); ++sc) {
    const auto& runs = runs_[sc];
    if (runs.empty()) continue;
    if (grouped_ && ng >= 2) {
      std::vector<double> gaps, pooled_num(ng), pooled_den(ng);
      for (const auto& [rep, s] : runs) {
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
        ZoneEquityRow row{scenarios[sc],         ratio_ + "@" + group_name_ + ":gap", "", "", 0, 0,
                          stats::summarize(gaps)};
        double worst = -INFINITY, best = INFINITY;
        for (std::size_t g = 0; g < ng; ++g) {
          if (pooled_den[g] <= 0) continue;
          const double rate = pooled_num[g] / pooled_den[g];
          if (rate > worst) worst = rate, row.worst = group_names_[g];
          if (rate < best) best = rate, row.best = group_names_[g];
        }
        out.push_back(std::move(row));
      }
    }
    if (classed_)
      for (std::size_t k = 0; k <= nb; ++k) {
        std::vector<double> rates;
        double people = 0;
        for (const auto& [rep, s] : runs) {
          people += s.cpeople[k] / static_cast<double>(runs.size());
          if (s.cden[k] > 0 && s.cpeople[k] > 0) rates.push_back(s.cnum[k] / s.cden[k]);
        }
        out.push_back({scenarios[sc], ratio_ + "@" + class_label_ + ":" + labels[k], "", "",
                       class_zones_[k], people, stats::summarize(rates)});
      }
  }
  return out;
}

}  // namespace govsim
