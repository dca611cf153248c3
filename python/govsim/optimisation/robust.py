"""``govsim optimise --robust``: designs evaluated across plausible worlds instead of replicates.

Each batch is one run of the engine's design mode (every world x the baseline and the batch's
designs, one run per world on the config's seed) and a world plays the part of a replicate:
``Replicates.values[d, w, m]`` is design d's outcome in world w. The search's objectives are
then means over the worlds (the expected outcome across what the data allow), paired with the
baseline world by world, and the final front keeps a design unless another beats it beyond the
interval of their paired difference across worlds. The first ``runs`` worlds serve the search,
the first ``final_runs`` the final front (the same worlds in every batch: common worlds as
common random numbers). The worlds are the plausible worlds of ``govsim worlds`` (a worlds.csv;
by default the shipped set of the config's territory, ``data/worlds/<territory>/``), else draws
from the prior uncertainty space (Latin hypercube), in a seeded order. Beside each design's
means, ``p_beats_baseline`` is the share of worlds where it does better than the baseline on
the first objective (Wilson 95% interval), the robustness a rapporteur quotes; and, per objective,
the regret an EMA workbench user expects: in each world, how much worse a design does than the
best of the designs that met every one of the front's worlds (the baseline and the feasible
candidates of the final re-evaluation), with its maximum and 90th percentile over the worlds.
Regret is reported on the final front only, not searched on: during the search each batch meets
the worlds with its own designs, so a regret there would be against a set that changes from batch
to batch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core import ConfigError
from ..api import Config, PathArg
from ..results import Results
from .evaluation import ModelEvaluator, Replicates, batch_config, lever_names, list_designs, store_of
from .space import SearchSpace


REGRET_NOTE = ("per world, a design's outcome minus the best outcome in that world among the baseline and the "
               "feasible designs of the final re-evaluation (in the objective's direction); pareto.csv gives its "
               "maximum and 90th percentile over the worlds per objective; not a search objective (during the "
               "search the designs that meet the worlds change with each batch)")


class RobustEvaluator:
    """An evaluator (``(designs, runs, out, resume) -> Replicates``) whose replicates are worlds."""

    def __init__(self, config: Config, worlds: PathArg | None = None, threads: int = 0, progress: bool = False,
                 seed: int | None = None) -> None:
        from ..uncertainty.plausible_worlds import default_worlds, read_worlds
        from ..uncertainty.uncertainty_space import sample, space

        self.config, self.threads, self.progress = config, threads, progress
        self.seed = int(config.seed if seed is None else seed)
        source = config._source
        path = worlds if worlds is not None else default_worlds(
            None if isinstance(source, tuple) else source, config.to_dict().get("territory"))
        if path is not None:
            self.names, unit = read_worlds(path)
            order = np.random.default_rng(self.seed).permutation(len(unit))
            self.unit = unit[order]
            self.source = {"worlds": "plausible", "file": str(path), "n_plausible": int(len(unit))}
        else:
            self.names = list(space()["name"])
            self.unit = sample(self.names, "lhs", 256, self.seed)
            self.source = {"worlds": "prior", "method": "lhs", "n_drawn": 256}

    def worlds(self, n: int) -> np.ndarray:
        if n > len(self.unit):
            raise ConfigError(f"--runs: at {n}: expected at most the {len(self.unit)} worlds available "
                              f"({self.source.get('file', 'the prior sample')}), got {n}")
        return self.unit[:n]

    def __call__(self, designs: Sequence[Mapping[str, Any]], runs: int, out: Path, resume: bool) -> Replicates:
        cfg = batch_config(self.config, ModelEvaluator(self.config).document(designs, 1), "robust optimise batch",
                           lever_names(designs))
        key = {"designs": list(designs), "worlds": int(runs)}
        stored = store_of(out, key)
        rep = self.run(cfg, int(runs), out, resume=resume and stored, force=not resume and stored)
        list_designs(out, key)
        return rep

    def run(self, cfg: Config, worlds: int, out: Path, resume: bool, force: bool = False) -> Replicates:
        """Every scenario of ``cfg`` (the baseline first) in the first ``worlds`` worlds, one run
        each on this evaluator's seed, into the store ``out``: values[scenario, world, metric]."""
        from ..uncertainty.design_runs import _outcomes, _run_design

        _run_design(cfg, self.names, self.worlds(worlds), runs=1, seed=self.seed, threads=self.threads, out=out,
                    progress=self.progress, resume=resume, force=force, shard=None, desc="govsim optimise --robust")
        res = Results(out)
        _names, _scen, _base, _unit, mean, _se = _outcomes(res)
        return Replicates(list(res.metric_names), np.transpose(mean, (1, 0, 2)))


def p_beats(rep: Replicates, d: int, metric: str, minimise: bool) -> tuple[float, float, float]:
    """Share of worlds (replicates) where design d does better than the baseline (design 0) on
    ``metric``, and its Wilson 95% interval."""
    x = rep.column(metric)
    ok = np.isfinite(x[d]) & np.isfinite(x[0])
    n = int(ok.sum())
    if n == 0:
        return math.nan, math.nan, math.nan
    from ..uncertainty.robust_comparison import _wilson

    p = int(((x[d] < x[0]) if minimise else (x[d] > x[0]))[ok].sum()) / n
    return (p, *_wilson(p, n))


def regrets(rep: Replicates, metric: str, minimise: bool, among: Sequence[int]) -> np.ndarray:
    """regret[d, w] of every design d of ``rep`` in world w on ``metric``: how much worse it does
    than the best of the designs ``among`` in that world (>= 0 for those; NaN where a world lacks
    an outcome)."""
    x = rep.column(metric)
    ref = x[list(among)]
    with np.errstate(all="ignore"):
        best = np.nanmin(ref, axis=0) if minimise else np.nanmax(ref, axis=0)
    return x - best if minimise else best - x


def robust_columns(front: pd.DataFrame, rep: Replicates, candidates: Sequence[str], feasible: Sequence[bool],
                   space: SearchSpace) -> pd.DataFrame:
    """pareto.csv's columns across worlds: ``p_beats_baseline`` (first objective) with its Wilson
    interval, and per objective ``<metric>_regret_max`` and ``<metric>_regret_p90`` over the
    worlds, the regret against the baseline and the feasible ``candidates`` of the final front
    (``rep``: baseline then candidates, in order)."""
    front = front.copy()
    if not len(front):
        return front
    index = {n: k + 1 for k, n in enumerate(candidates)}
    rows = [index[n] for n in front["design"]]
    first = space.objectives[0]
    p = [p_beats(rep, d, first.metric, first.direction == "minimise") for d in rows]
    for j, col in enumerate(("p_beats_baseline", "p_beats_baseline_ci_low", "p_beats_baseline_ci_high")):
        front[col] = [x[j] for x in p]
    among = [0] + [k + 1 for k, ok in enumerate(feasible) if ok]
    for o in space.objectives:
        r = regrets(rep, o.metric, o.direction == "minimise", among)[rows]
        with np.errstate(all="ignore"):
            front[f"{o.metric}_regret_max"] = np.nanmax(r, axis=1)
            front[f"{o.metric}_regret_p90"] = np.nanpercentile(r, 90, axis=1)
    return front
