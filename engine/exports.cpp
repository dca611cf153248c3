#include "engine/exports.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace govsim {

namespace fs = std::filesystem;

namespace {
std::string num(double v) {
  if (std::isnan(v)) return "";
  std::ostringstream os;
  os << std::setprecision(17) << v;
  return os.str();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Writes through a temporary file renamed into place: a reader never sees half a file.
void write_atomic(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path);
}

const MetricInfo* find_metric(const std::vector<MetricInfo>& info, const std::string& name) {
  for (const auto& m : info)
    if (m.name == name) return &m;
  return nullptr;
}

bool metric_hib(const std::vector<MetricInfo>& info, const std::string& name) {
  const MetricInfo* m = find_metric(info, name);
  return m ? m->higher_is_better : true;
}

// values[s][m]: replicate -> value
using Values = std::vector<std::vector<std::map<int, double>>>;

stats::Paired pair(const Values& values, std::size_t a, std::size_t b, std::size_t m, bool hib,
                   stats::Domain domain = stats::Domain::Real) {
  std::vector<double> x, y;
  for (const auto& [rep, v] : values[a][m]) {
    auto it = values[b][m].find(rep);
    if (it == values[b][m].end() || std::isnan(v) || std::isnan(it->second)) continue;  // absent
    x.push_back(v);
    y.push_back(it->second);
  }
  if (x.empty()) return {};
  return stats::paired_difference(x, y, hib, 0.95, domain);
}

// Competition ranking with ties (see RankRow).
void rank_metric(const Values& values, const std::vector<std::string>& scenarios, std::size_t m,
                 const std::string& metric, bool hib, const std::vector<char>& ranked,
                 std::vector<RankRow>& out) {
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    if (!ranked[s]) continue;
    double sum = 0, n = 0;
    for (const auto& [rep, v] : values[s][m])
      if (!std::isnan(v)) sum += v, n += 1;
    if (n == 0) continue;  // absent in every run: unranked
    order.emplace_back(sum / n, s);
  }
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    return hib ? a.first > b.first : a.first < b.first;
  });
  std::vector<RankRow> rows;
  std::size_t leader = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    bool same = false;
    if (k > 0) {
      const stats::Paired p = pair(values, order[k].second, order[leader].second, m, hib);
      same = p.n < 2 || !(p.ci_low > 0 || p.ci_high < 0);
    }
    if (!same) leader = k;
    rows.push_back({scenarios[order[k].second], metric, static_cast<int>(leader) + 1, false});
    if (same) rows[leader].tied = rows.back().tied = true;
  }
  out.insert(out.end(), rows.begin(), rows.end());
}
}  // namespace

double minimal_important_difference(const MetricInfo& m, double baseline_mean,
                                    const nlohmann::json& config) {
  if (config.is_object() && config.contains("minimal_important_difference")) {
    const auto& mid = config["minimal_important_difference"];
    if (mid.is_object() && mid.contains(m.name) && mid[m.name].is_number())
      return mid[m.name].get<double>();
  }
  if (m.unit == "share") return 0.001;
  if (m.unit == "weeks") return 0.5;
  return std::isfinite(baseline_mean) ? 0.01 * std::fabs(baseline_mean) : 0.0;
}

std::string ExperimentStats::rank_label(const std::string& scenario,
                                        const std::string& metric) const {
  for (const auto& r : ranks)
    if (r.scenario == scenario && r.metric == metric)
      return std::to_string(r.rank) + (r.tied ? "=" : "");
  return "";
}

