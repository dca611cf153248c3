"""The Pareto front: the non-dominated feasible designs of a search, its hypervolume over
evaluations, the final re-evaluation with more replicates (a design stays on the front only if
no other design beats it beyond the Monte Carlo interval on every objective), and whether a
target is reachable within a budget."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .evaluation import Evaluator, Replicates
from .space import SearchSpace


def non_dominated(losses: np.ndarray) -> np.ndarray:
    """Mask of the rows of ``losses`` (to minimise) that no other row dominates."""
    x = np.asarray(losses, dtype=float)
    keep = np.ones(len(x), dtype=bool)
    for i in range(len(x)):
        dominated = np.all(x <= x[i], axis=1) & np.any(x < x[i], axis=1)
        keep[i] = not dominated.any()
    return keep


def _feasible(space: SearchSpace, means: Mapping[str, float], baseline: Mapping[str, float]) -> bool:
    return all(v <= 0 for v in space.violations(means, baseline))


def search_front(space: SearchSpace, designs: Sequence[Mapping[str, Any]], means: Sequence[Mapping[str, float]],
                 baseline: Mapping[str, float]) -> list[int]:
    """Indices of the feasible non-dominated designs (by their search means), one per lever set."""
    idx, seen = [], set()
    for i, (d, m) in enumerate(zip(designs, means)):
        key = tuple(sorted((k, str(v)) for k, v in d.items()))
        if key in seen or not _feasible(space, m, baseline) or not np.all(np.isfinite(space.losses(m))):
            continue
        seen.add(key)
        idx.append(i)
    if not idx:
        return []
    mask = non_dominated(np.array([space.losses(means[i]) for i in idx]))
    return [i for i, k in zip(idx, mask) if k]


def hypervolume_history(space: SearchSpace, means: Sequence[Mapping[str, float]],
                        baseline: Mapping[str, float]) -> pd.DataFrame:
    """Hypervolume of the front of the first n evaluations, n = 1..N (Optuna's exact WFG).

    Objectives are scaled to [0, 1] over the baseline and every feasible evaluation (the last
    file written is on one scale); the reference point is 1.1 on each, so a front reaching past
    the baseline's corner has a positive volume. Infeasible designs add nothing.
    """
    from optuna._hypervolume import compute_hypervolume

    pts = [space.losses(m) if _feasible(space, m, baseline) else None for m in means]
    pts = [p if p is not None and np.all(np.isfinite(p)) else None for p in pts]
    allp = np.array([space.losses(baseline)] + [p for p in pts if p is not None])
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    ref = np.full(len(lo), 1.1)
    rows, current = [], []
    for n, p in enumerate(pts, start=1):
        if p is not None:
            current.append((p - lo) / span)
        hv = float(compute_hypervolume(np.array(current), ref)) if current else 0.0
        size = int(non_dominated(np.array(current)).sum()) if current else 0
        rows.append({"evaluations": n, "hypervolume": hv, "front_size": size})
    return pd.DataFrame(rows, columns=["evaluations", "hypervolume", "front_size"])


def beaten_beyond_interval(rep: Replicates, space: SearchSpace, a: int, b: int) -> bool:
    """Whether design b beats design a beyond the 95% interval of their paired difference on
    every objective (both from the same replicates: common random numbers)."""
    for o in space.objectives:
        _, lo, hi = rep.paired(b, a, o.metric)
        better = hi < 0 if o.direction == "minimise" else lo > 0
        if not better:
            return False
    return True


@dataclass
class FinalFront:
    """The front re-evaluated with more replicates."""

    replicates: Replicates
    """Outcomes of the baseline (design 0) and of each candidate (1..n) on ``runs`` replicates."""
    kept: list[bool]
    """Whether candidate k stays on the front (feasible, not beaten beyond its interval)."""
    beaten_by: list[int | None]
    """The candidate that beats candidate k beyond its interval (None if none)."""
    feasible: list[bool]


def re_evaluate(space: SearchSpace, evaluator: Evaluator, designs: Sequence[Mapping[str, Any]], runs: int,
                out: Path) -> FinalFront:
    """Runs the front's designs again with ``runs`` replicates (against the baseline, common
    random numbers) and keeps those that are feasible and that no other beats beyond the interval.
    The store in ``out`` is reused when it holds the same designs (a resumed search whose front
    did not change), else replaced."""
    rep = evaluator(designs, runs, out, True)
    n = len(designs)
    baseline = rep.means(0, space.metrics)
    feasible = [_feasible(space, rep.means(k + 1, space.metrics), baseline) for k in range(n)]
    beaten: list[int | None] = [None] * n
    for a in range(n):
        for b in range(n):
            if a != b and feasible[b] and beaten_beyond_interval(rep, space, a + 1, b + 1):
                beaten[a] = b
                break
    kept = [feasible[k] and beaten[k] is None for k in range(n)]
    return FinalFront(rep, kept, beaten, feasible)


def reach(evaluated: pd.DataFrame, metric: str, at_most: bool, value: float, cost_metric: str,
          budget: float | None, show: int = 5) -> dict[str, Any]:
    """Whether any evaluated design reaches ``metric <= value`` (or ``>=``) within ``budget`` of
    ``cost_metric``: the cheapest that do, else the closest within budget and the cheapest that
    reaches it over budget (``evaluated``: one row per design, its best estimates)."""
    ok = evaluated[metric] <= value if at_most else evaluated[metric] >= value
    within = evaluated[cost_metric] <= budget if budget is not None else pd.Series(True, index=evaluated.index)
    hits = evaluated[ok & within].sort_values(cost_metric)
    out: dict[str, Any] = {"metric": metric, "target": value, "at_most": at_most, "budget": budget,
                           "cost_metric": cost_metric, "reached": bool(len(hits)), "evaluated": int(len(evaluated))}
    if len(hits):
        out["cheapest"] = [{"design": r["design"], metric: float(r[metric]), cost_metric: float(r[cost_metric])}
                           for _, r in hits.head(show).iterrows()]
    else:
        pool = evaluated[within]
        if len(pool):
            best = pool.sort_values(metric, ascending=at_most).iloc[0]
            out["closest"] = {"design": best["design"], metric: float(best[metric]),
                              cost_metric: float(best[cost_metric]), "gap": float(best[metric] - value)}
        over = evaluated[ok].sort_values(cost_metric)
        if len(over):
            out["cheapest_over_budget"] = {"design": over.iloc[0]["design"], metric: float(over.iloc[0][metric]),
                                           cost_metric: float(over.iloc[0][cost_metric])}
    return out
