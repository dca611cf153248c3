// The CSV exports and manifest.json of a results directory (write_exports); see exports.hpp.
#include "engine/exports.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

#include "engine/csv_columns.hpp"
#include "engine/experiment_stats.hpp"

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
        const std::size_t a = layout.zone_field(r[1]), b = layout.zone_field(r[2]);
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
    os << csv_columns::header(csv_columns::kSummary) << '\n';
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
    // Outcome gained per million euros and people per €100k of extra spending (scenarios run as
    // configured), empty with a note when not meaningful.
    std::ostringstream os;
    os << csv_columns::header(csv_columns::kCostEffectiveness) << '\n';
    for (const auto& r : st.cost_effect) {
      const double sign = metric_hib(info, r.metric) ? 1.0 : -1.0;  // gain: positive = better
      const double lo = sign > 0 ? r.gain.ci_low : -r.gain.ci_high;
      const double hi = sign > 0 ? r.gain.ci_high : -r.gain.ci_low;
      os << csv_field(r.scenario) << ',' << csv_field(r.run_as) << ',' << r.metric << ','
         << num(r.cost.mean_diff) << ',' << num(r.cost.ci_low) << ',' << num(r.cost.ci_high) << ','
         << num(sign * r.gain.mean_diff) << ',' << num(lo) << ',' << num(hi) << ','
         << num(r.per_million.ratio) << ',' << num(r.per_million.ci_low) << ','
         << num(r.per_million.ci_high) << ',' << r.per_million.n << ','
         << num(r.adults_per_100k.ratio) << ',' << num(r.adults_per_100k.ci_low) << ','
         << num(r.adults_per_100k.ci_high) << ',' << num(r.procedures_per_100k.ratio) << ','
         << num(r.procedures_per_100k.ci_low) << ',' << num(r.procedures_per_100k.ci_high) << ','
         << r.note << '\n';
    }
    write_atomic(out_dir / "cost_effectiveness.csv", os.str());
  }
  if (want("summary") && !st.zone_equity.empty()) {
    // Equity over communes: the gap between EPCIs and non-recours by travel time.
    std::ostringstream os;
    os << csv_columns::header(csv_columns::kEquity) << '\n';
    for (const auto& r : st.zone_equity)
      os << csv_field(r.scenario) << ',' << csv_field(r.measure) << ',' << num(r.s.mean) << ','
         << num(r.s.ci_low) << ',' << num(r.s.ci_high) << ',' << r.s.n << ','
         << (r.worst.empty() ? num(r.zones) : "") << ',' << (r.worst.empty() ? num(r.people) : "")
         << ',' << csv_field(r.worst) << ',' << csv_field(r.best) << '\n';
    write_atomic(out_dir / "equity.csv", os.str());
  }
  if (want("paired")) {
    std::ostringstream os;
    os << csv_columns::header(csv_columns::kPaired) << '\n';
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
    os << csv_columns::header(csv_columns::kRuns);
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
      out << csv_columns::header(csv_columns::kTimeseries) << '\n';
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

}  // namespace govsim
