"""The command line of the uncertainty analyses: ``govsim robustness | sensitivity | discover | worlds``
(``python -m govsim.uncertainty``, which the ``govsim`` executable runs)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .._core import ConfigError, StoreError
from .design_runs import IncompleteError
from .discovery import describe_box, discover, plot_box
from .global_sensitivity import sensitivity
from .history_matching import history_match, write_worlds
from .plausible_worlds import default_worlds
from .robust_comparison import open_robustness, robustness


def _common(ap: argparse.ArgumentParser, default_out: str) -> None:
    ap.add_argument("config", help="experiment config (JSON) with an optional uncertainty section")
    ap.add_argument("--samples", type=int, help="points (robustness), trajectories (morris) or base sample (sobol)")
    ap.add_argument("--parameters", help="comma-separated assumptions to vary (default: the config's, else all)")
    ap.add_argument("--runs", type=int, help="replicates per (world, scenario) (overrides the config)")
    ap.add_argument("--seed", type=int, help="master seed: sampling and replicates (overrides the config)")
    ap.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores); results do not depend on it")
    ap.add_argument("--out", default=default_out, help="output directory")
    ap.add_argument("--resume", action="store_true", help="complete an interrupted run in --out (or analyse merged shards)")
    ap.add_argument("--force", action="store_true", help="replace results already in --out")
    ap.add_argument("--shard", help="run only tasks i with i %% N == K: --shard K/N (merge with govsim merge)")
    ap.add_argument("--set", action="append", default=[], help="override a parameter: --set name=value")
    ap.add_argument("--territory", help="run on this territory instead of the config's: an embedded name or a "
                                        "territory file (.json, communes .csv)")
    ap.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _shard(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    try:
        k, n = (int(v) for v in text.split("/"))
    except ValueError:
        k, n = -1, 0
    if not (n >= 1 and 0 <= k < n):
        raise ConfigError(f"--shard: expected K/N with 0 <= K < N, got '{text}'")
    return k, n


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    df.to_csv(tmp, index=False)
    tmp.replace(path)


def _cli_robustness(a: argparse.Namespace) -> int:
    from ..api import load_config

    cfg = load_config(a.config, a.set or None, territory=a.territory)
    params = a.parameters.split(",") if a.parameters else None
    worlds = _worlds_arg(a)
    try:
        rob = robustness(cfg, samples=a.samples, method=a.method, parameters=params, runs=a.runs, seed=a.seed,
                         threads=a.threads, out=a.out, progress=not a.quiet and sys.stderr.isatty(), resume=a.resume, force=a.force,
                         shard=_shard(a.shard), worlds=worlds)
    except IncompleteError as e:
        print(f"{e}", file=sys.stderr)
        return 0 if a.shard else 1
    out = Path(a.out)
    _write_csv(rob.probability, out / "robustness_probability.csv")
    _write_csv(rob.ranks, out / "robustness_ranks.csv")
    _write_csv(rob.regret, out / "robustness_regret.csv")
    _write_csv(rob.worlds, out / "robustness_worlds.csv")
    boxes, texts = [], []
    for s in rob.compared:
        b = discover(rob, s, a.discover_metric)
        texts.append(describe_box(b))
        bb = b.copy()
        for k in ("scenario", "metric", "coverage", "density", "mass", "n_failures", "n_worlds"):
            bb[k] = b.attrs.get(k)
        boxes.append(bb)
    disc = pd.concat(boxes, ignore_index=True) if boxes else pd.DataFrame()
    _write_csv(disc, out / "discovery.csv")
    (out / "discovery.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
    src = rob.extra.get("worlds")
    print("worlds: " + (f"{rob.n_worlds} plausible worlds of {rob.extra.get('file')} (history matching, govsim worlds)"
                        if src == "plausible" else "drawn from the prior (the whole uncertainty space)"))
    print(rob.table(a.rank_by))
    print()
    print("\n".join(texts))
    print(f"\nresults in {out.resolve()} (robustness_*.csv, discovery.csv)")
    return 0


def _worlds_arg(a: argparse.Namespace) -> str | None:
    """robustness --worlds: a file, "prior", or by default the shipped plausible worlds of the
    config's territory (data/worlds/<territory>/worlds.csv) when there are some."""
    if a.worlds == "prior":
        return None
    if a.worlds is not None:
        return a.worlds
    territory = a.territory
    if territory is None:
        try:
            territory = json.loads(Path(a.config).read_text(encoding="utf-8")).get("territory")
        except (OSError, ValueError, AttributeError):
            territory = None
    found = default_worlds(a.config, territory)
    return None if found is None else str(found)


