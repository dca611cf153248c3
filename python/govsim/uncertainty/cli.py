"""The command line of the uncertainty analyses: ``govsim robustness | sensitivity | discover``
(``python -m govsim.uncertainty``, which the ``govsim`` executable runs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .._core import ConfigError, StoreError
from .design_runs import IncompleteError
from .discovery import describe_box, discover, plot_box
from .global_sensitivity import sensitivity
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
    try:
        rob = robustness(cfg, samples=a.samples, method=a.method, parameters=params, runs=a.runs, seed=a.seed,
                         threads=a.threads, out=a.out, progress=not a.quiet and sys.stderr.isatty(), resume=a.resume, force=a.force,
                         shard=_shard(a.shard))
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
    print(rob.table(a.rank_by))
    print()
    print("\n".join(texts))
    print(f"\nresults in {out.resolve()} (robustness_*.csv, discovery.csv)")
    return 0


def _cli_sensitivity(a: argparse.Namespace) -> int:
    from ..api import load_config

    cfg = load_config(a.config, a.set or None, territory=a.territory)
    params = a.parameters.split(",") if a.parameters else None
    outcomes = a.outcomes.split(",") if a.outcomes else None
    try:
        df = sensitivity(cfg, method=a.method, samples=a.samples, parameters=params, outcomes=outcomes, runs=a.runs,
                         seed=a.seed, threads=a.threads, out=a.out, progress=not a.quiet and sys.stderr.isatty(), resume=a.resume,
                         force=a.force, shard=_shard(a.shard))
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
    b = discover(rob, a.scenario, a.metric, threshold=a.threshold)
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
    """``python -m govsim.uncertainty robustness|sensitivity|discover ...`` (``govsim`` dispatches here)."""
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
    s = sub.add_parser("sensitivity", help="Morris or Sobol' indices (SALib) of outcomes and differences",
                       description="Global sensitivity of each headline outcome and each scenario-minus-baseline "
                                   "difference. Example: govsim sensitivity scenarios/experiments/robustness-small.json "
                                   "--method morris --samples 4 --out results/morris")
    _common(s, "results/sensitivity")
    s.add_argument("--method", choices=["morris", "sobol"], default="morris", help="morris (screening) or sobol")
    s.add_argument("--outcomes", help="comma-separated metrics (default: the headline metrics)")
    s.add_argument("--rank-by", default="non_recours_rate", help="metric of the printed summary")
    d = sub.add_parser("discover", help="PRIM boxes where a scenario fails to beat the baseline",
                       description="Scenario discovery on a robustness results directory. Example: govsim discover "
                                   "results/robustness --scenario single-contracting-authority --plot box.png")
    d.add_argument("results", help="results directory of govsim robustness")
    d.add_argument("--scenario", required=True)
    d.add_argument("--metric", default="non_recours_rate")
    d.add_argument("--threshold", type=float, default=0.8, help="minimum density of the chosen box")
    d.add_argument("--plot", help="write a PNG of the box")
    try:
        a = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        if a.command == "robustness":
            return _cli_robustness(a)
        if a.command == "sensitivity":
            return _cli_sensitivity(a)
        return _cli_discover(a)
    except (ConfigError, StoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        print(f"{e}", file=sys.stderr)
        return 130
