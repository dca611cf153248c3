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

bool metric_hib(const std::vector<MetricInfo>& info, const std::string& name) {
  for (const auto& m : info)
    if (m.name == name) return m.higher_is_better;
  return true;
}
}  // namespace

ExperimentStats compute_stats(const ResultsStore& store, const std::vector<MetricInfo>& info) {
  ExperimentStats st;
  const auto layout = store.layout();
  if (!layout) return st;
  st.metrics = layout->metric_names;
  for (const auto& [name, j] : store.scenarios()) st.scenarios.push_back(name);
  const auto cfg = store.config();
  st.baseline = 0;
  if (cfg && cfg->contains("baseline"))
    for (std::size_t s = 0; s < st.scenarios.size(); ++s)
      if (st.scenarios[s] == (*cfg)["baseline"].get<std::string>()) st.baseline = static_cast<int>(s);
  // values[s][m] -> replicate -> value
  const std::size_t ns = st.scenarios.size(), nm = st.metrics.size();
  std::vector<std::vector<std::map<int, double>>> values(ns, std::vector<std::map<int, double>>(nm));
  store.for_each_run([&](const RunRecord& r) {
    for (std::size_t m = 0; m < nm; ++m) values[static_cast<std::size_t>(r.scenario)][m][r.replicate] = r.metrics[m];
  });
  for (std::size_t s = 0; s < ns; ++s)
    for (std::size_t m = 0; m < nm; ++m) {
      std::vector<double> x;
      // A metric may be absent (NaN) in a run, e.g. a rural-urban gap on a territory without rural
      // adults: statistics are over the runs where it exists; none gives no row.
      for (const auto& [rep, v] : values[s][m])
        if (!std::isnan(v)) x.push_back(v);
      if (x.empty()) continue;
      st.summary.push_back({st.scenarios[s], st.metrics[m], stats::summarize(x)});
    }
  const auto b = static_cast<std::size_t>(st.baseline);
  for (std::size_t s = 0; s < ns; ++s) {
    if (s == b) continue;
    for (std::size_t m = 0; m < nm; ++m) {
      std::vector<double> x, y;
      for (const auto& [rep, v] : values[s][m]) {
        auto it = values[b][m].find(rep);
        if (it == values[b][m].end() || std::isnan(v) || std::isnan(it->second)) continue;
        x.push_back(v);
        y.push_back(it->second);
      }
      if (x.empty()) continue;
      st.paired.push_back({st.scenarios[s], st.scenarios[b], st.metrics[m],
                           stats::paired_difference(x, y, metric_hib(info, st.metrics[m]))});
    }
  }
  return st;
}

