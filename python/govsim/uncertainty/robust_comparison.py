"""Robust comparison: every scenario in N plausible worlds; probability of beating the
baseline on each headline metric, rank distribution and regret, with Monte Carlo errors."""

from __future__ import annotations

import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core import ConfigError
from ..api import Config, PathArg, ProgressArg, _as_config
from ..results import Results
from .design_runs import _directions, _outcomes, _run_design, headline_metrics, scenario_references
from .plausible_worlds import plausible_design, worlds_source, write_worlds_source
from .uncertainty_space import design_values, sample, space


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
    """Per (scenario, metric): p_better (share of worlds where it beats its reference: the
    baseline, or the baseline run on its territory), its Monte Carlo standard error se (binomial
    over worlds), ci_low/ci_high (Wilson 95%), and share_decided (worlds where the paired
    difference is beyond 1.96 replicate standard errors; NaN with one run per world, where it
    cannot be estimated)."""
    ranks: pd.DataFrame
    """Per (scenario, metric) of the scenarios compared on the main territory: share of worlds at
    rank 1..S (1 = best), mean_rank and its se."""
    regret: pd.DataFrame
    """Per (scenario, metric): mean regret (shortfall from the best scenario of each world, in the
    metric's unit), its se, the 95th percentile and the maximum."""
    n_worlds: int = 0
    runs: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    """Each compared scenario's reference: the baseline, or for a territory comparison the baseline
    run on its territory (``@as_configured`` arms are not run; in a run made before they were left
    out, they are left out of the analysis)."""
    mechanisms: dict[str, list[str]] = field(default_factory=dict)
    """Each scenario's mechanisms (the parameter groups it sets), as stored with its runs."""

    def reference(self, scenario: str) -> str | None:
        """The scenario ``scenario`` is compared with (None for a reference itself)."""
        if not self.references:  # built without roles: everything against the baseline
            return None if scenario == self.baseline else self.baseline
        return self.references.get(scenario)

    @property
    def compared(self) -> list[str]:
        """The scenarios compared with a reference (every scenario but the references)."""
        return [s for s in self.scenarios if self.reference(s) is not None]

    def table(self, metric: str = "non_recours_rate") -> str:
        """A plain-text summary for one metric."""
        p = self.probability[self.probability["metric"] == metric].set_index("scenario")
        r = self.regret[self.regret["metric"] == metric].set_index("scenario")
        k = self.ranks[self.ranks["metric"] == metric].set_index("scenario")
        lines = [f"{metric}: {self.n_worlds} plausible worlds x {self.runs} runs; baseline {self.baseline}",
                 f"{'scenario':36s} {'P(beats baseline) [95% CI]':>27s} {'P(rank 1)':>10s} {'mean rank':>10s} "
                 f"{'mean regret':>12s} {'± se':>10s}"]
        for s in self.scenarios:
            ref = self.reference(s)
            pb = "baseline" if ref is None else \
                f"{p.loc[s, 'p_better']:.0%} [{p.loc[s, 'ci_low']:.0%}, {p.loc[s, 'ci_high']:.0%}]"
            if ref is not None and ref != self.baseline:
                pb = f"vs {ref}: {pb}"
            if s in k.index:
                lines.append(f"{s:36s} {pb:>27s} {k.loc[s, 'rank_1']:>10.0%} {k.loc[s, 'mean_rank']:>10.2f} "
                             f"{r.loc[s, 'mean_regret']:>12.4g} {r.loc[s, 'se']:>10.2g}")
            else:  # compared on its own territory: not ranked with the main scenarios
                lines.append(f"{s:36s} {pb:>27s}")
        return "\n".join(lines)

    def discover(self, scenario: str, metric: str = "non_recours_rate", **kwargs: Any) -> pd.DataFrame:
        """PRIM boxes of the worlds where ``scenario`` fails to beat the baseline (:func:`discover`)."""
        from .discovery import discover

        return discover(self, scenario, metric, **kwargs)

    def hangs_on(self, scenario: str, metric: str = "non_recours_rate", **kwargs: Any) -> pd.DataFrame:
        """What the size of ``scenario``'s difference hangs on across these worlds (:func:`hangs_on`)."""
        from .world_screening import hangs_on

        return hangs_on(self, scenario, metric, **kwargs)


