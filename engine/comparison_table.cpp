// The comparison table of `govsim compare` and the table of `govsim sweep`; see
// comparison_table.hpp.
#include "engine/comparison_table.hpp"

#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

namespace govsim {

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

namespace {
// Equity over communes (engine/zone_equity.hpp) of the scenarios compared in the experiment's
// budget mode: the gap between EPCIs and the primary ratio by class, mean [95% CI].
void equity_block(std::ostream& os, const ExperimentStats& st) {
  if (st.zone_equity.empty()) return;
  std::map<std::string, std::string> budget;
  for (std::size_t k = 0; k < st.scenarios.size(); ++k)
    budget[st.scenarios[k]] = st.scenario_budget[k];
  auto pct = [](const stats::Summary& s) {
    if (s.n == 0 || !std::isfinite(s.mean)) return std::string("n/a");
    std::ostringstream o;
    o << std::fixed << std::setprecision(2) << 100 * s.mean << "%";
    if (s.n >= 2) o << " [" << 100 * s.ci_low << ", " << 100 * s.ci_high << "]";
    return o.str();
  };
  std::string current;
  bool header = false;
  for (const auto& r : st.zone_equity) {
    if (budget[r.scenario] != st.budget) continue;
    if (!header) {
      os << "\nEquity across communes (equity.csv): " << r.measure.substr(0, r.measure.find('@'))
         << " of the worst group minus the best (gap), and by class, mean [95% CI] over runs:\n";
      header = true;
    }
    if (r.scenario != current) {
      os << (current.empty() ? "" : "\n") << "      " << std::left << std::setw(34) << r.scenario
         << std::right;
      current = r.scenario;
    }
    const std::string what = r.measure.substr(r.measure.find('@') + 1);
    os << "  " << what << " " << pct(r.s);
  }
  if (header) os << "\n";
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
  // Cost-effectiveness of each scenario as configured: outcome gained per million euros, people
  // per €100k (gated: CostEffectRow::note).
  std::map<std::string, const CostEffectRow*> ce;
  for (const auto& r : st.cost_effect)
    if (r.metric == rank_by) ce[r.scenario] = &r;
  const MetricInfo* rank_info = nullptr;
  for (const auto& m : headline)
    if (m.name == rank_by) rank_info = &m;
  if (!ce.empty() && rank_info) {
    const bool share = rank_info->unit == "share";
    os << "\nCost-effectiveness, each scenario as configured"
       << (st.budget == "equal_to_baseline" ? " (runs NAME@as_configured)" : "") << ", vs " << base
       << " (on their own territory: vs the baseline run there): " << rank_by << " gained ("
       << (share ? "points" : rank_info->unit)
       << ", positive = better) per million euros of extra spending over the horizon";
    bool people = false;
    for (const auto& [sc, r] : ce) people = people || r->adults_per_100k.n > 0;
    if (people)
      os << ";\nadults who avoid giving up (the gain × the adults) and procedures not given up, "
            "per €100k";
    os << "; mean [95% CI, delta method over paired runs].\nGiven only for an effect that is "
          "detectable and at least the MID, with a detectable extra cost;\notherwise \"not "
          "meaningful\" and why.\n";
    const double scale = share ? 100.0 : 1.0;
    MetricInfo euros;
    euros.unit = "EUR";
    auto fmt = [](double v, int digits) {
      if (!std::isfinite(v)) return std::string("n/a");
      std::ostringstream o;
      o << std::fixed << std::setprecision(digits) << v;
      return o.str();
    };
    auto ratio = [&](const stats::Ratio& q, double k, int digits) {
      return fmt(k * q.ratio, digits) + " [" + fmt(k * q.ci_low, digits) + ", " +
             fmt(k * q.ci_high, digits) + "]";
    };
    for (const std::string& sc : st.scenarios) {
      if (!ce.count(sc)) continue;
      const CostEffectRow& r = *ce[sc];
      os << "      " << std::left << std::setw(34) << sc << std::right << " extra "
         << in_unit(euros, r.cost.mean_diff, true);
      if (!r.note.empty()) {
        os << "  not meaningful: " << cost_effect_note_label(r.note) << "\n";
        continue;
      }
      os << "  gain/M€ " << ratio(r.per_million, scale, 3);
      if (r.adults_per_100k.n > 0)
        os << "  adults/€100k " << ratio(r.adults_per_100k, 1, 1) << "  procedures/€100k "
           << ratio(r.procedures_per_100k, 1, 1);
      os << "\n";
    }
  }
  equity_block(os, st);
  return os.str();
}

std::string sweep_table(const ExperimentStats& st, const ExperimentSpec& spec,
                        const std::vector<MetricInfo>& metrics, const std::string& rank_by,
                        int runs_per_scenario) {
  std::ostringstream os;
  bool hib = true;
  std::string unit;
  for (const auto& m : metrics)
    if (m.name == rank_by) hib = m.higher_is_better, unit = m.unit;
  os << "Sweep: " << st.scenarios.size() << " design points × " << runs_per_scenario << " runs; "
     << rank_by << " (" << unit << ", " << (hib ? "higher" : "lower")
     << " is better): mean [95% CI] per design point, rank (\"=\" : not detectably "
        "different).\n"
     << "All metrics per point in summary.csv; the swept values in the manifest.\n";
  for (std::size_t k = 0; k < spec.scenarios.size(); ++k) {
    const auto& sc = spec.scenarios[k];
    std::string point;
    if (sc.info.contains("sweep"))
      for (const auto& [name, v] : sc.info["sweep"].items())
        point += (point.empty() ? "" : ", ") + name + "=" + v.dump();
    for (const auto& r : st.summary)
      if (r.scenario == sc.name && r.metric == rank_by)
        os << "  " << std::setw(4) << st.rank_label(sc.name, rank_by) << "  " << std::left
           << std::setw(48) << point << std::right << std::setw(12) << r.s.mean << " ["
           << r.s.ci_low << ", " << r.s.ci_high << "]\n";
  }
  return os.str();
}

}  // namespace govsim
