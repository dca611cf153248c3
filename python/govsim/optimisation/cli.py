"""The command line of ``govsim optimise`` (``python -m govsim.optimisation``, which the ``govsim``
executable runs)."""

from __future__ import annotations

import argparse
import os
import re
import sys
from contextlib import redirect_stderr, redirect_stdout
from collections.abc import Sequence
from typing import Any

from .. import _core
from ..relay import LeaderFailed
from .._core import ConfigError, StoreError

_TARGET = re.compile(r"^\s*([A-Za-z0-9_@:+\-.]+)\s*(<=|>=)\s*([-+0-9.eE]+)\s*$")


def parse_target(text: str) -> tuple[str, str, float]:
    """``metric<=X`` or ``metric>=X``."""
    m = _TARGET.match(text)
    try:
        if m is None:
            raise ValueError
        return m.group(1), m.group(2), float(m.group(3))
    except ValueError:
        raise ConfigError(f"--target: at {text}: expected METRIC<=VALUE or METRIC>=VALUE "
                          f"(e.g. non_recours_rate<=0.3), got '{text}'") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govsim optimise", description=(
        "Multi-objective search over the levers of CONFIG's \"optimise\" section (Optuna NSGA-II): each "
        "design runs against the baseline on common random numbers; the study is kept in OUT/study.sqlite3 "
        "(--resume continues it, a larger --evaluations adds designs); the front is re-evaluated with more "
        "replicates. Writes pareto.csv, designs/*.json, hypervolume.csv, evaluations.csv, optimise.json "
        "(docs/optimisation.md)."),
        epilog="Example:\n  govsim optimise scenarios/experiments/optimise-charente.json --out results/optimise \\\n"
               "    --target non_recours_rate<=0.2 --budget 3000000",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("config", help="experiment config (JSON) with an \"optimise\" section")
    p.add_argument("--out", default="results/optimise", help="output folder")
    p.add_argument("--set", action="append", default=[], help="override a parameter: --set name=value")
    p.add_argument("--runs", type=int, help="replicates per design during the search (default: the config's)")
    p.add_argument("--final-runs", type=int, help="replicates of the final front (default: the section's, else 4 x runs)")
    p.add_argument("--evaluations", type=int, help="designs in the study in all (default: the section's)")
    p.add_argument("--seed", type=int, help="optimiser seed (default: the section's, else the config's)")
    p.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores); results do not depend on it")
    p.add_argument("--resume", action="store_true", help="continue the search in --out")
    p.add_argument("--force", action="store_true", help="replace a search already in --out")
    p.add_argument("--territory", help="run on this territory instead of the config's: an embedded name or a file")
    p.add_argument("--target", help="METRIC<=VALUE (or >=): does any evaluated design reach it?")
    p.add_argument("--budget", type=float, help="with --target: the most the cost metric may be (EUR)")
    p.add_argument("--merge", nargs="+", metavar="DIR",
                   help="pool the designs of finished searches of this config with other --seed values into one "
                        "front (no new search), written to --out")
    p.add_argument("--time-limit", type=float, metavar="SECONDS",
                   help="ask no new batch after this many seconds (continue later with --resume)")
    p.add_argument("--robust", action="store_true",
                   help="evaluate each design across plausible worlds (--runs worlds in the search, --final-runs on "
                        "the front) instead of replicates: objectives are means over the worlds, and pareto.csv "
                        "gives P(beats the baseline)")
    p.add_argument("--worlds", metavar="FILE",
                   help="with --robust: a worlds.csv of govsim worlds (default: data/worlds/<territory>/, else the prior)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return p


def _print(opt: Any) -> None:
    front = opt.front
    objs = [o["metric"] for o in opt.summary["objectives"]]
    unit = "plausible worlds" if (opt.summary.get("robust") or {}).get("worlds") == "plausible" else \
        "prior worlds" if opt.summary.get("robust") else "runs"
    print(f"{opt.summary['evaluations']} designs evaluated ({opt.summary['runs']} {unit} each); "
          f"front of {len(front)} re-evaluated with {opt.summary['final_runs']} {unit}; "
          f"hypervolume {opt.summary['hypervolume']:.4g}")
    print("baseline: " + ", ".join(f"{m}={opt.baseline[m]:.4g}" for m in objs))
    for _, r in front.iterrows():
        print(f"  {r['design']}: " + ", ".join(f"{m}={r[m]:.4g} [{r[m + '_ci_low']:.4g}, {r[m + '_ci_high']:.4g}]"
                                            for m in objs)
              + (f"; beats the baseline in {r['p_beats_baseline']:.0%} of the worlds; largest regret " + ", ".join(
                  f"{m}={r[m + '_regret_max']:.4g}" for m in objs) if "p_beats_baseline" in r else ""))
    if opt.reach is not None:
        a = opt.reach
        op = "<=" if a["at_most"] else ">="
        goal = f"{a['metric']} {op} {a['target']:g}" + (f" within {a['budget']:g} EUR" if a["budget"] is not None else "")
        if a["reached"]:
            print(f"target {goal}: reached; cheapest: " + ", ".join(
                f"{c['design']} ({a['metric']}={c[a['metric']]:.4g}, {a['cost_metric']}={c[a['cost_metric']]:.4g})"
                for c in a["cheapest"]))
        else:
            close, over = a.get("closest"), a.get("cheapest_over_budget")
            m, c = a["metric"], a["cost_metric"]
            print(f"target {goal}: not reached by any of {a['evaluated']} designs" +
                  (f"; closest within budget: {close['design']} ({m}={close[m]:.4g}, {c}={close[c]:.4g})"
                   if close else "; no design within budget") +
                  (f"; cheapest reaching it: {over['design']} ({m}={over[m]:.4g}, {c}={over[c]:.4g})" if over else ""))
    if opt.placed is not None and len(opt.placed):
        print(f"placed scenarios (as configured, {opt.summary['final_runs']} {unit}):")
        for _, r in opt.placed.iterrows():
            beaten = r["beaten_by"] if isinstance(r["beaten_by"], str) and r["beaten_by"] else ""
            print(f"  {r['scenario']}: " + ", ".join(f"{m}={r[m]:.4g}" for m in objs) +
                  (f"; beaten beyond its interval by {beaten}" if beaten else ""))
    print(f"\nresults in {opt.path.resolve()} (pareto.csv, designs/, hypervolume.csv"
          + (", placed.csv; `govsim report` on this folder writes its report" if opt.placed is not None else "") + ")")


def main(argv: Sequence[str] | None = None) -> int:
    # Under mpirun every rank runs this; only rank 0 prints (help, errors, results): the others
    # follow its engine calls (relay.py), then wait for it to have printed before they exit
    # (mpirun ends the job as soon as one rank exits non-zero).
    d = _core.distribution()
    if d["rank"] == 0:
        code = _main(argv)
    else:
        with open(os.devnull, "w") as null, redirect_stdout(null), redirect_stderr(null):
            code = _main(argv)
    if d["ranks"] > 1:
        sys.stdout.flush()
        sys.stderr.flush()
        _core.broadcast(b"")
    return code


def _main(argv: Sequence[str] | None) -> int:
    p = _parser()
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if e.code in (0, None) else 2
    try:
        from ..api import load_config
        from .optimiser import optimise

        target = parse_target(a.target) if a.target else None
        if a.budget is not None and target is None:
            raise ConfigError("--budget: at --budget: expected it with --target, got --budget alone")
        if a.worlds is not None and not a.robust:
            raise ConfigError(f"--worlds: at {a.worlds}: expected it with --robust, got --worlds alone")
        if a.time_limit is not None and not a.time_limit > 0:
            raise ConfigError(f"--time-limit: at {a.time_limit}: expected a number of seconds > 0, got {a.time_limit}")
        cfg = load_config(a.config, a.set or None, territory=a.territory)
        opt = optimise(cfg, evaluations=a.evaluations, runs=a.runs, threads=a.threads, out=a.out,
                       progress=not a.quiet and sys.stderr.isatty(), resume=a.resume, force=a.force,
                       final_runs=a.final_runs, seed=a.seed, target=target, budget=a.budget, merge=a.merge,
                       time_limit=a.time_limit, robust=a.robust, worlds=a.worlds)
    except (ConfigError, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"{e} (continue with --resume)", file=sys.stderr)
        return 130
    except LeaderFailed:  # an MPI rank other than 0: rank 0 reported its error
        return 1
    if opt is not None:  # None: an MPI rank other than 0
        _print(opt)
    return 0