def _wilson(p: float, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return float("nan"), float("nan")
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo, hi = max(0.0, c - h), min(1.0, c + h)
    return (0.0 if p == 0 else lo), (1.0 if p == 1 else hi)  # exact at the ends (rounding)


def _robustness_from(res: Results) -> Robustness:
    names, scen_all, baseline, unit, mean_all, se_all = _outcomes(res)
    refs_all, keep, ranked_all = scenario_references(res, len(scen_all), baseline)
    kept = [k for k in range(len(scen_all)) if keep[k]]
    pos = {k: i for i, k in enumerate(kept)}
    scen = [scen_all[k] for k in kept]
    mean, se = mean_all[:, kept], se_all[:, kept]
    refs = [None if refs_all[k] is None else pos[refs_all[k]] for k in kept]
    ranked = [i for i, k in enumerate(kept) if ranked_all[k]]
    mnames = res.metric_names
    direction = _directions()
    heads = [m for m in headline_metrics() if m in mnames]
    n_k, n_r = mean.shape[0], len(ranked)
    values = design_values(names, unit)
    worlds = values.copy()
    worlds.insert(0, "world", np.arange(n_k))
    prob, ranks, regret = [], [], []
    outcomes: dict[str, np.ndarray] = {}
    for m in heads:
        j = mnames.index(m)
        d = direction[m]
        y = d * mean[:, :, j]  # higher is better
        for s in range(len(scen)):
            outcomes[f"{m}|{scen[s]}"] = mean[:, s, j]
        for s in range(len(scen)):
            ref = refs[s]
            if ref is None:
                prob.append({"scenario": scen[s], "metric": m, "p_better": float("nan"), "se": float("nan"),
                             "ci_low": float("nan"), "ci_high": float("nan"), "mean_diff": 0.0,
                             "share_decided": float("nan"), "n_worlds": n_k})
                continue
            better = (y[:, s] - y[:, ref]) > 0
            p = float(better.mean())
            lo, hi = _wilson(p, n_k)
            decided = float((np.abs(mean[:, s, j] - mean[:, ref, j]) > 1.96 * se[:, s, j]).mean()) \
                if not np.isnan(se[:, s, j]).all() else float("nan")
            prob.append({"scenario": scen[s], "metric": m, "p_better": p, "se": math.sqrt(p * (1 - p) / n_k),
                         "ci_low": lo, "ci_high": hi, "mean_diff": float(np.mean(mean[:, s, j] - mean[:, ref, j])),
                         "share_decided": decided, "n_worlds": n_k})
        # Ranks and regret among the scenarios compared on the main territory.
        yr = y[:, ranked]
        order = (-yr).argsort(axis=1, kind="stable")
        rank = np.empty_like(order)
        rank[np.arange(n_k)[:, None], order] = np.arange(1, n_r + 1)
        reg = yr.max(axis=1, keepdims=True) - yr
        for i, s in enumerate(ranked):
            row: dict[str, Any] = {"scenario": scen[s], "metric": m}
            for r in range(1, n_r + 1):
                row[f"rank_{r}"] = float((rank[:, i] == r).mean())
            row["mean_rank"] = float(rank[:, i].mean())
            row["se"] = float(rank[:, i].std(ddof=1) / math.sqrt(n_k)) if n_k > 1 else float("nan")
            ranks.append(row)
            regret.append({"scenario": scen[s], "metric": m, "mean_regret": float(reg[:, i].mean()),
                           "se": float(reg[:, i].std(ddof=1) / math.sqrt(n_k)) if n_k > 1 else float("nan"),
                           "p95_regret": float(np.quantile(reg[:, i], 0.95)), "max_regret": float(reg[:, i].max()),
                           "share_best": float((reg[:, i] == 0).mean())})
    worlds = pd.concat([worlds, pd.DataFrame(outcomes, index=worlds.index)], axis=1)  # at once: not fragmented
    references = {scen[s]: scen[refs[s]] for s in range(len(scen)) if refs[s] is not None}
    info = res.scenario_info
    mechanisms = {scen[i]: list(info[res.scenarios[k]].get("mechanisms") or []) for i, k in enumerate(kept)}
    return Robustness(path=res.path, parameters=names, scenarios=scen, baseline=scen_all[baseline], worlds=worlds,
                      probability=pd.DataFrame(prob), ranks=pd.DataFrame(ranks), regret=pd.DataFrame(regret),
                      n_worlds=n_k, runs=int(res.config["runs"]), references=references,
                      mechanisms=mechanisms)


def open_robustness(path: PathArg) -> Robustness:
    """The robustness analysis of a results directory written by :func:`robustness` (or merged shards);
    ``extra["worlds"]`` says where its worlds came from (the prior, or a file of plausible worlds)."""
    rob = _robustness_from(Results(path))
    rob.extra.update(worlds_source(path))
    return rob


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
               resume: bool = False, force: bool = False, shard: tuple[int, int] | None = None,
               worlds: PathArg | None = None) -> Robustness:
    """Robust comparison: ``samples`` plausible worlds x every scenario of ``config``.

    Worlds are drawn from the config's ``uncertainty`` section (or ``parameters``, ``samples``,
    ``method`` = "lhs" | "sobol"), or with ``worlds`` (a worlds.csv of :func:`history_match`, or
    its directory) from the plausible worlds (``samples`` of them drawn without replacement, as
    many as there are when fewer); each world runs every scenario ``runs`` times on common
    random numbers (not the ``@as_configured`` arms of an equal-budget comparison, which only
    serve its cost-effectiveness). Returns a :class:`Robustness`. With ``shard=(k, n)`` only that shard runs and
    :class:`IncompleteError` is raised until the shards are merged (``govsim merge``); then
    ``open_robustness(merged_dir)`` or a call with ``resume=True`` on it analyses them.
    """
    cfg = _as_config(config, None)
    names, n, meth = _settings(cfg, samples, method, parameters)
    if meth not in ("lhs", "sobol"):
        raise ConfigError(f"method: expected \"lhs\" or \"sobol\", got {meth!r}")
    s = cfg.seed if seed is None else int(seed)
    out_dir = Path(tempfile.mkdtemp(prefix="govsim-robustness-")) if out is None else Path(out)
    if worlds is None:
        unit = sample(names, meth, n, s)
        source: dict[str, Any] = {"worlds": "prior", "method": meth}
    else:
        # The config's (or the call's) sample size and, when it names fewer than every assumption,
        # its parameters; otherwise every parameter of the worlds file.
        subset = None if set(names) == set(space()["name"]) else names
        names, unit, source = plausible_design(worlds, subset, n, s)
    _run_design(cfg, names, unit, runs=runs, seed=s, threads=threads, out=out_dir, progress=progress,
                resume=resume, force=force, shard=shard, desc="govsim robustness", arms=False)
    write_worlds_source(out_dir, source)  # after the runs: bad input leaves nothing written
    rob = open_robustness(out_dir)
    rob.extra.update({"method": source.get("method", meth), "seed": s})
    return rob

