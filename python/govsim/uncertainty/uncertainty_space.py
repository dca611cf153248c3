"""The uncertainty space and its designs: the registry's plausible ranges (:func:`space`),
points of the unit hypercube drawn by SALib or SciPy (:func:`sample`) and the parameter values
the engine maps them to (:func:`design_values`)."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._core import ConfigError


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



def unit_of_values(names: Sequence[str], values: pd.DataFrame) -> np.ndarray:
    """Points of the unit hypercube that :func:`design_values` maps to ``values`` (the inverse of
    the registry's quantile functions; an integer value maps to the middle of its share of [0, 1])."""
    sp = space(list(names)).set_index("name")
    integer = {d["name"] for d in _core.parameters() if d["type"] == "integer"}
    out = np.empty((len(values), len(names)))
    for j, n in enumerate(names):
        v = np.asarray(values[n], dtype=float)
        lo, hi, dist = float(sp.loc[n, "low"]), float(sp.loc[n, "high"]), sp.loc[n, "distribution"]
        if hi <= lo:
            u = np.full(len(v), 0.5)
        elif n in integer:
            u = (np.round(v) - lo + 0.5) / (hi - lo + 1)
        elif dist == "loguniform":
            u = (np.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo))
        elif dist == "triangular":
            mode = float(sp.loc[n, "default"])
            left = (v - lo) ** 2 / ((hi - lo) * (mode - lo)) if mode > lo else np.zeros(len(v))
            right = 1 - (hi - v) ** 2 / ((hi - lo) * (hi - mode)) if hi > mode else np.ones(len(v))
            u = np.where(v < mode, left, right)
        else:
            u = (v - lo) / (hi - lo)
        out[:, j] = np.clip(u, 0.0, 1.0)
    return out
