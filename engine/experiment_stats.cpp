// The statistics of an experiment (compute_stats): summaries, paired differences, ranks with
// ties, cost-effectiveness; see experiment_stats.hpp.
#include "engine/experiment_stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace govsim {

const MetricInfo* find_metric(const std::vector<MetricInfo>& info, const std::string& name) {
  for (const auto& m : info)
    if (m.name == name) return &m;
  return nullptr;
}

bool metric_hib(const std::vector<MetricInfo>& info, const std::string& name) {
  const MetricInfo* m = find_metric(info, name);
  return m ? m->higher_is_better : true;
}

namespace {
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

const char* cost_effect_note_label(const std::string& note) {
  if (note == "no_verdict") return "no goal direction";
  if (note == "not_detectable") return "effect not detectable";
  if (note == "below_mid") return "effect below the minimal important difference";
  if (note == "no_extra_cost") return "no extra cost";
  return "";
}

ExperimentStats compute_stats(const ResultsStore& store, const std::vector<MetricInfo>& info) {
  ExperimentStats st;
  const auto layout = store.layout();
  if (!layout) return st;
  st.metrics = layout->metric_names;
  const nlohmann::json cfg = store.config().value_or(nlohmann::json::object());
  st.budget = cfg.value("budget", std::string("as_configured"));
  const std::vector<ScenarioRole> roles = store.scenario_roles();
  for (const auto& [name, j] : store.scenarios()) st.scenarios.push_back(name);
  for (const auto& r : roles) st.scenario_budget.push_back(budget_name(r.budget));
  const auto own_baseline = [&](std::size_t s) {
    return roles[s].kind == ScenarioRole::Kind::TerritoryBaseline;
  };
  st.baseline = 0;
  // A sweep names no baseline (its design points are not compared with point 0).
  st.has_baseline = !(cfg.contains("baseline") && cfg["baseline"].is_null());
  if (cfg.contains("baseline") && cfg["baseline"].is_string())
    for (std::size_t s = 0; s < st.scenarios.size(); ++s)
      if (st.scenarios[s] == cfg["baseline"].get<std::string>()) st.baseline = static_cast<int>(s);
  const std::size_t ns = st.scenarios.size(), nm = st.metrics.size();
  Values values(ns, std::vector<std::map<int, double>>(nm));
  // Per run, the zones summed: their population and the count behind the primary metric's zone
  // ratio (cost-effectiveness in people).
  const std::string primary = metric_with_role(info, kPrimaryRole);
  const std::size_t nf = layout->zone_fields.size(), nz = layout->zones.size();
  std::size_t count_field = nf;
  for (const auto& zr : layout->zone_ratios)
    if (zr[0] == primary) count_field = layout->zone_field(zr[1]);
  std::vector<std::map<int, double>> population(ns), counted(ns);
  ZoneEquity equity(*layout, ns);  // equity across zones, from the same pass over the runs
  store.for_each_run([&](const RunRecord& r) {
    const auto s = static_cast<std::size_t>(r.scenario);
    equity.add(r);
    for (std::size_t m = 0; m < nm; ++m) values[s][m][r.replicate] = r.metrics[m];
    if (nf == 0 || r.zones.size() != nz * nf) return;
    double people = 0, count = 0;
    for (std::size_t z = 0; z < nz; ++z) {
      people += r.zones[z * nf];
      if (count_field < nf) count += r.zones[z * nf + count_field];
    }
    // A run whose zones are not those of the layout (another territory) records NaN: left out.
    if (std::isfinite(people)) population[s][r.replicate] = people;
    if (count_field < nf && std::isfinite(count)) counted[s][r.replicate] = count;
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
    ranked[s] =
        st.scenario_budget[s] == st.budget && roles[s].compared_with < 0 && !own_baseline(s);
  for (std::size_t m = 0; m < nm; ++m)
    rank_metric(values, st.scenarios, m, st.metrics[m], metric_hib(info, st.metrics[m]), ranked,
                st.ranks);
  if (!st.has_baseline) return st;
  // Each scenario against its baseline: the experiment's, or the one run on its own territory.
  std::vector<std::size_t> base_of(ns, static_cast<std::size_t>(st.baseline));
  for (std::size_t s = 0; s < ns; ++s) {
    if (roles[s].compared_with >= 0) base_of[s] = static_cast<std::size_t>(roles[s].compared_with);
    if (own_baseline(s)) base_of[s] = s;  // a territory's baseline is compared with no one
  }
  const std::string cost_metric = metric_with_role(info, kCostRole);
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
      stats::Verdict verdict = stats::classify(p, mid, hib);
      // A neutral metric is never better or worse; the cost at equal budget is the design's.
      if (mi && !mi->judged && verdict != stats::Verdict::NoDifference)
        verdict = stats::Verdict::NoVerdict;
      if (st.metrics[m] == cost_metric && st.scenario_budget[s] == "equal_to_baseline")
        verdict = stats::Verdict::FixedByDesign;
      st.paired.push_back({st.scenarios[s], st.scenarios[b], st.metrics[m], p, mid, verdict});
    }
  }
  // Cost-effectiveness of the scenarios that spend what they cost (as configured).
  std::size_t cost_m = nm;
  for (std::size_t m = 0; m < nm; ++m)
    if (!cost_metric.empty() && st.metrics[m] == cost_metric) cost_m = m;
  if (cost_m == nm) return st;
  for (std::size_t s = 0; s < ns; ++s) {
    const std::size_t b = base_of[s];
    if (s == b || st.scenario_budget[s] != "as_configured") continue;
    for (std::size_t m = 0; m < nm; ++m) {
      const MetricInfo* mi = find_metric(info, st.metrics[m]);
      if (!mi || !mi->headline || mi->unit == "EUR") continue;
      const double sign = mi->higher_is_better ? 1.0 : -1.0;
      const bool people = st.metrics[m] == primary && mi->unit == "share";
      std::vector<double> gain, cost, xs, xb, cs, cb, adults, procedures, people_cost;
      for (const auto& [rep, v] : values[s][m]) {
        const auto vb = values[b][m].find(rep);
        const auto c = values[s][cost_m].find(rep);
        const auto cbit = values[b][cost_m].find(rep);
        if (vb == values[b][m].end() || c == values[s][cost_m].end() ||
            cbit == values[b][cost_m].end() || std::isnan(v) || std::isnan(vb->second))
          continue;
        xs.push_back(v), xb.push_back(vb->second), cs.push_back(c->second),
            cb.push_back(cbit->second);
        gain.push_back(sign * (v - vb->second));
        cost.push_back((c->second - cbit->second) / 1e6);
        const auto pb = population[b].find(rep);
        const auto ks = counted[s].find(rep), kb = counted[b].find(rep);
        if (people && pb != population[b].end() && ks != counted[s].end() &&
            kb != counted[b].end()) {
          adults.push_back(gain.back() * pb->second);
          procedures.push_back(sign * (ks->second - kb->second));
          people_cost.push_back((c->second - cbit->second) / 1e5);
        }
      }
      if (gain.empty()) continue;
      const int arm_of = roles[s].arm_of;
      CostEffectRow row{st.scenarios[arm_of >= 0 ? static_cast<std::size_t>(arm_of) : s],
                        st.scenarios[s],
                        st.metrics[m],
                        stats::paired_difference(cs, cb, false),
                        stats::paired_difference(xs, xb, mi->higher_is_better),
                        stats::ratio_of_paired_means(gain, cost),
                        stats::ratio_of_paired_means(adults, people_cost),
                        stats::ratio_of_paired_means(procedures, people_cost),
                        0.0,
                        ""};
      // Printed only for an effect that matters and money that is spent (docs/metrics.md).
      row.mid = minimal_important_difference(*mi, row.gain.baseline_mean, cfg);
      const stats::Verdict verdict = stats::classify(row.gain, row.mid, mi->higher_is_better);
      if (!mi->judged)
        row.note = "no_verdict";
      else if (verdict == stats::Verdict::NoDifference)
        row.note = "not_detectable";
      else if (verdict == stats::Verdict::BetterBelowMid ||
               verdict == stats::Verdict::WorseBelowMid)
        row.note = "below_mid";
      else if (!(row.cost.n >= 2 && row.cost.ci_low > 0))
        row.note = "no_extra_cost";
      if (!row.note.empty())
        for (stats::Ratio* r : {&row.per_million, &row.adults_per_100k, &row.procedures_per_100k})
          r->ratio = r->ci_low = r->ci_high = std::nan("");
      st.cost_effect.push_back(std::move(row));
    }
  }
  st.zone_equity = equity.rows(st.scenarios);
  return st;
}

}  // namespace govsim
