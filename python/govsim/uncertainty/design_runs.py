"""Designs run through the ensemble engine: every (point, scenario) pair as ordinary tasks of
the C++ engine, and the outcomes read back from the results store (replicate means and paired
standard errors); the headline metrics and directions the analyses judge them on."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import _core
from .._core import StoreError
from ..api import Config, ProgressArg, _progress_callback, _run_cancellable, _run_engine
from ..results import Results, metrics


def headline_metrics() -> list[str]:
    """Names of the headline metrics, in the model's metric order (the metric table's headline
    flag, ``models/inclusion/metrics.def``; the comparison table of ``govsim compare`` shows the same)."""
    return [str(m["name"]) for m in _core.metrics() if m["headline"]]


def _directions() -> dict[str, float]:
    m = metrics()
    return {n: (1.0 if h else -1.0) for n, h in zip(m["name"], m["higher_is_better"])}


def _run_design(cfg: Config, names: Sequence[str], unit: np.ndarray, *, runs: int | None, seed: int,
                threads: int, out: Path, progress: ProgressArg, resume: bool, force: bool,
                shard: tuple[int, int] | None, desc: str, arms: bool = True) -> dict[str, Any]:
    callback, bar = _progress_callback(progress, desc)
    cancel = _core.CancelFlag()
    shard_index, shard_count = shard if shard is not None else (0, 1)
    rows = np.asarray(unit, dtype=float).tolist()
    report = _run_cancellable(lambda: _run_engine(
            cfg, "design", str(out), runs=None if runs is None else int(runs), seed=int(seed),
            threads=int(threads),
            resume=resume, force=force, shard_index=int(shard_index), shard_count=int(shard_count),
            progress=callback, cancel=cancel, interval=0.2, design_parameters=list(names), design_unit=rows,
            design_arms=arms), cancel, bar, "govsim-design")
    if report.get("interrupted"):
        raise KeyboardInterrupt(f"interrupted: {report['runs_done']} runs saved in {report['store']}; "
                                f"complete them with resume=True (CLI: --resume)")
    return report


class IncompleteError(RuntimeError):
    """The results store does not hold every run of the design yet (a shard, or an interrupted run)."""


def scenario_references(res: Results, n_s: int, baseline: int) -> tuple[list[int | None], list[bool], list[bool]]:
    """From the roles of world 0's scenarios (the first ``n_s`` stored): each scenario's reference
    (the index it is compared with: the baseline, or for a territory comparison the baseline run
    on its territory; None for a reference itself), whether it takes part in the robustness
    comparison (an ``@as_configured`` arm, kept for cost-effectiveness, does not), and whether it
    is ranked (the scenarios compared on the main territory)."""
    stored = res.scenarios[:n_s]
    index = {name: k for k, name in enumerate(stored)}
    try:
        roles = res.scenario_roles()
    except Exception:  # a store without roles: every scenario against the baseline
        roles = None
    refs: list[int | None] = []
    keep: list[bool] = []
    ranked: list[bool] = []
    for k, name in enumerate(stored):
        role = roles.loc[name, "role"] if roles is not None and name in roles.index else "main"
        if role == "as_configured_arm":
            refs.append(None), keep.append(False), ranked.append(False)
        elif role == "territory_baseline":
            refs.append(None), keep.append(True), ranked.append(False)
        elif role == "territory_comparison":
            refs.append(index.get(roles.loc[name, "compared_with"], baseline)), keep.append(True), ranked.append(False)
        else:
            refs.append(None if k == baseline else baseline), keep.append(True), ranked.append(True)
    return refs, keep, ranked


def _outcomes(res: Results) -> tuple[list[str], list[str], int, np.ndarray, np.ndarray, np.ndarray]:
    """From a design store: parameter names, base scenario names, baseline index, unit design,
    mean[k, s, m] over replicates and paired-difference standard errors se[k, s, m]."""
    cfg = res.config
    design = cfg.get("design")
    if design is None:
        raise StoreError(f"{res.store}: not a robustness or sensitivity experiment (no design in its config)")
    names = list(design["parameters"])
    unit = np.asarray(design["unit_rows"], dtype=float)
    info = res.scenario_info
    base_names: list[str] = []
    for n in res.scenarios:
        b = info[n]["scenario"]
        if info[n]["world"] != 0:
            break
        base_names.append(b)
    n_s, n_k = len(base_names), unit.shape[0]
    baseline = base_names.index(str(cfg["baseline"]))
    runs = int(cfg["runs"])
    sc_a, rep_a, _, vals = res._reader.metric_matrix()
    n_m = len(res.metric_names)
    sc = sc_a
    expected = n_k * n_s * runs
    if len(sc) < expected:
        raise IncompleteError(f"{res.store}: {len(sc)} of {expected} runs; complete it (--resume) or merge the "
                              f"shards (govsim merge) first")
    keep = rep_a < runs
    cube = np.full((n_k * n_s, runs, n_m), np.nan)
    cube[sc_a[keep], rep_a[keep]] = vals[keep]
    cube = cube.reshape(n_k, n_s, runs, n_m)
    mean = cube.mean(axis=2)
    # Paired differences against each scenario's own reference (a territory comparison: the
    # baseline run on its territory), else the baseline.
    refs = [baseline if r is None else r for r in scenario_references(res, n_s, baseline)[0]]
    diff = cube - cube[:, refs]
    se = diff.std(axis=2, ddof=1) / math.sqrt(runs) if runs > 1 else np.full(mean.shape, np.nan)
    return names, base_names, baseline, unit, mean, se