void write_exports(const ResultsStore& store, const std::vector<MetricInfo>& info,
                   const std::vector<std::string>& outputs, const fs::path& out_dir) {
  auto want = [&](const char* k) { return std::find(outputs.begin(), outputs.end(), k) != outputs.end(); };
  const ExperimentStats st = compute_stats(store, info);
  if (want("summary")) {
    std::ostringstream os;
    os << "scenario,metric,mean,sd,ci_low,ci_high,n,q05,q50,q95\n";
    for (const auto& r : st.summary)
      os << csv_field(r.scenario) << ',' << r.metric << ',' << num(r.s.mean) << ',' << num(r.s.sd) << ','
         << num(r.s.ci_low) << ',' << num(r.s.ci_high) << ',' << r.s.n << ',' << num(r.s.q05) << ','
         << num(r.s.q50) << ',' << num(r.s.q95) << '\n';
    write_atomic(out_dir / "summary.csv", os.str());
  }
  if (want("paired")) {
    std::ostringstream os;
    os << "scenario,baseline,metric,mean_diff,sd_diff,ci_low,ci_high,rel_diff,rel_ci_low,rel_ci_high,share_better,n\n";
    for (const auto& r : st.paired)
      os << csv_field(r.scenario) << ',' << csv_field(r.baseline) << ',' << r.metric << ',' << num(r.p.mean_diff) << ','
         << num(r.p.sd_diff) << ',' << num(r.p.ci_low) << ',' << num(r.p.ci_high) << ',' << num(r.p.rel_diff) << ','
         << num(r.p.rel_ci_low) << ',' << num(r.p.rel_ci_high) << ',' << num(r.p.share_better) << ',' << r.p.n << '\n';
    write_atomic(out_dir / "paired.csv", os.str());
  }
  const auto layout = store.layout();
  if (want("runs") && layout) {
    std::ostringstream os;
    os << "scenario,replicate,wall_seconds";
    for (const auto& m : layout->metric_names) os << ',' << csv_field(m);
    os << '\n';
    store.for_each_run([&](const RunRecord& r) {
      os << csv_field(st.scenarios[static_cast<std::size_t>(r.scenario)]) << ',' << r.replicate << ',' << num(r.wall_seconds);
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
            out << csv_field(sc) << ',' << r.replicate << ',' << w << ',' << layout->series_names[s] << ','
                << num(r.series[s * static_cast<std::size_t>(layout->weeks) + static_cast<std::size_t>(w)]) << '\n';
      });
    }
    fs::rename(tmp, out_dir / "timeseries.csv");
  }
  nlohmann::json m = store.manifest().value_or(nlohmann::json::object());
  m["config"] = store.config().value_or(nlohmann::json::object());
  write_atomic(out_dir / "manifest.json", m.dump(2) + "\n");
}

std::string comparison_table(const ExperimentStats& st, const std::vector<MetricInfo>& headline,
                             const std::string& rank_by) {
  std::map<std::pair<std::string, std::string>, stats::Summary> sum;
  for (const auto& r : st.summary) sum[{r.scenario, r.metric}] = r.s;
  std::map<std::pair<std::string, std::string>, stats::Paired> par;
  for (const auto& r : st.paired) par[{r.scenario, r.metric}] = r.p;
  bool hib = true;
  for (const auto& m : headline)
    if (m.name == rank_by) hib = m.higher_is_better;
  std::vector<std::string> order = st.scenarios;
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    const double x = sum[{a, rank_by}].mean, y = sum[{b, rank_by}].mean;
    return hib ? x > y : x < y;
  });
  std::ostringstream os;
  const std::string base = st.scenarios.empty() ? "" : st.scenarios[static_cast<std::size_t>(st.baseline)];
  std::size_t n = 0;
  if (!st.summary.empty()) n = st.summary.front().s.n;
  os << "Ranked by " << rank_by << (hib ? " (higher is better)" : " (lower is better)") << "; mean [95% CI] over "
     << n << " runs; Δ vs " << base << " is the paired difference [95% CI]\n\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::string& sc = order[k];
    os << std::setw(2) << k + 1 << ". " << sc << (sc == base ? "  (baseline)" : "") << "\n";
    for (const auto& m : headline) {
      const auto& s = sum[{sc, m.name}];
      const bool money = m.unit == "EUR";
      auto f = [&](double v) {
        std::ostringstream o;
        if (money) o << std::fixed << std::setprecision(0) << v;
        else if (m.unit == "share") o << std::fixed << std::setprecision(2) << 100 * v << "%";
        else o << std::fixed << std::setprecision(2) << v;
        return o.str();
      };
      os << "      " << std::left << std::setw(28) << m.name << std::right << std::setw(14) << f(s.mean) << " ["
         << f(s.ci_low) << ", " << f(s.ci_high) << "]";
      if (sc != base && par.count({sc, m.name})) {
        const auto& p = par[{sc, m.name}];
        const bool sig = p.ci_low > 0 || p.ci_high < 0;
        os << "   Δ " << f(p.mean_diff) << " [" << f(p.ci_low) << ", " << f(p.ci_high) << "]" << (sig ? " *" : "");
      }
      os << "\n";
    }
  }
  os << "\n* the 95% CI of the paired difference excludes 0.\n";
  return os.str();
}

}  // namespace govsim