ExperimentStats compute_stats(const ResultsStore& store, const std::vector<MetricInfo>& info) {
  ExperimentStats st;
  const auto layout = store.layout();
  if (!layout) return st;
  st.metrics = layout->metric_names;
  const nlohmann::json cfg = store.config().value_or(nlohmann::json::object());
  st.budget = cfg.value("budget", std::string("as_configured"));
  std::vector<std::string> arm_of, compared_with;
  std::vector<char> own_baseline;
  for (const auto& [name, j] : store.scenarios()) {
    st.scenarios.push_back(name);
    st.scenario_budget.push_back(j.value("budget", st.budget));
    arm_of.push_back(j.value("arm_of", name));
    compared_with.push_back(j.value("compared_with", std::string()));
    own_baseline.push_back(j.contains("territory_baseline"));
  }
  st.baseline = 0;
  // A sweep names no baseline (its design points are not compared with point 0).
  st.has_baseline = !(cfg.contains("baseline") && cfg["baseline"].is_null());
  if (cfg.contains("baseline") && cfg["baseline"].is_string())
    for (std::size_t s = 0; s < st.scenarios.size(); ++s)
      if (st.scenarios[s] == cfg["baseline"].get<std::string>()) st.baseline = static_cast<int>(s);
  const std::size_t ns = st.scenarios.size(), nm = st.metrics.size();
  Values values(ns, std::vector<std::map<int, double>>(nm));
  store.for_each_run([&](const RunRecord& r) {
    for (std::size_t m = 0; m < nm; ++m)
      values[static_cast<std::size_t>(r.scenario)][m][r.replicate] = r.metrics[m];
  });
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t m = 0; m < nm; ++m) {
      std::vector<double> x;
      // A metric may be absent (NaN) in a run, e.g. a rural-urban gap on a territory without rural
      // adults: statistics are over the runs where it exists; none gives no row.
      for (const auto& [rep, v] : values[s][m])
        if (!std::isnan(v)) x.push_back(v);
      if (x.empty()) continue;
      const MetricInfo* mi = find_metric(info, st.metrics[m]);
      st.summary.push_back({st.scenarios[s], st.metrics[m],
                            stats::summarize(x, 0.95, mi ? mi->domain : stats::Domain::Real)});
    }
  // Ranked: the scenarios compared in the experiment's budget mode (at equal budget, the
  // "@as_configured" runs are for cost-effectiveness only).
  std::vector<char> ranked(ns);
  for (std::size_t s = 0; s < ns; ++s)
    ranked[s] = st.scenario_budget[s] == st.budget && compared_with[s].empty() && !own_baseline[s];
  for (std::size_t m = 0; m < nm; ++m)
    rank_metric(values, st.scenarios, m, st.metrics[m], metric_hib(info, st.metrics[m]), ranked,
                st.ranks);
  if (!st.has_baseline) return st;
  // Each scenario against its baseline: the experiment's, or the one run on its own territory.
  std::vector<std::size_t> base_of(ns, static_cast<std::size_t>(st.baseline));
  for (std::size_t s = 0; s < ns; ++s) {
    if (!compared_with[s].empty())
      for (std::size_t k = 0; k < ns; ++k)
        if (st.scenarios[k] == compared_with[s]) base_of[s] = k;
    if (own_baseline[s]) base_of[s] = s;  // a territory's baseline is compared with no one
  }
  for (std::size_t s = 0; s < ns; ++s) {
    const std::size_t b = base_of[s];
    if (s == b) continue;
    for (std::size_t m = 0; m < nm; ++m) {
      const bool hib = metric_hib(info, st.metrics[m]);
      const MetricInfo* mi = find_metric(info, st.metrics[m]);
      const stats::Paired p = pair(values, s, b, m, hib, mi ? mi->domain : stats::Domain::Real);
      if (p.n == 0) continue;
      MetricInfo fallback;
      fallback.name = st.metrics[m];
      fallback.higher_is_better = hib;
      const double mid = minimal_important_difference(mi ? *mi : fallback, p.baseline_mean, cfg);
      st.paired.push_back(
          {st.scenarios[s], st.scenarios[b], st.metrics[m], p, mid, stats::classify(p, mid, hib)});
    }
  }
  // Cost-effectiveness of the scenarios that spend what they cost (as configured).
  std::size_t cost_m = nm;
  for (std::size_t m = 0; m < nm; ++m)
    if (st.metrics[m] == "total_cost_eur") cost_m = m;
  if (cost_m == nm) return st;
  for (std::size_t s = 0; s < ns; ++s) {
    const std::size_t b = base_of[s];
    if (s == b || st.scenario_budget[s] != "as_configured") continue;
    for (std::size_t m = 0; m < nm; ++m) {
      const MetricInfo* mi = find_metric(info, st.metrics[m]);
      if (!mi || !mi->headline || mi->unit == "EUR") continue;
      std::vector<double> gain, cost, xs, xb, cs, cb;
      for (const auto& [rep, v] : values[s][m]) {
        const auto vb = values[b][m].find(rep);
        const auto c = values[s][cost_m].find(rep);
        const auto cbit = values[b][cost_m].find(rep);
        if (vb == values[b][m].end() || c == values[s][cost_m].end() ||
            cbit == values[b][cost_m].end() || std::isnan(v) || std::isnan(vb->second))
          continue;
        xs.push_back(v), xb.push_back(vb->second), cs.push_back(c->second),
            cb.push_back(cbit->second);
        gain.push_back((mi->higher_is_better ? 1.0 : -1.0) * (v - vb->second));
        cost.push_back((c->second - cbit->second) / 1e6);
      }
      if (gain.empty()) continue;
      CostEffectRow row{arm_of[s],
                        st.scenarios[s],
                        st.metrics[m],
                        stats::paired_difference(cs, cb, false),
                        stats::paired_difference(xs, xb, mi->higher_is_better),
                        stats::ratio_of_paired_means(gain, cost)};
      st.cost_effect.push_back(std::move(row));
    }
  }
  return st;
}

