"""How robust is the ranking? Robust comparison, global sensitivity and scenario discovery.

The uncertainty space is the registry's: every assumption has a plausible range and
distribution (``models/inclusion/uncertainty.def``, :func:`space`). Points of that space are
drawn here in the unit hypercube (SALib and SciPy samplers), mapped to parameter values by the
engine (the same quantile function as :func:`design_values`), and every (point, scenario) pair
is run as ordinary tasks of the C++ ensemble engine: parallel, bit-identical for any thread
count, stored in the results store, resumable, mergeable with shards. Replicate r of every pair
shares its random streams (common random numbers), so scenario differences within a point are
paired.

- :func:`robustness`: N points x every scenario; probability of beating the baseline on each
  headline metric, rank distribution and regret, with Monte Carlo errors.
- :func:`sensitivity`: Morris screening or Sobol' first/total indices (SALib sampling and
  analysis) of each headline outcome and each scenario-minus-baseline difference.
- :func:`discover`: PRIM boxes (EMA workbench) of the worlds where a scenario fails to beat the
  baseline.

``govsim robustness``, ``govsim sensitivity`` and ``govsim discover`` run this module
(``python -m govsim.uncertainty``). docs/uncertainty.md explains what each answers and costs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._core import ConfigError, StoreError
from .api import Config, PathArg, ProgressArg, _as_config, _progress_callback, _run_cancellable
from .results import Results, metrics

__all__ = ["space", "design_values", "sample", "analyse", "robustness", "open_robustness", "Robustness",
           "sensitivity", "sensitivity_of_function", "discover", "headline_metrics", "HEADLINE"]

#: How many metrics (in ``govsim describe --metrics`` order) are headline metrics, as in the
#: comparison table of ``govsim compare``.
HEADLINE = 9


def headline_metrics() -> list[str]:
    """Names of the headline metrics (the first nine of the model's metric list)."""
    return list(metrics()["name"][:HEADLINE])


def _directions() -> dict[str, float]:
    m = metrics()
    return {n: (1.0 if h else -1.0) for n, h in zip(m["name"], m["higher_is_better"])}


# ---- the uncertainty space ----------------------------------------------------------------------
def space(parameters: str | Sequence[str] = "assumptions", include_fixed: bool = False) -> pd.DataFrame:
    """The uncertainty space from the registry: one row per assumption with a plausible range.

    Columns: name, distribution, low, high, default, unit, reason. ``parameters`` is
    "assumptions" (every varied one) or a list of names; ``include_fixed`` adds the assumptions
    that are not varied (distribution "fixed").
    """
    p = _core.parameters()
    rows = [{"name": d["name"], "distribution": d["distribution"], "low": d["uncertainty_low"],
             "high": d["uncertainty_high"], "default": d["default"], "unit": d["unit"],
             "reason": d["uncertainty_reason"]} for d in p if d["distribution"] is not None]
    df = pd.DataFrame(rows, columns=["name", "distribution", "low", "high", "default", "unit", "reason"])
    if not include_fixed:
        df = df[df["distribution"] != "fixed"]
    if not isinstance(parameters, str):
        wanted = list(parameters)
        unknown = [n for n in wanted if n not in set(df["name"])]
        if unknown:
            raise ConfigError(f"parameters: expected names of assumptions with a plausible range, got {unknown}")
        df = df.set_index("name").loc[wanted].reset_index()
    elif parameters != "assumptions":
        raise ConfigError(f"parameters: expected \"assumptions\" or a list of names, got {parameters!r}")
    return df.reset_index(drop=True)


def design_values(names: Sequence[str], unit: np.ndarray) -> pd.DataFrame:
    """Parameter values of unit-hypercube points (one column per name), as the engine maps them."""
    u = np.asarray(unit, dtype=float)
    return pd.DataFrame(_core.design_values(list(names), u.tolist()), columns=list(names))


def _problem(names: Sequence[str]) -> dict[str, Any]:
    # SALib works in the unit hypercube; the registry's distributions map it to values. Sobol'
    # indices are invariant under these monotone maps; Morris effects are per unit of quantile.
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def sample(names: Sequence[str], method: str, samples: int, seed: int) -> np.ndarray:
    """Unit-hypercube design (rows = points) drawn by SALib or SciPy, deterministic in ``seed``.

    method: "lhs" (SALib Latin hypercube, ``samples`` points), "sobol" (scrambled Sobol'
    sequence, SciPy, ``samples`` points), "morris" (SALib Morris trajectories, ``samples``
    trajectories of len(names) + 1 points, 4 levels) or "saltelli" (SALib's Sobol'-index design,
    ``samples`` x (len(names) + 2) points; ``samples`` should be a power of 2).
    """
    problem = _problem(names)
    n = int(samples)
    if n < 2:
        raise ConfigError(f"samples: expected an integer >= 2, got {samples}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib's notes on sample sizes; docs/uncertainty.md
        if method == "lhs":
            from SALib.sample import latin

            x = latin.sample(problem, n, seed=seed)
        elif method == "sobol":
            from scipy.stats import qmc

            x = qmc.Sobol(len(names), scramble=True, seed=seed).random(n)
        elif method == "morris":
            from SALib.sample import morris

            x = morris.sample(problem, n, num_levels=4, seed=seed)
        elif method == "saltelli":
            from SALib.sample import sobol

            x = sobol.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
        else:
            raise ConfigError(f"method: expected lhs, sobol, morris or saltelli, got {method!r}")
    return np.clip(np.asarray(x, dtype=float), 0.0, 1.0)


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


# ---- running designs through the ensemble engine ----------------------------------------------
def _run_design(cfg: Config, names: Sequence[str], unit: np.ndarray, *, runs: int | None, seed: int,
                threads: int, out: Path, progress: ProgressArg, resume: bool, force: bool,
                shard: tuple[int, int] | None, desc: str) -> dict[str, Any]:
    callback, bar = _progress_callback(progress, desc)
    cancel = _core.CancelFlag()
    shard_index, shard_count = shard if shard is not None else (0, 1)
    rows = np.asarray(unit, dtype=float).tolist()
    report = _run_cancellable(lambda: _core.run_experiment(
            cfg.experiment, "design", str(out), runs=None if runs is None else int(runs), seed=int(seed),
            threads=int(threads),
            resume=resume, force=force, shard_index=int(shard_index), shard_count=int(shard_count),
            progress=callback, cancel=cancel, interval=0.2, design_parameters=list(names), design_unit=rows), cancel, bar, "govsim-design")
    if report.get("interrupted"):
        raise KeyboardInterrupt(f"interrupted: {report['runs_done']} runs saved in {report['store']}; "
                                f"complete them with resume=True (CLI: --resume)")
    return report


class IncompleteError(RuntimeError):
    """The results store does not hold every run of the design yet (a shard, or an interrupted run)."""


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
    diff = cube - cube[:, baseline:baseline + 1]
    se = diff.std(axis=2, ddof=1) / math.sqrt(runs) if runs > 1 else np.full(mean.shape, np.nan)
    return names, base_names, baseline, unit, mean, se


# ---- robust comparison ---------------------------------------------------------------------------
@dataclass
class Robustness:
    """Results of :func:`robustness` (or :func:`open_robustness`): DataFrames over the sampled worlds."""

    path: Path
    """Results directory."""
    parameters: list[str]
    """The varied parameters."""
    scenarios: list[str]
    """Scenario names (base names, without @world)."""
    baseline: str
    """Baseline scenario."""
    worlds: pd.DataFrame
    """One row per sampled world: parameter values, then ``metric|scenario`` mean outcomes."""
    probability: pd.DataFrame
    """Per (scenario, metric): p_better (share of worlds where it beats the baseline), its Monte
    Carlo standard error se (binomial over worlds), ci_low/ci_high (Wilson 95%), and
    share_decided (worlds where the paired difference is beyond 1.96 replicate standard errors)."""
    ranks: pd.DataFrame
    """Per (scenario, metric): share of worlds at rank 1..S (1 = best), mean_rank and its se."""
    regret: pd.DataFrame
    """Per (scenario, metric): mean regret (shortfall from the best scenario of each world, in the
    metric's unit), its se, the 95th percentile and the maximum."""
    n_worlds: int = 0
    runs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self, metric: str = "non_recours_rate") -> str:
        """A plain-text summary for one metric."""
        p = self.probability[self.probability["metric"] == metric].set_index("scenario")
        r = self.regret[self.regret["metric"] == metric].set_index("scenario")
        k = self.ranks[self.ranks["metric"] == metric].set_index("scenario")
        lines = [f"{metric}: {self.n_worlds} plausible worlds x {self.runs} runs; baseline {self.baseline}",
                 f"{'scenario':36s} {'P(beats baseline) [95% CI]':>27s} {'P(rank 1)':>10s} {'mean rank':>10s} "
                 f"{'mean regret':>12s} {'± se':>10s}"]
        for s in self.scenarios:
            pb = "baseline" if s == self.baseline else \
                f"{p.loc[s, 'p_better']:.0%} [{p.loc[s, 'ci_low']:.0%}, {p.loc[s, 'ci_high']:.0%}]"
            lines.append(f"{s:36s} {pb:>27s} {k.loc[s, 'rank_1']:>10.0%} {k.loc[s, 'mean_rank']:>10.2f} "
                         f"{r.loc[s, 'mean_regret']:>12.4g} {r.loc[s, 'se']:>10.2g}")
        return "\n".join(lines)

    def discover(self, scenario: str, metric: str = "non_recours_rate", **kwargs: Any) -> pd.DataFrame:
        """PRIM boxes of the worlds where ``scenario`` fails to beat the baseline (:func:`discover`)."""
        return discover(self, scenario, metric, **kwargs)


def _wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo, hi = max(0.0, c - h), min(1.0, c + h)
    return (0.0 if p == 0 else lo), (1.0 if p == 1 else hi)  # exact at the ends (rounding)


def _robustness_from(res: Results) -> Robustness:
    names, scen, baseline, unit, mean, se = _outcomes(res)
    mnames = res.metric_names
    direction = _directions()
    heads = [m for m in headline_metrics() if m in mnames]
    n_k, n_s = mean.shape[0], mean.shape[1]
    values = design_values(names, unit)
    worlds = values.copy()
    worlds.insert(0, "world", np.arange(n_k))
    prob, ranks, regret = [], [], []
    for m in heads:
        j = mnames.index(m)
        d = direction[m]
        y = d * mean[:, :, j]  # higher is better
        for s in range(n_s):
            worlds[f"{m}|{scen[s]}"] = mean[:, s, j]
        diff = y - y[:, [baseline]]
        order = (-y).argsort(axis=1, kind="stable")
        rank = np.empty_like(order)
        rank[np.arange(n_k)[:, None], order] = np.arange(1, n_s + 1)
        best = y.max(axis=1, keepdims=True)
        reg = best - y
        for s in range(n_s):
            better = diff[:, s] > 0
            p = float(better.mean())
            lo, hi = _wilson(p, n_k)
            decided = float((np.abs(mean[:, s, j] - mean[:, baseline, j]) > 1.96 * se[:, s, j]).mean()) \
                if s != baseline and not np.isnan(se[:, s, j]).all() else float("nan")
            prob.append({"scenario": scen[s], "metric": m, "p_better": p if s != baseline else float("nan"),
                         "se": math.sqrt(p * (1 - p) / n_k) if s != baseline else float("nan"),
                         "ci_low": lo if s != baseline else float("nan"),
                         "ci_high": hi if s != baseline else float("nan"),
                         "mean_diff": float(np.mean(mean[:, s, j] - mean[:, baseline, j])),
                         "share_decided": decided, "n_worlds": n_k})
            row: dict[str, Any] = {"scenario": scen[s], "metric": m}
            for r in range(1, n_s + 1):
                row[f"rank_{r}"] = float((rank[:, s] == r).mean())
            row["mean_rank"] = float(rank[:, s].mean())
            row["se"] = float(rank[:, s].std(ddof=1) / math.sqrt(n_k)) if n_k > 1 else float("nan")
            ranks.append(row)
            regret.append({"scenario": scen[s], "metric": m, "mean_regret": float(reg[:, s].mean()),
                           "se": float(reg[:, s].std(ddof=1) / math.sqrt(n_k)) if n_k > 1 else float("nan"),
                           "p95_regret": float(np.quantile(reg[:, s], 0.95)), "max_regret": float(reg[:, s].max()),
                           "share_best": float((reg[:, s] == 0).mean())})
    return Robustness(path=res.path, parameters=names, scenarios=scen, baseline=scen[baseline], worlds=worlds,
                      probability=pd.DataFrame(prob), ranks=pd.DataFrame(ranks), regret=pd.DataFrame(regret),
                      n_worlds=n_k, runs=int(res.config["runs"]))


def open_robustness(path: PathArg) -> Robustness:
    """The robustness analysis of a results directory written by :func:`robustness` (or merged shards)."""
    return _robustness_from(Results(path))


def _settings(cfg: Config, samples: int | None, method: str | None,
              parameters: str | Sequence[str] | None) -> tuple[list[str], int, str]:
    u = cfg.experiment.uncertainty or {}
    if parameters is None:
        names = list(u.get("parameters") or space()["name"])
    else:
        names = list(space(parameters)["name"])
    n = int(samples if samples is not None else u.get("samples", 64))
    meth = method if method is not None else u.get("method", "lhs")
    return names, n, meth


def robustness(config: Config | PathArg | Mapping[str, Any], samples: int | None = None, method: str | None = None,
               parameters: str | Sequence[str] | None = None, runs: int | None = None, seed: int | None = None,
               threads: int = 0, out: PathArg | None = None, progress: ProgressArg = True, *,
               resume: bool = False, force: bool = False, shard: tuple[int, int] | None = None) -> Robustness:
    """Robust comparison: ``samples`` plausible worlds x every scenario of ``config``.

    Worlds are drawn from the config's ``uncertainty`` section (or ``parameters``, ``samples``,
    ``method`` = "lhs" | "sobol"); each world runs every scenario ``runs`` times on common
    random numbers. Returns a :class:`Robustness`. With ``shard=(k, n)`` only that shard runs and
    :class:`IncompleteError` is raised until the shards are merged (``govsim merge``); then
    ``open_robustness(merged_dir)`` or a call with ``resume=True`` on it analyses them.
    """
    cfg = _as_config(config, None)
    names, n, meth = _settings(cfg, samples, method, parameters)
    if meth not in ("lhs", "sobol"):
        raise ConfigError(f"method: expected \"lhs\" or \"sobol\", got {meth!r}")
    s = cfg.seed if seed is None else int(seed)
    unit = sample(names, meth, n, s)
    out_dir = Path(tempfile.mkdtemp(prefix="govsim-robustness-")) if out is None else Path(out)
    _run_design(cfg, names, unit, runs=runs, seed=s, threads=threads, out=out_dir, progress=progress,
                resume=resume, force=force, shard=shard, desc="govsim robustness")
    rob = open_robustness(out_dir)
    rob.extra.update({"method": meth, "seed": s})
    return rob


# ---- global sensitivity --------------------------------------------------------------------------
def sensitivity(config: Config | PathArg | Mapping[str, Any], method: str = "morris", samples: int | None = None,
                parameters: str | Sequence[str] | None = None, outcomes: Sequence[str] | None = None,
                runs: int | None = None, seed: int | None = None, threads: int = 0, out: PathArg | None = None,
                progress: ProgressArg = True, *, resume: bool = False, force: bool = False,
                shard: tuple[int, int] | None = None, num_resamples: int = 200) -> pd.DataFrame:
    """Global sensitivity (SALib) of each outcome and each scenario-minus-baseline difference.

    method "morris": ``samples`` trajectories (default: the config's uncertainty.samples, else
    10), len(parameters) + 1 points each. method "sobol": Saltelli design of ``samples`` x
    (len(parameters) + 2) points (a power of 2; default 64). Every point runs every scenario of
    ``config`` ``runs`` times on common random numbers; outputs are the replicate means.
    ``outcomes`` are metric names (default: the headline metrics).

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
    _run_design(cfg, names, unit, runs=runs, seed=s, threads=threads, out=out_dir, progress=progress,
                resume=resume, force=force, shard=shard, desc=f"govsim sensitivity ({method})")
    return analyse_results(out_dir, method, outcomes=outcomes, seed=s, num_resamples=num_resamples)


def analyse_results(path: PathArg, method: str, outcomes: Sequence[str] | None = None, seed: int = 1,
                    num_resamples: int = 200) -> pd.DataFrame:
    """The sensitivity table of a results directory written by :func:`sensitivity` (or merged shards)."""
    res = Results(path)
    names, scen, baseline, unit, mean, _ = _outcomes(res)
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


# ---- scenario discovery ----------------------------------------------------------------------------
def discover(robust: Robustness | PathArg, scenario: str, metric: str = "non_recours_rate",
             threshold: float = 0.8, mass_min: float = 0.05, peel_alpha: float = 0.05) -> pd.DataFrame:
    """PRIM (EMA workbench) boxes of the worlds where ``scenario`` fails to beat the baseline on ``metric``.

    Returns one row per restricted parameter of the chosen box: parameter, low, high (the box,
    in parameter values), restricted ("low": only its lower edge is cut, "high", or "both"),
    range_low, range_high (the plausible range), and in ``attrs`` the box's coverage
    (share of all failing worlds inside it), density (share of worlds inside it that fail),
    mass (share of worlds inside) and n_failures. The chosen box is the one of the peeling
    trajectory with the highest coverage among those with density >= ``threshold`` (or the
    densest one). An empty frame (with the attrs) if the scenario never fails.
    """
    rob = robust if isinstance(robust, Robustness) else open_robustness(robust)
    if scenario not in rob.scenarios or scenario == rob.baseline:
        raise ConfigError(f"scenario: expected one of {', '.join(s for s in rob.scenarios if s != rob.baseline)}, "
                          f"got {scenario!r}")
    if f"{metric}|{scenario}" not in rob.worlds:
        raise ConfigError(f"metric: expected a headline metric ({', '.join(headline_metrics())}), got {metric!r}")
    d = _directions()[metric]
    fail = d * (rob.worlds[f"{metric}|{scenario}"] - rob.worlds[f"{metric}|{rob.baseline}"]) <= 0
    x = rob.worlds[rob.parameters].astype(float).reset_index(drop=True)
    y = fail.to_numpy(dtype=bool)
    cols = ["parameter", "low", "high", "restricted", "range_low", "range_high"]
    attrs = {"scenario": scenario, "metric": metric, "n_worlds": int(len(y)), "n_failures": int(y.sum()),
             "coverage": float("nan"), "density": float("nan"), "mass": float("nan")}
    if y.sum() == 0 or y.all():
        out = pd.DataFrame(columns=cols)
        if y.all():
            attrs.update(coverage=1.0, density=1.0, mass=1.0)
        out.attrs.update(attrs)
        return out
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

        logging.getLogger("EMA").setLevel(logging.ERROR)
        logging.getLogger("EMA.analysis.prim").setLevel(logging.ERROR)
        p = prim.Prim(x, y, threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    traj = box.peeling_trajectory
    ok = traj[traj["density"] >= threshold]
    i = int(ok["coverage"].idxmax()) if len(ok) else int(traj["density"].idxmax())
    lims = box.box_lims[i]
    first = box.box_lims[0]
    rows = []
    sp = space(rob.parameters).set_index("name")
    for name in rob.parameters:
        lo, hi = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        cut_lo, cut_hi = lo > float(first[name].iloc[0]), hi < float(first[name].iloc[1])
        if cut_lo or cut_hi:
            rows.append({"parameter": name, "low": lo, "high": hi,
                         "restricted": "both" if cut_lo and cut_hi else ("low" if cut_lo else "high"),
                         "range_low": float(sp.loc[name, "low"]), "range_high": float(sp.loc[name, "high"])})
    out = pd.DataFrame(rows, columns=cols)
    attrs.update(coverage=float(traj.loc[i, "coverage"]), density=float(traj.loc[i, "density"]),
                 mass=float(traj.loc[i, "mass"]), box=i, trajectory=traj[["coverage", "density", "mass", "res_dim"]])
    out.attrs.update(attrs)
    return out


def describe_box(box: pd.DataFrame) -> str:
    """Plain words for a PRIM box: "fails in N% of plausible worlds; most failures (coverage) when ..."."""
    a = box.attrs
    n, f = a.get("n_worlds", 0), a.get("n_failures", 0)
    head = f"{a.get('scenario')} fails to beat the baseline on {a.get('metric')} in {f} of {n} plausible worlds"
    if f == 0:
        return head + "."
    if box.empty:
        return head + " (no box of the uncertainty space concentrates the failures)." if f < n else head + "."
    parts = []
    for _, r in box.iterrows():
        if r["restricted"] == "both":
            parts.append(f"{r['parameter']} is between {r['low']:.3g} and {r['high']:.3g}")
        elif r["restricted"] == "low":
            parts.append(f"{r['parameter']} is above {r['low']:.3g}")
        else:
            parts.append(f"{r['parameter']} is below {r['high']:.3g}")
    return (head + f"; {a['coverage']:.0%} of these failures lie where " + " and ".join(parts) +
            f" (there, it fails in {a['density']:.0%} of worlds; {a['mass']:.0%} of all worlds).")


def plot_box(box: pd.DataFrame, ax: Any = None) -> Any:
    """Bar chart of a PRIM box: each restricted parameter's box within its plausible range (0-1 scale)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * max(1, len(box))))
    for i, (_, r) in enumerate(box.iterrows()):
        span = r["range_high"] - r["range_low"]
        lo = (r["low"] - r["range_low"]) / span
        hi = (r["high"] - r["range_low"]) / span
        ax.barh(i, 1.0, color="#eeeeee", edgecolor="#999999")
        ax.barh(i, hi - lo, left=lo, color="#c0392b", alpha=0.8)
        ax.text(lo, i, f"{r['low']:.3g}", va="center", ha="right", fontsize=8)
        ax.text(hi, i, f"{r['high']:.3g}", va="center", ha="left", fontsize=8)
    ax.set_yticks(range(len(box)))
    ax.set_yticklabels(list(box["parameter"]))
    ax.set_xlim(-0.15, 1.15)
    ax.set_xlabel("share of the plausible range")
    a = box.attrs
    ax.set_title(f"{a.get('scenario')} fails on {a.get('metric')}: coverage {a.get('coverage', float('nan')):.0%}, "
                 f"density {a.get('density', float('nan')):.0%}", fontsize=9)
    return ax


# ---- command line (govsim robustness | sensitivity | discover) ---------------------------------------
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
    from .api import load_config

    cfg = load_config(a.config, a.set or None)
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
    for s in rob.scenarios:
        if s == rob.baseline:
            continue
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
    from .api import load_config

    cfg = load_config(a.config, a.set or None)
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


if __name__ == "__main__":
    sys.exit(main())
