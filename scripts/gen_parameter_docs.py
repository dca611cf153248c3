#!/usr/bin/env python3
"""Writes docs/parameters.md from the parameter registry (`govsim describe --json`), or with
--metrics docs/metrics.md from the metric list (`govsim describe --metrics --json`).

Usage: scripts/gen_parameter_docs.py [GOVSIM_BIN] > docs/parameters.md
       scripts/gen_parameter_docs.py --metrics [GOVSIM_BIN] > docs/metrics.md
The registry (models/inclusion/parameters.def) and models/inclusion/metrics.def are the single
sources; never edit the outputs.
"""
import json
import subprocess
import sys


def metrics_doc(exe: str) -> int:
    ms = json.loads(subprocess.run([exe, "describe", "--metrics", "--json"], check=True, capture_output=True,
                                   text=True).stdout)
    declared = [m for m in ms if "@" not in m["name"]]
    out = ["# Metrics", "",
           "Generated from `models/inclusion/metrics.def` by `scripts/gen_parameter_docs.py --metrics`; do not edit.",
           "Every run stores each metric; `summary.csv` gives mean, sd, 95% CI and quantiles per scenario,",
           "`paired.csv` the paired difference with the baseline. *Better* is the direction used for",
           "\"share of runs better\" and rankings. *Headline* metrics make the comparison table of",
           "`govsim compare` and the report's ranking. *By* lists the subgroup dimensions a metric is",
           "also stored by, as `name@dimension:level` (listed after the declared metrics); `@funder:`",
           "splits spending by who pays. A rate with nothing to divide (a level with no adults, e.g. urban",
           "on a territory without an urban commune; a weekly series before its first closed need or its",
           "first full year) is absent: NaN in Python, an empty field in the CSV files, n/a in tables,",
           "left out of means and intervals. The same catalog is written into each results' `manifest.json`",
           "(`metrics`, `series`). *Domain* is the values a metric can take (see the last section).",
           "*Role* names the metric the generic engine uses for it: `primary` ranks the comparison",
           "and is the default of `--rank-by` and `--target-metric`; `cost` is the spending",
           "cost-effectiveness is measured against.", "",
           f"{sum(1 for m in declared if m['headline'])} headline metrics, {len(declared)} declared, "
           f"{len(ms)} stored per run.", "",
           "| metric | better | unit | domain | headline | role | by | meaning |", "|---|---|---|---|---|---|---|---|"]

    def row(m: dict) -> str:
        better = m.get("direction") or ("higher" if m["higher_is_better"] else "lower")
        return (f"| `{m['name']}` | {better} | {m['unit']} | "
                f"{m['domain']} | {'yes' if m['headline'] else ''} | {', '.join(m['roles'])} | "
                f"{', '.join(m['subgroups'])} | {m['doc']} |")

    out += [row(m) for m in ms]
    series = json.loads(subprocess.run([exe, "describe", "--series", "--json"], check=True, capture_output=True,
                                       text=True).stdout)
    out += ["", "## Weekly series", "",
            "Stored for every run, week 0 (start) to the horizon (`timeseries.csv`, `Results.series()`).", "",
            "| series | better | unit | domain | headline | role | by | meaning |", "|---|---|---|---|---|---|---|---|"]
    out += [row(m) for m in series]
    out += ["", *PER_COMMUNE.strip("\n").split("\n")]
    out += ["", *COMPARING.strip("\n").split("\n")]
    names = lambda d: ", ".join(f"`{m['name']}`" for m in declared if m.get("domain") == d)  # noqa: E731
    out += ["", *DOMAIN.strip("\n").format(ratio=names("ratio"), real=names("real")).split("\n")]
    print("\n".join(out))
    return 0