namespace {
// communes.csv: one row per (scenario, zone): the zone's attributes, the mean of each per-zone
// value over the scenario's replicates, and each ratio of the layout over the replicates pooled
// (mean numerator / mean denominator; empty when the denominator is 0). Runs are streamed: memory
// is scenarios x zones x fields, whatever the number of runs.
void write_communes_csv(const ResultsStore& store, const RunLayout& layout,
                        const ExperimentStats& st, const fs::path& out_dir) {
  const std::size_t nz = layout.zones.size(), nf = layout.zone_fields.size();
  std::vector<std::vector<double>> sums(st.scenarios.size(), std::vector<double>(nz * nf, 0.0));
  std::vector<int> runs(st.scenarios.size(), 0);
  store.for_each_run([&](const RunRecord& r) {
    if (r.zones.size() != nz * nf) return;
    auto& s = sums[static_cast<std::size_t>(r.scenario)];
    for (std::size_t k = 0; k < s.size(); ++k) s[k] += r.zones[k];
    ++runs[static_cast<std::size_t>(r.scenario)];
  });
  auto field = [&](const std::string& name) {
    const auto it = std::find(layout.zone_fields.begin(), layout.zone_fields.end(), name);
    return it == layout.zone_fields.end()
               ? nf
               : static_cast<std::size_t>(it - layout.zone_fields.begin());
  };
  std::ostringstream os;
  os << "scenario";
  for (const auto& a : layout.zone_attributes) os << ',' << csv_field(a);
  os << ",replicates";
  for (const auto& f : layout.zone_fields) os << ',' << csv_field(f);
  for (const auto& r : layout.zone_ratios) os << ',' << csv_field(r[0]);
  os << '\n';
  for (std::size_t s = 0; s < st.scenarios.size(); ++s) {
    if (runs[s] == 0) continue;
    const double n = runs[s];
    for (std::size_t z = 0; z < nz; ++z) {
      os << csv_field(st.scenarios[s]);
      for (const auto& a : layout.zones[z]) os << ',' << csv_field(a);
      os << ',' << runs[s];
      for (std::size_t f = 0; f < nf; ++f) os << ',' << num(sums[s][z * nf + f] / n);
      for (const auto& r : layout.zone_ratios) {
        const std::size_t a = field(r[1]), b = field(r[2]);
        const double den = b < nf ? sums[s][z * nf + b] : 0.0;
        os << ',';
        if (a < nf && den > 0) os << num(sums[s][z * nf + a] / den);
      }
      os << '\n';
    }
  }
  write_atomic(out_dir / "communes.csv", os.str());
}
}  // namespace