def _cli_worlds(a: argparse.Namespace) -> int:
    params = a.parameters.split(",") if a.parameters else None
    result = history_match(a.config, targets=a.targets, samples=a.samples, waves=a.waves, runs=a.runs,
                           method=a.method, cutoff=a.cutoff, discrepancy=a.discrepancy, parameters=params, seed=a.seed,
                           population_scale=a.scale, threads=a.threads, progress=not a.quiet and sys.stderr.isatty())
    command = "govsim worlds " + " ".join(sys.argv[2:] if sys.argv[1:2] == ["worlds"] else sys.argv[1:])
    out = write_worlds(result, a.out, command)
    print(result.summary())
    print(f"\nresults in {out.resolve()} (worlds.csv, waves.csv, ranges.csv, holdout.csv, implausibility.csv, "
          f"provenance.json)")
    return 0 if len(result.worlds) else 1


def _cli_sensitivity(a: argparse.Namespace) -> int:
    from ..api import load_config

    cfg = load_config(a.config, a.set or None, territory=a.territory)
    params = a.parameters.split(",") if a.parameters else None
    outcomes = a.outcomes.split(",") if a.outcomes else None
    try:
        df = sensitivity(cfg, method=a.method, samples=a.samples, parameters=params, outcomes=outcomes, runs=a.runs,
                         seed=a.seed, threads=a.threads, out=a.out, progress=not a.quiet and sys.stderr.isatty(), resume=a.resume,
                         force=a.force, shard=_shard(a.shard), worlds=a.worlds)
    except IncompleteError as e:
        print(f"{e}", file=sys.stderr)
        return 0 if a.shard else 1
    out = Path(a.out)
    _write_csv(df, out / f"sensitivity_{a.method}.csv")
    key = "mu_star" if a.method == "morris" else "ST"
    for kind in ("outcome", "difference"):
        sub = df[(df["kind"] == kind) & (df["metric"] == a.rank_by)]
        if sub.empty:
            continue
        top = sub.groupby("parameter")[key].max().sort_values(ascending=False).head(10)
        print(f"{a.rank_by} ({kind}s): top parameters by {key} (max over scenarios)")
        for p, v in top.items():
            print(f"  {p:48s} {v:.4g}")
    print(f"\nresults in {out.resolve()} (sensitivity_{a.method}.csv)")
    return 0