DOMAIN = """
## Intervals within the domain

Every interval is a 95% interval over replicates; a metric's *domain* (declared in
`models/inclusion/metrics.def`; `domain` in `govsim describe --metrics --json`, in
`govsim._core.metrics()` and in the manifest's catalog) decides how it is computed so that it
cannot leave the values the metric can take:

- **Ratio metrics** (a ratio of positive quantities: {ratio}): the interval of a
  scenario's mean is computed on the log scale by the delta method, mean × exp(±t · sd / (√n ·
  mean)) (t: Student quantile with n - 1 degrees of freedom). It is asymmetric, always positive
  and contains the mean; for a tight sample it equals the usual mean ± t · sd / √n to first order.
  The normal interval of a cost per need could go negative ("€229 [−€15, €474]") when one
  replicate mediated almost nothing.
- **Relative changes** (`rel_diff`, `rel_ci_low`, `rel_ci_high` of `paired.csv`, "% more needs
  resolved") of every non-negative metric (ratio metrics, shares, counts, costs, weeks) are
  R - 1 with R the ratio of the scenario's mean to the baseline's over the same replicates; the
  interval is R · exp(±t · se) - 1 with se² = (s_s²/m_s² + s_b²/m_b² - 2 cov_sb/(m_s m_b)) / n
  (delta method on log R, paired covariance of common random numbers). It never falls below
  -100%.
- **Differences** (`mean_diff`, `ci_low`, `ci_high`) and the metrics that take any sign
  ({real}) keep the t-interval mean ± t · sd / √n, and their relative changes the difference's
  interval divided by the baseline mean's magnitude.

Verdicts and ranks use the interval of the difference, which these choices do not change.
"""


PER_COMMUNE = """
## Per-commune outputs

Each run of `run` and `compare` also records, for every commune (zone) of the territory, its end
values (results store column `runs.zones`, docs/results-store.md): `adults` (full population),
`needs_closed`, `needs_abandoned` and `needs_mediated` over the run (full population) and
`coverage_30min` (share of the commune's adults within 30 minutes of a point helping with
procedures by their travel mode, at the end). `communes.csv` (and `Results.communes()`) has one
row per scenario and commune: the commune's code, name, EPCI, density class, centroid (`lat`,
`lon`; `x_km`, `y_km`), the number of replicates, the mean of each value over the replicates and
`non_recours_rate` = needs given up / needs closed with the replicates pooled (empty when no need
was closed: small communes at a small population scale). Size is communes × values per run and
communes × scenarios for the export, whatever the horizon; sweeps and design experiments record
none. `Results.commune_values(scenario)` gives the per-run values (replicates × communes × values).
"""