void write_exports(const ResultsStore& store, const std::vector<MetricInfo>& info,
                   const std::vector<std::string>& outputs, const fs::path& out_dir) {
  auto want = [&](const char* k) {
    return std::find(outputs.begin(), outputs.end(), k) != outputs.end();
  };
  const ExperimentStats st = compute_stats(store, info);
  if (want("summary")) {
    std::ostringstream os;
    os << "scenario,metric,mean,sd,ci_low,ci_high,n,q05,q50,q95,rank,rank_tied,budget\n";
    std::map<std::string, std::string> budget;
    for (std::size_t k = 0; k < st.scenarios.size(); ++k)
      budget[st.scenarios[k]] = st.scenario_budget[k];
    std::map<std::pair<std::string, std::string>, const RankRow*> rank;
    for (const auto& r : st.ranks) rank[{r.scenario, r.metric}] = &r;
    for (const auto& r : st.summary) {
      const RankRow* k =
          rank.count({r.scenario, r.metric}) ? rank[{r.scenario, r.metric}] : nullptr;
      os << csv_field(r.scenario) << ',' << r.metric << ',' << num(r.s.mean) << ',' << num(r.s.sd)
         << ',' << num(r.s.ci_low) << ',' << num(r.s.ci_high) << ',' << r.s.n << ',' << num(r.s.q05)
         << ',' << num(r.s.q50) << ',' << num(r.s.q95) << ',' << (k ? std::to_string(k->rank) : "")
         << ',' << (k ? (k->tied ? "true" : "false") : "") << ',' << budget[r.scenario] << '\n';
    }
    write_atomic(out_dir / "summary.csv", os.str());
  }
  if (want("paired") && st.has_baseline) {
    // Outcome gained per million euros of extra spending (scenarios run as configured).
    std::ostringstream os;
    os << "scenario,run_as,metric,extra_cost_eur,extra_cost_ci_low,extra_cost_ci_high,gain,"
          "gain_ci_low,gain_ci_high,gain_per_million_eur,ci_low,ci_high,n\n";
    for (const auto& r : st.cost_effect) {
      const double sign = metric_hib(info, r.metric) ? 1.0 : -1.0;  // gain: positive = better
      const double lo = sign > 0 ? r.gain.ci_low : -r.gain.ci_high;
      const double hi = sign > 0 ? r.gain.ci_high : -r.gain.ci_low;
      os << csv_field(r.scenario) << ',' << csv_field(r.run_as) << ',' << r.metric << ','
         << num(r.cost.mean_diff) << ',' << num(r.cost.ci_low) << ',' << num(r.cost.ci_high) << ','
         << num(sign * r.gain.mean_diff) << ',' << num(lo) << ',' << num(hi) << ','
         << num(r.per_million.ratio) << ',' << num(r.per_million.ci_low) << ','
         << num(r.per_million.ci_high) << ',' << r.per_million.n << '\n';
    }
    write_atomic(out_dir / "cost_effectiveness.csv", os.str());
  }
  if (want("paired")) {
    std::ostringstream os;
    os << "scenario,baseline,metric,mean_diff,sd_diff,ci_low,ci_high,rel_diff,rel_ci_low,rel_ci_"
          "high,share_better,n,"
          "mid,verdict\n";
    for (const auto& r : st.paired)
      os << csv_field(r.scenario) << ',' << csv_field(r.baseline) << ',' << r.metric << ','
         << num(r.p.mean_diff) << ',' << num(r.p.sd_diff) << ',' << num(r.p.ci_low) << ','
         << num(r.p.ci_high) << ',' << num(r.p.rel_diff) << ',' << num(r.p.rel_ci_low) << ','
         << num(r.p.rel_ci_high) << ',' << num(r.p.share_better) << ',' << r.p.n << ','
         << num(r.mid) << ',' << stats::verdict_name(r.verdict) << '\n';
    write_atomic(out_dir / "paired.csv", os.str());
  }
  const auto layout = store.layout();
  if (want("runs") && layout) {
    std::ostringstream os;
    os << "scenario,replicate,wall_seconds";
    for (const auto& m : layout->metric_names) os << ',' << csv_field(m);
    os << '\n';
    store.for_each_run([&](const RunRecord& r) {
      os << csv_field(st.scenarios[static_cast<std::size_t>(r.scenario)]) << ',' << r.replicate
         << ',' << num(r.wall_seconds);
      for (double v : r.metrics) os << ',' << num(v);
      os << '\n';
    });
    write_atomic(out_dir / "runs.csv", os.str());
  }
  if (want("timeseries") && layout) {
    const fs::path tmp = out_dir / "timeseries.csv.tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << "scenario,replicate,week,series,value\n";
      store.for_each_run([&](const RunRecord& r) {
        const std::string& sc = st.scenarios[static_cast<std::size_t>(r.scenario)];
        for (std::size_t s = 0; s < layout->series_names.size(); ++s)
          for (int w = 0; w < layout->weeks; ++w)
            out << csv_field(sc) << ',' << r.replicate << ',' << w << ',' << layout->series_names[s]
                << ','
                << num(r.series[s * static_cast<std::size_t>(layout->weeks) +
                                static_cast<std::size_t>(w)])
                << '\n';
      });
    }
    fs::rename(tmp, out_dir / "timeseries.csv");
  }
  if (layout && layout->zone_values() > 0) write_communes_csv(store, *layout, st, out_dir);
  nlohmann::json m = store.manifest().value_or(nlohmann::json::object());
  m["config"] = store.config().value_or(nlohmann::json::object());
  write_atomic(out_dir / "manifest.json", m.dump(2) + "\n");
}

