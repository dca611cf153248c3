#!/usr/bin/env python3
"""Decomposes the status quo's fall in illectronisme into cohort renewal, learning outside
mediation, learning in individual sessions and learning in workshop courses (docs/calibration.md,
"Where the fall comes from").

Five runs of the status quo on the same random streams, switching the sources on one at a time:
frozen (no demography, no learning, nobody starts using the internet), + demography (cohort
renewal), + learning outside mediation (learning.* at their defaults), + learning in individual
sessions (mediation.skill_gain_per_session), + learning in workshop courses (the default model).
Each source's share is the fall it adds to the run before it (a sequential decomposition: the
order is the one above).

    scripts/decompose_illectronisme.py [--territory charente] [--scale 0.1] [--runs 4]
        [--weeks 260] [--scenario scenarios/governance/status-quo.json]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OFF_LEARNING = {"learning.outside_mediation_yearly": 0, "learning.internet_adoption_yearly": 0,
                "learning.internet_adoption_yearly_basic_skill": 0}
NO_TEACHING = {"mediation.skill_gain_per_session": 0, "workshop.skill_gain_per_session": 0}
ARMS = [
    ("frozen (no demography, no learning)", {"demography.enabled": False, **OFF_LEARNING, **NO_TEACHING}),
    ("+ cohort renewal (demography)", {**OFF_LEARNING, **NO_TEACHING}),
    ("+ learning outside mediation", NO_TEACHING),
    ("+ learning in individual sessions", {"workshop.skill_gain_per_session": 0}),
    ("+ learning in workshop courses (default)", {}),
]
METRICS = ["illectronisme_rate", "internet_non_use_rate", "low_skill_user_rate", "sessions_per_1000_adults",
           "workshop_attendances_per_1000_adults"]


def run_arm(scenario: Path, territory: str, scale: float, runs: int, weeks: int, seed: int,
            overrides: dict, out: Path) -> dict[str, float]:
    import govsim

    config = {"name": "decomposition", "title": "Decomposition of the fall in illectronisme",
              "territory": territory, "scenarios": [str(scenario.resolve())],
              "parameters": {"sim.population_scale": scale, "sim.horizon_weeks": weeks},
              "experiment": {"runs": runs, "seed": seed}}
    res = govsim.run(config, overrides=overrides, out=out, progress=False, force=True)
    runs_table = res.runs()
    name = res.scenarios[0]
    row = {k: float(runs_table[k].mean()) for k in METRICS}
    row["start"] = float(res.series(name, "illectronisme_rate")[:, 0].mean())
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--territory", default="charente")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--weeks", type=int, default=260)
    ap.add_argument("--seed", type=int, default=20181102)
    ap.add_argument("--scenario", type=Path, default=ROOT / "scenarios/governance/status-quo.json")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, overrides) in enumerate(ARMS):
            rows.append((label, run_arm(args.scenario, args.territory, args.scale, args.runs, args.weeks,
                                        args.seed, overrides, Path(tmp) / f"arm{k}")))
    start = rows[0][1]["start"]
    print(f"{args.scenario.stem} on {args.territory}, {args.scale:g} of adults, {args.runs} replicates, "
          f"{args.weeks} weeks; illectronisme at week 0: {100 * start:.2f}%")
    print()
    print("| run | illectronisme at the end | non-use | low-skill users | fall since week 0 | added by this source |")
    print("|---|---|---|---|---|---|")
    prev = None
    for label, r in rows:
        fall = start - r["illectronisme_rate"]
        added = "" if prev is None else f"{100 * (fall - prev):+.2f} pts"
        print(f"| {label} | {100 * r['illectronisme_rate']:.2f}% | {100 * r['internet_non_use_rate']:.2f}% | "
              f"{100 * r['low_skill_user_rate']:.2f}% | {100 * fall:.2f} pts | {added} |")
        prev = fall
    # The dose: sessions of the default run (procedure help and workshop hours) per adult that
    # mediation's learning (individual sessions and workshops: the last two sources) takes out of
    # illectronisme.
    by_mediation = rows[-1][1]["illectronisme_rate"] - rows[-3][1]["illectronisme_rate"]
    sessions = rows[-1][1]["sessions_per_1000_adults"] / 1000
    print()
    print(f"workshop attendances per 1,000 adults over the run: "
          f"{rows[-1][1]['workshop_attendances_per_1000_adults']:.0f}")
    print(f"sessions (procedure help and workshop hours) per adult over the run: {sessions:.3f}; "
          f"fall through mediation: "
          f"{100 * -by_mediation:.2f} pts; sessions per adult leaving illectronisme through mediation: "
          + (f"{sessions / -by_mediation:.0f}" if by_mediation < 0 else "n/a (no fall through mediation)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