def _cli_discover(a: argparse.Namespace) -> int:
    rob = open_robustness(a.results)
    b = discover(rob, a.scenario, a.metric, threshold=a.threshold, worlds=a.worlds)
    print(describe_box(b))
    if not b.empty:
        print(b.to_string(index=False))
    if a.plot:
        import matplotlib

        matplotlib.use("Agg")
        ax = plot_box(b)
        ax.figure.tight_layout()
        ax.figure.savefig(a.plot, dpi=120)
        print(f"plot: {a.plot}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m govsim.uncertainty robustness|sensitivity|discover|worlds ...`` (``govsim`` dispatches here)."""
    ap = argparse.ArgumentParser(prog="govsim", description="Uncertainty analyses (docs/uncertainty.md).")
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("robustness", help="N plausible worlds x every scenario: P(beat baseline), ranks, regret",
                       description="Draws points of the uncertainty space (the config's uncertainty section) and runs "
                                   "every scenario in each, on common random numbers. Example: govsim robustness "
                                   "scenarios/experiments/robustness-small.json --out results/robustness")
    _common(r, "results/robustness")
    r.add_argument("--method", choices=["lhs", "sobol"], help="how worlds are drawn (default: the config's, else lhs)")
    r.add_argument("--rank-by", default="non_recours_rate", help="metric of the printed table")
    r.add_argument("--discover-metric", default="non_recours_rate", help="metric for the PRIM boxes")
    r.add_argument("--worlds", help="plausible worlds (a worlds.csv of govsim worlds) to draw the worlds from "
                                    "(--samples of them, else the config's uncertainty.samples, at most all), or \"prior\"; default: the shipped worlds "
                                    "of the config's territory (data/worlds/TERRITORY/) if any, else the prior")
    s = sub.add_parser("sensitivity", help="Morris or Sobol' indices (SALib) of outcomes and differences",
                       description="Global sensitivity of each headline outcome and each scenario-minus-baseline "
                                   "difference. Example: govsim sensitivity scenarios/experiments/robustness-small.json "
                                   "--method morris --samples 4 --out results/morris")
    _common(s, "results/sensitivity")
    s.add_argument("--method", choices=["morris", "sobol"], default="morris", help="morris (screening) or sobol")
    s.add_argument("--outcomes", help="comma-separated metrics (default: the headline metrics)")
    s.add_argument("--rank-by", default="non_recours_rate", help="metric of the printed summary")
    s.add_argument("--worlds", help="sample within the box the plausible worlds of this worlds.csv span")
    w = sub.add_parser("worlds", help="history matching: the worlds whose status quo reproduces every fit target",
                       description="Samples the uncertainty space in waves, runs the config's baseline (the status "
                                   "quo) at reduced scale in each world and keeps the worlds whose implausibility is "
                                   "at most --cutoff on every fit target (docs/uncertainty.md, Plausible worlds). "
                                   "Example: govsim worlds scenarios/experiments/seed-scenarios.json --out results/worlds")
    w.add_argument("config", help="experiment config (JSON): its baseline is run in each world")
    w.add_argument("--samples", type=int, default=64, help="worlds sampled per wave (default 64)")
    w.add_argument("--parameters", help="comma-separated assumptions to vary (default: every varied assumption)")
    w.add_argument("--runs", type=int, default=2, help="replicates per world (default 2)")
    w.add_argument("--seed", type=int, help="sampling seed (default: the config's)")
    w.add_argument("--threads", type=int, default=0, help="worker threads (0 = all cores)")
    w.add_argument("--out", default="results/worlds", help="output directory")
    w.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    w.add_argument("--targets", action="append", help="targets file (repeatable; default "
                                                      "data/targets/activity-2023.json and data/targets/non-take-up-2021.json; "
                                                      "add data/targets/trend-2021.json at ~19 s a world)")
    w.add_argument("--waves", type=int, default=2, help="waves (each resamples the box of the previous survivors)")
    w.add_argument("--method", choices=["lhs", "sobol"], default="lhs", help="how each wave draws its points")
    w.add_argument("--cutoff", type=float, default=3.0, help="largest implausibility kept (default 3)")
    w.add_argument("--discrepancy", type=float, default=0.1,
                   help="model discrepancy sd as a share of the observed value (default 0.1)")
    w.add_argument("--scale", type=float, default=0.1, help="share of adults simulated (default 0.1)")
    d = sub.add_parser("discover", help="PRIM boxes where a scenario fails to beat the baseline",
                       description="Scenario discovery on a robustness results directory. Example: govsim discover "
                                   "results/robustness --scenario single-contracting-authority --plot box.png")
    d.add_argument("results", help="results directory of govsim robustness")
    d.add_argument("--scenario", required=True)
    d.add_argument("--metric", default="non_recours_rate")
    d.add_argument("--threshold", type=float, default=0.8, help="minimum density of the chosen box")
    d.add_argument("--plot", help="write a PNG of the box")
    d.add_argument("--worlds", help="keep only the worlds inside the box the plausible worlds of this worlds.csv span")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if a.command == "robustness":
            return _cli_robustness(a)
        if a.command == "sensitivity":
            return _cli_sensitivity(a)
        if a.command == "worlds":
            return _cli_worlds(a)
        return _cli_discover(a)
    except (ConfigError, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"{e}", file=sys.stderr)
        return 130
