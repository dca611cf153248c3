"""Scenario discovery: PRIM boxes (EMA workbench) of the worlds where a scenario fails to beat
the baseline, in plain words and as a chart."""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any

import pandas as pd

from .._core import ConfigError
from ..api import PathArg
from .design_runs import _directions, headline_metrics
from .plausible_worlds import inside_box
from .robust_comparison import Robustness, open_robustness
from .uncertainty_space import space
from .world_screening import acting


# Fewest failing (and succeeding) worlds for which a PRIM box is drawn and described.
MIN_WORLDS = 5

def discover(robust: Robustness | PathArg, scenario: str, metric: str = "non_recours_rate",
             threshold: float = 0.8, mass_min: float = 0.05, peel_alpha: float = 0.05,
             worlds: PathArg | None = None) -> pd.DataFrame:
    """PRIM (EMA workbench) boxes of the worlds where ``scenario`` fails to beat the baseline on ``metric``.

    Returns one row per restricted parameter of the chosen box: parameter, low, high (the box,
    in parameter values), restricted ("low": only its lower edge is cut, "high", or "both"),
    range_low, range_high (the plausible range), and in ``attrs`` the box's coverage
    (share of all failing worlds inside it), density (share of worlds inside it that fail),
    mass (share of worlds inside) and n_failures. The chosen box is the one of the peeling
    trajectory with the highest coverage among those with density >= ``threshold`` (or the
    densest one), over the parameters that can act on the scenario or its reference
    (:func:`govsim.uncertainty.world_screening.acting`). An empty frame (with the attrs) if the scenario never fails. With ``worlds`` (a
    worlds.csv of :func:`history_match`) only the run's worlds inside the box the plausible
    worlds span are analysed.
    """
    rob = robust if isinstance(robust, Robustness) else open_robustness(robust)
    if worlds is not None:  # only the worlds of the run that lie in the plausible region
        inside = inside_box(rob.worlds[rob.parameters], worlds)
        rob = replace(rob, worlds=rob.worlds[inside].reset_index(drop=True), n_worlds=int(inside.sum()))
    if scenario not in rob.compared:
        raise ConfigError(f"scenario: expected one of {', '.join(rob.compared)}, got {scenario!r}")
    if f"{metric}|{scenario}" not in rob.worlds:
        raise ConfigError(f"metric: expected a headline metric ({', '.join(headline_metrics())}), got {metric!r}")
    d = _directions()[metric]
    # Against its own reference: the baseline, or the baseline run on its territory.
    fail = d * (rob.worlds[f"{metric}|{scenario}"] - rob.worlds[f"{metric}|{rob.reference(scenario)}"]) <= 0
    # Only the parameters that can act on the scenario or its reference (world_screening.acting).
    ref = rob.reference(scenario)
    mech = (set(rob.mechanisms.get(scenario, ())) | set(rob.mechanisms.get(ref or "", ()))) if rob.mechanisms else None
    names = acting(rob.parameters, mech)
    x = rob.worlds[names].astype(float).reset_index(drop=True)
    y = fail.to_numpy(dtype=bool)
    cols = ["parameter", "low", "high", "restricted", "range_low", "range_high"]
    attrs = {"scenario": scenario, "reference": rob.reference(scenario), "metric": metric, "n_worlds": int(len(y)),
             "n_failures": int(y.sum()), "coverage": float("nan"), "density": float("nan"), "mass": float("nan")}
    if 0 < y.sum() < MIN_WORLDS or 0 < (~y).sum() < MIN_WORLDS:
        # A box drawn around a handful of worlds (or of successes) says nothing about where.
        out = pd.DataFrame(columns=cols)
        attrs["too_few"] = True
        out.attrs.update(attrs)
        return out
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
    sp = space(names).set_index("name")
    for name in names:
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
    ref = a.get("reference") or "the baseline"
    head = f"{a.get('scenario')} fails to beat {ref} on {a.get('metric')} in {f} of {n} plausible worlds"
    if f == 0:
        return head + "."
    if a.get("too_few"):
        return head + f" (too few failing or succeeding worlds to say where: PRIM needs at least {MIN_WORLDS} of each)."
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