namespace {
std::string thousands(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(0) << std::fabs(v);
  std::string digits = o.str(), out;
  for (std::size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out += ',';
    out += digits[k];
  }
  return (v < 0 && digits != "0" ? "-" : "") + out;
}

// A value (or, with diff, a difference) in the metric's unit: shares in % (differences in
// points, "pt"), euros with their sign and thousands separators, other units named.
std::string in_unit(const MetricInfo& m, double v, bool diff) {
  if (!std::isfinite(v)) return "n/a";
  std::ostringstream o;
  const char* sign = diff && v > 0 ? "+" : "";
  if (m.unit == "share") {
    o << sign << std::fixed << std::setprecision(2) << 100 * v << (diff ? " pt" : "%");
  } else if (m.unit == "EUR") {
    o << sign << (v < 0 ? "-" : "") << "€" << thousands(std::fabs(v));
  } else {
    o << sign << std::fixed << std::setprecision(2) << v << ' ' << m.unit;
  }
  return o.str();
}
}  // namespace

std::string comparison_table(const ExperimentStats& st, const std::vector<MetricInfo>& headline,
                             const std::string& rank_by) {
  std::map<std::pair<std::string, std::string>, stats::Summary> sum;
  for (const auto& r : st.summary) sum[{r.scenario, r.metric}] = r.s;
  std::map<std::pair<std::string, std::string>, const PairedRow*> par;
  for (const auto& r : st.paired) par[{r.scenario, r.metric}] = &r;
  bool hib = true;
  for (const auto& m : headline)
    if (m.name == rank_by) hib = m.higher_is_better;
  // Scenarios in rank order (ties keep the order of their means).
  std::vector<std::string> order;
  for (const auto& r : st.ranks)
    if (r.metric == rank_by) order.push_back(r.scenario);
  if (order.empty())
    for (std::size_t k = 0; k < st.scenarios.size(); ++k)
      if (st.scenario_budget.empty() || st.scenario_budget[k] == st.budget)
        order.push_back(st.scenarios[k]);
  std::ostringstream os;
  os << "Budget: " << st.budget
     << (st.budget == "equal_to_baseline"
             ? " (every scenario spends the baseline's total over the horizon, replicate by "
               "replicate;\nmechanism costs come out of the same envelope: mediator posts are "
               "added or scaled)"
             : " (each scenario spends what its parameters cost)")
     << ".\n";
  const bool compared = st.has_baseline && st.scenarios.size() > 1;
  const std::string base =
      st.scenarios.empty() ? "" : st.scenarios[static_cast<std::size_t>(st.baseline)];
  std::size_t n = 0;
  if (!st.summary.empty()) n = st.summary.front().s.n;
  os << "Ranked by " << rank_by << (hib ? " (higher is better)" : " (lower is better)")
     << "; mean [95% CI] over " << n << " runs";
  if (compared)
    os << ".\nΔ vs " << base
       << ": paired difference [95% CI] (differences of shares in points, pt) and its verdict "
          "against the minimal\n"
          "important difference (MID). Scenarios whose difference is not detectable share a rank "
          "(\"1=\").";
  else if (!st.has_baseline)
    os << ".\nDesign points of a sweep: no baseline, no differences; ties (\"1=\") are points "
          "whose paired\n"
          "difference is not detectable.";
  os << "\n\n";
  auto rows = [&](const std::string& sc, bool with_diff) {
    for (const auto& m : headline) {
      const auto& s = sum[{sc, m.name}];
      os << "      " << std::left << std::setw(28) << m.name << std::right << std::setw(16)
         << in_unit(m, s.mean, false) << " [" << in_unit(m, s.ci_low, false) << ", "
         << in_unit(m, s.ci_high, false) << "]";
      if (with_diff && par.count({sc, m.name})) {
        const PairedRow& p = *par[{sc, m.name}];
        os << "   Δ " << in_unit(m, p.p.mean_diff, true) << " [" << in_unit(m, p.p.ci_low, true)
           << ", " << in_unit(m, p.p.ci_high, true) << "] " << stats::verdict_label(p.verdict)
           << " (MID " << in_unit(m, p.mid, true).substr(p.mid > 0 ? 1 : 0) << ")";
      }
      os << "\n";
    }
  };
  for (const std::string& sc : order) {
    const std::string rank = st.rank_label(sc, rank_by);
    os << std::setw(3) << (rank.empty() ? "-" : rank) << ". " << sc
       << (compared && sc == base ? "  (baseline)" : "") << "\n";
    rows(sc, compared && sc != base);
  }
  // Scenarios compared on their own territory, each against the baseline run there.
  bool own_header = false;
  for (std::size_t k = 0; k < st.scenarios.size(); ++k) {
    const std::string& sc = st.scenarios[k];
    if (!st.scenario_budget.empty() && st.scenario_budget[k] != st.budget) continue;
    const auto it = par.find({sc, rank_by});
    if (it == par.end() || it->second->baseline == base) continue;
    if (!own_header) {
      os << "\nOn their own territory, each against the baseline run there (not ranked with the "
            "above):\n";
      own_header = true;
    }
    os << "  - " << sc << "  vs " << it->second->baseline << "\n";
    rows(it->second->baseline, false);
    os << "    " << sc << ":\n";
    rows(sc, true);
  }
  // Cost-effectiveness of each scenario as configured: outcome gained per million euros.
  std::map<std::string, const CostEffectRow*> ce;
  for (const auto& r : st.cost_effect)
    if (r.metric == rank_by) ce[r.scenario] = &r;
  const MetricInfo* rank_info = nullptr;
  for (const auto& m : headline)
    if (m.name == rank_by) rank_info = &m;
  if (!ce.empty() && rank_info) {
    const bool share = rank_info->unit == "share";
    os << "\nCost-effectiveness, each scenario as configured"
       << (st.budget == "equal_to_baseline" ? " (runs NAME@as_configured)" : "") << ": " << rank_by
       << " gained (" << (share ? "points" : rank_info->unit)
       << ", positive = better) per million euros of extra spending vs " << base
       << " (on their own territory: vs the baseline run there)"
       << ", mean [95% CI]; n/a when the extra cost is not detectable.\n";
    const double scale = share ? 100.0 : 1.0;
    MetricInfo euros;
    euros.unit = "EUR";
    for (const std::string& sc : st.scenarios) {
      if (!ce.count(sc)) continue;
      const CostEffectRow& r = *ce[sc];
      auto fmt = [](double v) {
        if (!std::isfinite(v)) return std::string("n/a");
        std::ostringstream o;
        o << std::fixed << std::setprecision(3) << v;
        return o.str();
      };
      os << "      " << std::left << std::setw(34) << sc << std::right << " extra "
         << in_unit(euros, r.cost.mean_diff, true) << "  gain/M€ "
         << fmt(scale * r.per_million.ratio) << " [" << fmt(scale * r.per_million.ci_low) << ", "
         << fmt(scale * r.per_million.ci_high) << "]\n";
    }
  }
  return os.str();
}

}  // namespace govsim
