#!/usr/bin/env python3
"""Decomposes each scenario's effect on illectronisme (paired difference against its baseline)
by component and by channel, for docs/scenarios.md (issue 27).

By component: the effect on illectronisme is the effect on internet non-use plus the effect on
internet users lacking basic skills (INSEE's definition: the two add up exactly).

By channel: the comparison is run three times on the same random streams, with every scenario's
teaching switched on step by step: no teaching at all (mediation.skill_gain_per_session and
workshop.skill_gain_per_session at 0), individual sessions only (workshop gain at 0), and the
default model. The effect without teaching is what the scenario does through other channels
(connections, demography is common to both arms); the step to individual sessions is what its
individual teaching adds, and the last step what its workshop courses add (a sequential
decomposition: the order is the one above).

    scripts/decompose_effects.py [CONFIG] [--runs 6] [--default RESULTS_DIR] [--out DIR]

CONFIG defaults to scenarios/experiments/seed-scenarios.json; --default reuses a comparison of
the default model already run with the same config and replicates (e.g. results/demo).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NO_WORKSHOP = {"workshop.skill_gain_per_session": 0}
NO_TEACHING = {"mediation.skill_gain_per_session": 0, **NO_WORKSHOP}
METRICS = ("illectronisme_rate", "internet_non_use_rate", "low_skill_user_rate")


def paired(results) -> dict[tuple[str, str], dict]:
    """(scenario, metric) -> its paired row, for every scenario but the as-configured arms."""
    table = results.paired()
    out = {}
    for row in table.to_dict("records"):
        if "@as_configured" in row["scenario"] or row["metric"] not in METRICS:
            continue
        out[(row["scenario"], row["metric"])] = row
    return out


def pts(x: float) -> str:
    return f"{100 * x:+.2f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("config", nargs="?", default=str(ROOT / "scenarios/experiments/seed-scenarios.json"))
    ap.add_argument("--runs", type=int, default=6)
    ap.add_argument("--default", type=Path, help="a comparison of the default model to reuse")
    ap.add_argument("--out", type=Path, default=ROOT / "results/decompose-effects")
    args = ap.parse_args(argv)
    import govsim

    def compare(name: str, overrides: dict):
        return govsim.compare(args.config, runs=args.runs, out=args.out / name, overrides=overrides,
                              progress=False, force=True)

    default = govsim.open_results(args.default) if args.default else compare("default", {})
    held = len(default.replicates(default.baseline))
    if held != args.runs:
        sys.exit(f"{args.default}: holds {held} replicates of the baseline, expected --runs {args.runs}")
    arms = [paired(compare("no-teaching", NO_TEACHING)), paired(compare("individual-only", NO_WORKSHOP)),
            paired(default)]
    print(f"{Path(args.config).name}, {args.runs} replicates; effects in points against each "
          "scenario's baseline (mean [95% CI] for the total; the channels are differences of means)")
    print()
    print("| scenario | vs | Δ illectronisme | of which non-use | of which low-skill users | "
          "through other channels | through individual sessions | through workshop courses |")
    print("|---|---|---|---|---|---|---|---|")
    none, individual, full = arms
    for (scenario, metric), row in full.items():
        if metric != "illectronisme_rate":
            continue
        d = {name: full[(scenario, name)]["mean_diff"] for name in METRICS}
        other = none[(scenario, metric)]["mean_diff"]
        teach = individual[(scenario, metric)]["mean_diff"]
        print(f"| {scenario} | {row['baseline']} | {pts(row['mean_diff'])} [{pts(row['ci_low'])}, "
              f"{pts(row['ci_high'])}] | {pts(d['internet_non_use_rate'])} | "
              f"{pts(d['low_skill_user_rate'])} | {pts(other)} | {pts(teach - other)} | "
              f"{pts(row['mean_diff'] - teach)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
