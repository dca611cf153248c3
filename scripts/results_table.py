#!/usr/bin/env python3
"""Prints a Markdown table of headline metrics (mean [95% CI]) per scenario from a results
directory (summary.csv, paired.csv), for docs/scenarios.md.

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


def main() -> int:
    d = Path(sys.argv[1])
    rows = list(csv.DictReader(open(d / "summary.csv", encoding="utf-8")))
    scenarios = list(dict.fromkeys(r["scenario"] for r in rows))
    s = {(r["scenario"], r["metric"]): r for r in rows}
    head = headline(d)
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
    paired = list(csv.DictReader(open(d / "paired.csv", encoding="utf-8")))
    print("\nPaired difference vs the baseline on non-recours (points, 95% CI) and share of runs better:\n")
    print("| scenario | Δ non-recours (pts) | runs better | verdict | Δ mediation share (pts) |")
    print("|---|---|---|---|---|")
    p = {(r["scenario"], r["metric"]): r for r in paired}
    for sc in scenarios:
        if (sc, "non_recours_rate") not in p:
            continue
        a, b = p[(sc, "non_recours_rate")], p[(sc, "mediation_share")]
        print(f"| {sc} | {fmt(float(a['mean_diff']), 'pts')} [{fmt(float(a['ci_low']), 'pts')}, {fmt(float(a['ci_high']), 'pts')}]"
              f" | {100 * float(a['share_better']):.0f}% | {a.get('verdict', '').replace('_', ' ')} | {fmt(float(b['mean_diff']), 'pts')} [{fmt(float(b['ci_low']), 'pts')}, {fmt(float(b['ci_high']), 'pts')}] |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
