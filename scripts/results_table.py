#!/usr/bin/env python3
"""Prints Markdown tables of headline metrics (mean [95% CI]) per scenario from a results
directory (summary.csv, paired.csv, cost_effectiveness.csv), for docs/scenarios.md: the main
comparison in the experiment's budget mode, paired differences (each against its own baseline),
the scenarios compared on their own territory, and cost-effectiveness as configured.

Usage: scripts/results_table.py RESULTS_DIR
"""
import csv
import json
import sys
from pathlib import Path

# How to show a metric in the docs' table (label, format); which metrics and in what order come
# from the manifest's catalog (models/inclusion/metrics.def, "headline": true).
SHOW = {"non_recours_rate": ("non-recours", "pct"), "mediation_share": ("mediation share", "pct"),
        "autonomy_rate": ("autonomy", "pct"), "illectronisme_rate": ("illectronisme", "pct"),
        "mean_wait_weeks": ("wait (weeks)", "num"), "coverage_30min": ("coverage 30 min", "pct"),
        "total_cost_eur": ("total cost (M€)", "meur"), "cost_per_need_resolved_by_mediation_eur": ("€ / need mediated", "eur"),
        "rural_urban_gap": ("rural-urban gap (pts)", "pts")}


def headline(results_dir: Path) -> list[tuple[str, str, str]]:
    """(metric, label, format) of the headline metrics declared in the results' manifest."""
    manifest = json.loads((results_dir / "manifest.json").read_text(encoding="utf-8"))
    out = []
    for m in manifest["metrics"]:
        if m["headline"]:
            label, kind = SHOW.get(m["name"], (m["name"], "pct" if m["unit"] == "share" else "num"))
            out.append((m["name"], label, kind))
    return out


def fmt(v: float, kind: str) -> str:
    if kind == "pct":
        return f"{100 * v:.2f}%"
    if kind == "pts":
        return f"{100 * v:.2f}"
    if kind == "meur":
        return f"{v / 1e6:.2f}"
    if kind == "eur":
        return f"{v:.0f}"
    return f"{v:.2f}"


def table(scenarios, s, head) -> None:
    print("| scenario | " + " | ".join(h[1] for h in head) + " |")
    print("|---|" + "---|" * len(head))
    for sc in scenarios:
        cells = []
        for m, _, kind in head:
            r = s.get((sc, m))
            if r is None:  # absent in every run (e.g. the rural-urban gap without urban zones)
                cells.append("n/a")
                continue
            cells.append(f"{fmt(float(r['mean']), kind)} [{fmt(float(r['ci_low']), kind)}, {fmt(float(r['ci_high']), kind)}]")
        print(f"| {sc} | " + " | ".join(cells) + " |")


def ci(r, kind, lo="ci_low", hi="ci_high", mean="mean_diff") -> str:
    vals = [r[mean], r[lo], r[hi]]
    if any(v in ("", "nan") for v in vals):
        return "n/a"
    return f"{fmt(float(vals[0]), kind)} [{fmt(float(vals[1]), kind)}, {fmt(float(vals[2]), kind)}]"


def main() -> int:
    d = Path(sys.argv[1])
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    budget = manifest.get("budget", "as_configured")
    rows = list(csv.DictReader(open(d / "summary.csv", encoding="utf-8")))
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    s = {(r["scenario"], r["metric"]): r for r in rows}
    head = headline(d)
    paired = list(csv.DictReader(open(d / "paired.csv", encoding="utf-8")))
    p = {(r["scenario"], r["metric"]): r for r in paired}
    base = manifest.get("baseline")
    mode = {r["scenario"]: r.get("budget", budget) for r in rows}
    own = {sc for (sc, m), r in p.items() if r["baseline"] != base}
    own_bases = {p[(sc, "non_recours_rate")]["baseline"] for sc in own if (sc, "non_recours_rate") in p}
    main_set = [sc for sc in scenarios if mode[sc] == budget and sc not in own and sc not in own_bases]
    print(f"Budget: {budget}.\n")
    table(main_set, s, head)
    print("\nPaired difference vs the baseline on non-recours (points, 95% CI) and share of runs better:\n")
    print("| scenario | vs | Δ non-recours (pts) | runs better | verdict | Δ mediation share (pts) |")
    print("|---|---|---|---|---|---|")
    for sc in scenarios:
        if (sc, "non_recours_rate") not in p or mode[sc] != budget:
            continue
        a, b = p[(sc, "non_recours_rate")], p[(sc, "mediation_share")]
        print(f"| {sc} | {a['baseline']} | {ci(a, 'pts')} | {100 * float(a['share_better']):.0f}% | "
              f"{a.get('verdict', '').replace('_', ' ')} | {ci(b, 'pts')} |")
    if own:
        print("\nOn their own territory (each against the baseline run there):\n")
        table([x for x in scenarios if (x in own or x in own_bases) and mode[x] == budget], s, head)
    ce_file = d / "cost_effectiveness.csv"
    if ce_file.exists():
        ce = [r for r in csv.DictReader(open(ce_file, encoding="utf-8"))
              if r["metric"] in ("non_recours_rate", "mediation_share")]
        if ce:
            print("\nCost-effectiveness, each scenario as configured: extra spending over its baseline (M€, five "
                  "years), points of non-recours avoided per million euros and adults who avoid giving up per "
                  "€100k (95% CI; \"not meaningful\" with the reason unless the effect is detectable, at least "
                  "the MID, and the extra cost detectable; docs/metrics.md):\n")
            print("| scenario | extra cost (M€) | non-recours avoided (pts / M€) | adults / €100k |")
            print("|---|---|---|---|")
            by = {(r["scenario"], r["metric"]): r for r in ce}
            for sc in dict.fromkeys(r["scenario"] for r in ce):
                a = by.get((sc, "non_recours_rate"))
                if a is None:
                    continue
                cost = ci(a, "meur", "extra_cost_ci_low", "extra_cost_ci_high", "extra_cost_eur")
                note = a.get("note") or ""
                gain = f"not meaningful ({note.replace('_', ' ')})" if note else ci(a, "pts", mean="gain_per_million_eur")
                adults = "" if note else ci(a, "num", "adults_per_100k_eur_ci_low", "adults_per_100k_eur_ci_high",
                                            "adults_per_100k_eur")
                print(f"| {sc} | {cost} | {gain} | {adults} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
