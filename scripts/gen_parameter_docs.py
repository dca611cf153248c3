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
           "splits spending by who pays. The same catalog is written into each results' `manifest.json`",
           "(`metrics`, `series`).", "",
           f"{sum(1 for m in declared if m['headline'])} headline metrics, {len(declared)} declared, "
           f"{len(ms)} stored per run.", "",
           "| metric | better | unit | headline | by | meaning |", "|---|---|---|---|---|---|"]

    def row(m: dict) -> str:
        return (f"| `{m['name']}` | {'higher' if m['higher_is_better'] else 'lower'} | {m['unit']} | "
                f"{'yes' if m['headline'] else ''} | {', '.join(m['subgroups'])} | {m['doc']} |")

    out += [row(m) for m in ms]
    series = json.loads(subprocess.run([exe, "describe", "--series", "--json"], check=True, capture_output=True,
                                       text=True).stdout)
    out += ["", "## Weekly series", "",
            "Stored for every run, week 0 (start) to the horizon (`timeseries.csv`, `Results.series()`).", "",
            "| series | better | unit | headline | by | meaning |", "|---|---|---|---|---|---|"]
    out += [row(m) for m in series]
    print("\n".join(out))
    return 0


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
