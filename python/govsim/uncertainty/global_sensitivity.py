"""Global sensitivity: Morris screening or Sobol' first/total indices (SALib sampling and
analysis) of each headline outcome and each scenario-minus-baseline difference."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core import ConfigError
from ..api import Config, PathArg, ProgressArg, _as_config
from ..results import Results
from .design_runs import _outcomes, _run_design, headline_metrics
from .plausible_worlds import plausible_box, worlds_source, write_worlds_source
from .uncertainty_space import _problem, sample, space


def analyse(method: str, names: Sequence[str], unit: np.ndarray, y: np.ndarray, seed: int = 1,
            num_resamples: int = 200, conf_level: float = 0.95) -> pd.DataFrame:
    """SALib analysis of outputs ``y`` (one per design row of ``unit``) for ``names``.

    method "morris": columns mu, mu_star, mu_star_conf, sigma (elementary effects per unit of
    quantile). method "sobol" (design from ``sample(..., "saltelli")``): S1, S1_conf, ST,
    ST_conf (bootstrap confidence half-widths at ``conf_level``). One row per parameter.
    """
    problem = _problem(names)
    y = np.asarray(y, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "morris":
            from SALib.analyze import morris

            r = morris.analyze(problem, np.asarray(unit, dtype=float), y, num_resamples=num_resamples,
                               conf_level=conf_level, num_levels=4, seed=seed)
            cols = ["mu", "mu_star", "mu_star_conf", "sigma"]
        elif method == "sobol":
            from SALib.analyze import sobol

            if np.var(y) == 0:  # a constant output: every index is zero (SALib would divide by 0)
                z = np.zeros(len(names))
                r = {"S1": z, "S1_conf": z, "ST": z, "ST_conf": z}
            else:
                r = sobol.analyze(problem, y, calc_second_order=False, num_resamples=num_resamples,
                                  conf_level=conf_level, seed=seed)
            cols = ["S1", "S1_conf", "ST", "ST_conf"]
        else:
            raise ConfigError(f"method: expected morris or sobol, got {method!r}")
    df = pd.DataFrame({"parameter": list(names)})
    for c in cols:
        df[c] = np.asarray(r[c], dtype=float)
    return df


def sensitivity_of_function(func: Callable[[np.ndarray], np.ndarray], bounds: Mapping[str, tuple[float, float]],
                            method: str = "sobol", samples: int = 1024, seed: int = 1,
                            num_resamples: int = 200) -> pd.DataFrame:
    """The sensitivity pipeline (sample, evaluate, analyse) on a function of uniform inputs.

    For checking the pipeline on analytical functions (e.g. SALib's Ishigami): ``func`` maps an
    array of rows of values (one column per name of ``bounds``) to outputs.
    """
    names = list(bounds)
    unit = sample(names, "saltelli" if method == "sobol" else method, samples, seed)
    lo = np.array([bounds[n][0] for n in names], dtype=float)
    hi = np.array([bounds[n][1] for n in names], dtype=float)
    y = np.asarray(func(lo + unit * (hi - lo)), dtype=float)
    return analyse(method, names, unit, y, seed=seed, num_resamples=num_resamples)


def sensitivity(config: Config | PathArg | Mapping[str, Any], method: str = "morris", samples: int | None = None,
                parameters: str | Sequence[str] | None = None, outcomes: Sequence[str] | None = None,
                runs: int | None = None, seed: int | None = None, threads: int = 0, out: PathArg | None = None,
                progress: ProgressArg = True, *, resume: bool = False, force: bool = False,
                shard: tuple[int, int] | None = None, num_resamples: int = 200,
                worlds: PathArg | None = None) -> pd.DataFrame:
    """Global sensitivity (SALib) of each outcome and each scenario-minus-baseline difference.

    method "morris": ``samples`` trajectories (default: the config's uncertainty.samples, else
    10), len(parameters) + 1 points each. method "sobol": Saltelli design of ``samples`` x
    (len(parameters) + 2) points (a power of 2; default 64). Every point runs every scenario of
    ``config`` ``runs`` times on common random numbers; outputs are the replicate means.
    ``outcomes`` are metric names (default: the headline metrics). With ``worlds`` (a worlds.csv
    of :func:`history_match`) the design is drawn in the box the plausible worlds span (quantile
    coordinates; indices then refer to that box).

    Returns a DataFrame, one row per (target, parameter): method, metric, scenario, kind
    ("outcome": the scenario's value; "difference": scenario minus baseline), parameter and the
    indices (morris: mu, mu_star, mu_star_conf, sigma; sobol: S1, S1_conf, ST, ST_conf).
    """
    if method not in ("morris", "sobol"):
        raise ConfigError(f"method: expected \"morris\" or \"sobol\", got {method!r}")
    cfg = _as_config(config, None)
    u = cfg.experiment.uncertainty or {}
    names = list(space(parameters)["name"]) if parameters is not None else \
        list(u.get("parameters") or space()["name"])
    n = int(samples if samples is not None else u.get("samples", 10 if method == "morris" else 64))
    s = cfg.seed if seed is None else int(seed)
    unit = sample(names, "morris" if method == "morris" else "saltelli", n, s)
    out_dir = Path(tempfile.mkdtemp(prefix="govsim-sensitivity-")) if out is None else Path(out)
    source: dict[str, Any] = {"worlds": "prior"}
    if worlds is not None:
        # The plausible region: the box the plausible worlds span (quantile coordinates).
        box_names, lo, hi = plausible_box(worlds)
        pos = {nm: j for j, nm in enumerate(box_names)}
        low = np.array([lo[pos[nm]] if nm in pos else 0.0 for nm in names])
        high = np.array([hi[pos[nm]] if nm in pos else 1.0 for nm in names])
        unit = low + unit * (high - low)
        source = {"worlds": "plausible", "file": str(worlds), "box_low": low.tolist(), "box_high": high.tolist()}
    _run_design(cfg, names, unit, runs=runs, seed=s, threads=threads, out=out_dir, progress=progress,
                resume=resume, force=force, shard=shard, desc=f"govsim sensitivity ({method})")
    write_worlds_source(out_dir, source)  # after the runs: bad input leaves nothing written
    return analyse_results(out_dir, method, outcomes=outcomes, seed=s, num_resamples=num_resamples)


def analyse_results(path: PathArg, method: str, outcomes: Sequence[str] | None = None, seed: int = 1,
                    num_resamples: int = 200) -> pd.DataFrame:
    """The sensitivity table of a results directory written by :func:`sensitivity` (or merged shards)."""
    res = Results(path)
    names, scen, baseline, unit, mean, _ = _outcomes(res)
    src = worlds_source(path)
    if "box_low" in src:  # sampled in the plausible box: indices on the box's own quantile scale
        low, high = np.asarray(src["box_low"]), np.asarray(src["box_high"])
        unit = (unit - low) / np.where(high > low, high - low, 1.0)
    mnames = res.metric_names
    wanted = list(outcomes) if outcomes is not None else [m for m in headline_metrics() if m in mnames]
    bad = [m for m in wanted if m not in mnames]
    if bad:
        raise ConfigError(f"outcomes: expected metric names (govsim describe --metrics), got {bad}")
    frames = []
    for m in wanted:
        j = mnames.index(m)
        for s in range(len(scen)):
            targets = [("outcome", mean[:, s, j])]
            if s != baseline:
                targets.append(("difference", mean[:, s, j] - mean[:, baseline, j]))
            for kind, y in targets:
                df = analyse(method, names, unit, y, seed=seed, num_resamples=num_resamples)
                df.insert(0, "kind", kind)
                df.insert(0, "scenario", scen[s])
                df.insert(0, "metric", m)
                df.insert(0, "method", method)
                frames.append(df)
    return pd.concat(frames, ignore_index=True)