COMPARING = """
## Comparing scenarios: units, verdicts, ranks

- **Units.** A difference of two shares is given in percentage points (`pt`): 4.60% - 4.45% =
  -0.15 pt. `%` is used only for shares themselves and for relative changes, which are labelled
  as such (`rel_diff` in `paired.csv`). Euros carry their unit and thousands separators.
- **Minimal important difference (MID).** Per metric, the smallest difference that matters. The
  config can set it (`experiment.minimal_important_difference: {"non_recours_rate": 0.002}`, in
  the metric's unit). Defaults: 0.001 (0.1 pt) for shares, 0.5 for weeks, otherwise 1% of the
  baseline mean's magnitude (euros, counts, indices). `paired.csv` has the MID used (`mid`).
- **Verdict** of a scenario against the baseline on a metric (`paired.csv` column `verdict`; the
  CLI table and the report use the same): *detectable* means the 95% CI of the paired
  difference excludes 0.
  - `clearly_better`: detectable, in the better direction, and the mean difference is at least
    the MID;
  - `better_below_mid`: detectable and better, but the mean difference is below the MID (real
    but too small to matter);
  - `no_detectable_difference`: the CI covers 0 (or fewer than 2 replicates), or lies within
    1e-9 of the baseline mean's magnitude (at least 1e-9) of 0: floating-point rounding, not a
    difference;
  - `worse_below_mid` and `clearly_worse`: the same in the worse direction;
  - `no_verdict`: a detectable difference on a metric whose direction is not a goal in itself
    (better: *neutral*, e.g. `mediation_share`: more needs resolved *with help* is not better
    than resolved alone); ranked higher first, but never called better or worse;
  - `fixed_by_design`: the cost metric (role `cost`) of a scenario compared at equal budget,
    which spends the baseline's total by construction.
- **Share of runs better** (`share_better`): the share of replicates in which the scenario does
  better than the baseline under the same random numbers; a replicate with exactly equal values
  counts one half.
- **Ranks with ties.** Scenarios are sorted by mean (best first). A scenario whose paired
  difference from the best scenario of the current group is not detectable joins that group and
  shares its rank, printed `1=` (standard competition ranking: 1=, 1=, 3). `summary.csv` has
  `rank` and `rank_tied` for every metric, and `budget` (the scenario's budget mode).
- **Equal budget** (`experiment.budget: "equal_to_baseline"`, docs/config.md): every scenario
  spends the baseline's total; the `NAME@as_configured` runs are not ranked.
- **Cost-effectiveness** (`cost_effectiveness.csv`, with `paired`; `Results.cost_effectiveness()`):
  for each scenario run as configured and each headline outcome, the gain over the baseline
  (positive = better, in the metric's unit) per million euros of extra spending over the horizon
  (`gain_per_million_eur`). On the primary metric, when the runs record per-commune values, also
  people per €100k of extra spending: `adults_per_100k_eur`, the adults who avoid giving up
  (per replicate: the fall of the non-recours rate × the adults of the territory in the
  baseline run, i.e. −Δ`non_recours_rate` × adults; an adult-equivalent, since the rate counts
  needs) and `procedures_per_100k_eur`, the procedures not given up (per replicate: needs
  abandoned over the horizon, full population, baseline minus scenario, from the per-commune
  counts; empty when the runs recorded no per-commune values, as for a scenario run on another
  territory or with a network lever). Each ratio is mean(avoided) / mean(extra cost) over the paired replicates with a 95%
  t-interval by the delta method (var = (s_g² − 2 r s_gc + r² s_c²) / (n · mean(c)²), n − 1
  degrees of freedom), columns `_ci_low` and `_ci_high`. **Gating:** the ratios are given only
  when they mean something; otherwise they are empty and `note` says why, in this order:
  `no_verdict` (a metric with no goal direction), `not_detectable` (the gain's 95% CI covers 0),
  `below_mid` (detectable but smaller than the minimal important difference, the `mid` of
  `paired.csv`), `no_extra_cost` (the extra cost's 95% CI does not lie above 0: the scenario
  costs no more, or less). The CLI prints "not meaningful: <reason>", the report "not
  meaningful (<reason>)" (« non significatif (…) »).
- **Equity across communes** (`equity.csv`, with `summary`; printed by `govsim compare`;
  `Results.epci_gap()`, `Results.by_travel_time()`; engine/zone_equity.cpp and
  python/govsim/equity.py compute the same, a test checks they agree): from the per-commune
  values of each run, `non_recours_rate@epci:gap` is the worst EPCI's non-recours minus the
  best's (each EPCI pooling its communes: needs given up / needs closed), in runs where at least
  two EPCIs closed a need, with the EPCIs worst and best over the pooled runs (`worst`, `best`);
  `non_recours_rate@travel:<=15`, `...:15-30`, `...:>30` is non-recours of the communes at most
  15, 15 to 30 and over 30 car minutes from the nearest place helping with procedures as the
  territory is configured (zone attribute `help_minutes` of the run layout; none within reach:
  over 30), with the class's communes (`zones`) and mean adults (`people`). Mean and 95%
  t-interval over the replicates; a class without adults or closed needs has no value (n/a,
  never 0). A maximum minus a minimum over noisy rates is biased upward with few simulated
  adults per EPCI: compare scenarios, which share the bias.
- **Sweeps** have no baseline: design points are not compared with point 0; `paired.csv` is
  empty and `Results.baseline` is None; `Results.design()` gives the swept values.
"""


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] == "--metrics":
        return metrics_doc(args[1] if len(args) > 1 else "govsim")
    exe = args[0] if args else "govsim"
    params = json.loads(subprocess.run([exe, "describe", "--json"], check=True, capture_output=True, text=True).stdout)
    out = ["# Parameters", "",
           "Generated from the registry (`models/inclusion/parameters.def`) by `scripts/gen_parameter_docs.py`;",
           "do not edit by hand. *Source* is a citation, or \"assumption\": a documented guess that",
           "sensitivity analysis must cover. Every assumption has a *plausible* range and distribution",
           "(`models/inclusion/uncertainty.def`, with its reason) that `govsim robustness` and",
           "`govsim sensitivity` vary (docs/uncertainty.md); *fixed* ones are settings, not unknowns.", ""]
    group = None
    for p in params:
        g = p["name"].split(".")[0]
        if g != group:
            group = g
            out += ["", f"## {g}", "", "| name | type | default | unit | range | source | meaning | plausible |",
                    "|---|---|---|---|---|---|---|---|"]
        u = p.get("uncertainty")
        if u is None:
            plausible = ""
        elif u["distribution"] == "fixed":
            plausible = f"fixed: {u['reason']}"
        else:
            plausible = f"{u['distribution']} [{u['low']:g}, {u['high']:g}]: {u['reason']}"
        cells = [f"`{p['name']}`", p["type"], f"`{json.dumps(p['default'], ensure_ascii=False)}`", p["unit"],
                 p["range"], p["source"], p["doc"], plausible]
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
