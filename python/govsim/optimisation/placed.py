"""The scenarios placed beside the front (the section's ``place`` list, e.g. the consultation's
seed scenarios): run as configured against the baseline at the final front's replicates and
seed (common random numbers, so their paired differences compare with the designs'), written as
``placed.csv`` and as an ordinary results store in ``placed/`` (``govsim report`` reads both);
and, with ``warm_start``, their lever values projected onto the search space as its first
designs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..api import Config, compare
from .evaluation import Replicates, batch_config, batch_document, replicates_of
from .front import beaten_beyond_interval
from .space import SearchSpace

PLACED_DIR = "placed"
PLACED_CSV = "placed.csv"


def placed_config(cfg: Config, space: SearchSpace, runs: int) -> Config:
    """A config comparing the baseline with the placed scenarios (their files), with the config's
    own parameters and overrides (--set, --territory) applied as to the designs."""
    doc = batch_document(cfg, [file for _, file in space.place], runs)
    doc["name"] = f"{cfg.name}-placed"
    return batch_config(cfg, doc, "placed scenarios")


def warm_start_designs(cfg: Config, space: SearchSpace) -> list[dict[str, Any]]:
    """Each placed scenario's lever values (after the config's overrides), projected onto the
    search space (Lever.project); a scenario with a discrete value outside a lever's choices is
    left out, as is a design listed twice."""
    placed = placed_config(cfg, space, 2)
    out: list[dict[str, Any]] = []
    for name, _ in space.place:
        params = placed.scenario_parameters(name)
        design = {lv.name: lv.project(params[lv.name]) for lv in space.levers}
        if all(v is not None for v in design.values()) and design not in out:
            out.append(design)
    return out


def place(cfg: Config, space: SearchSpace, runs: int, out: Path, front_rep: Any, front_names: Sequence[str | None],
          metrics: Sequence[str], threads: int = 0, progress: bool = False, worlds: Any = None) -> pd.DataFrame:
    """Runs the placed scenarios with the baseline (``runs`` replicates, the config's seed) into
    ``out/placed`` and returns placed.csv's table: each scenario, each metric's mean with its
    95% interval and its paired difference from the baseline, and the front design (if any)
    that beats it beyond the interval on every objective. ``front_rep``: the final front's
    Replicates (same replicates and seed), ``front_names`` its candidates in order (None for one
    that left the front). ``worlds``: the search's RobustEvaluator under --robust (the scenarios
    then run in the front's ``runs`` worlds, paired with it world by world, instead of replicates)."""
    pcfg = placed_config(cfg, space, runs)
    store = out / PLACED_DIR
    resume = (store / "results.sqlite").is_file()
    if worlds is None:
        rep = replicates_of(compare(pcfg, threads=threads, out=store, progress=progress, resume=resume),
                            len(space.place) + 1, runs)
    else:
        rep = worlds.run(pcfg, runs, store, resume=resume)
    metrics = [m for m in metrics if m in rep.metrics]
    titles = {str(s["name"]): str(s.get("title") or s["name"]) for s in pcfg.to_dict()["scenarios"]}
    rows = []
    for k, (name, _) in enumerate(space.place, start=1):
        row: dict[str, Any] = {"scenario": name, "title": titles.get(name, name)}
        for m in metrics:
            row[m], row[f"{m}_ci_low"], row[f"{m}_ci_high"] = rep.interval(k, m)
            row[f"{m}_diff"], row[f"{m}_diff_ci_low"], row[f"{m}_diff_ci_high"] = rep.paired(k, 0, m)
        row["beaten_by"] = _beaten_by(space, rep, k, front_rep, front_names)
        rows.append(row)
    table = pd.DataFrame(rows)
    table.to_csv(out / PLACED_CSV, index=False)
    return table


def _beaten_by(space: SearchSpace, placed: Any, k: int, front: Any, names: Sequence[str | None]) -> str:
    """The first front design that beats placed scenario k beyond the interval on every objective.
    The two batches share the seed, so replicate r of each ran on the same streams: the paired
    differences are taken across them (a joint Replicates of the scenario and the front)."""
    if front is None or not any(names):
        return ""
    common = [m for m in front.metrics if m in placed.metrics]
    n = min(placed.values.shape[1], front.values.shape[1])
    cube = np.concatenate([placed.values[[k], :n][:, :, [placed.metrics.index(m) for m in common]],
                           front.values[1:, :n][:, :, [front.metrics.index(m) for m in common]]])
    joint = Replicates(common, cube)
    for j, name in enumerate(names, start=1):
        if name is not None and beaten_beyond_interval(joint, space, 0, j):
            return str(name)
    return ""
