"""What a scenario's effect hangs on, read from the worlds of a robustness run: the rank
correlation (Spearman) of its paired difference with each uncertain parameter across the worlds,
with a permutation test that allows for the number of worlds and of parameters tested
(Westfall-Young max-T), restricted to the parameters that can act on the scenario or its reference.
Cheap (no run beyond the robustness run) and indicative: N worlds, not a sensitivity analysis."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .._core import ConfigError
from .design_runs import _directions
from .robust_comparison import Robustness

# Fewest worlds for which any parameter is named (below it a rank correlation says little).
MIN_WORLDS = 10
ALPHA = 0.05
PERMUTATIONS = 1999

# Optional mechanisms: parameters under one of these prefixes act only in a run whose scenario
# sets the mechanism (parameter group) named, i.e. switches it on (models/inclusion/parameters.def:
# mobile units, stations, pooling, observation, the master plan, the demonstrator, socio-digital
# mediation and network animation are off unless a scenario sets them). Every other parameter is
# taken to act on every run.
OPTIONAL = {
    "mobile.": "mobile", "stations.": "stations", "pooling.": "pooling", "observation.": "observation",
    "master_plan.": "master_plan", "demonstrator.": "demonstrator", "socio_mediation.": "socio_mediation",
    "animation.": "animation", "referral.animation_knowledge": "animation",
}


def acting(parameters: Iterable[str], mechanisms: Iterable[str] | None) -> list[str]:
    """The parameters that can act on a pair of runs whose scenarios set ``mechanisms`` (the union
    of both scenarios' parameter groups): all but those of optional mechanisms neither sets (all
    of them when ``mechanisms`` is None: not recorded)."""
    if mechanisms is None:
        return list(parameters)
    on = set(mechanisms)
    out = []
    for p in parameters:
        need = next((g for prefix, g in OPTIONAL.items() if p.startswith(prefix)), None)
        if need is None or need in on:
            out.append(p)
    return out


def rank_screen(x: pd.DataFrame, y: Sequence[float] | np.ndarray, *, alpha: float = ALPHA,
                permutations: int = PERMUTATIONS, seed: int = 0, min_worlds: int = MIN_WORLDS) -> pd.DataFrame:
    """Spearman correlation of ``y`` (one value per world) with each column of ``x`` (the worlds'
    parameter values), and each one's p-value adjusted for the number of columns by max-T
    permutation (Westfall and Young 1993): the share of ``permutations`` random reorderings of
    ``y`` whose largest absolute correlation over all columns reaches this column's.

    Returns one row per column varied across the worlds, strongest first: parameter, rho,
    p_adjusted, named (p_adjusted < ``alpha``, and at least ``min_worlds`` worlds). ``attrs``:
    n_worlds, n_parameters (columns tested), too_few (fewer than ``min_worlds`` worlds)."""
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(y)
    x = x.loc[ok].astype(float)
    y = y[ok]
    n = len(y)
    cols = [c for c in x.columns if x[c].nunique() > 1]
    out = pd.DataFrame(columns=["parameter", "rho", "p_adjusted", "named"])
    attrs = {"n_worlds": n, "n_parameters": len(cols), "too_few": n < min_worlds}
    if n < 3 or not cols or np.ptp(y) == 0:
        out.attrs.update(attrs)
        return out

    def standard(a: np.ndarray) -> np.ndarray:  # ranks, centred and scaled: correlation = dot product
        r = rankdata(a, axis=0)
        r = r - r.mean(axis=0)
        return r / np.sqrt((r * r).sum(axis=0))

    rx = standard(x[cols].to_numpy())
    ry = standard(y)
    rho = ry @ rx
    rng = np.random.default_rng(seed)
    perm = rng.permuted(np.tile(ry, (permutations, 1)), axis=1)
    max_t = np.abs(perm @ rx).max(axis=1)
    p_adj = (1 + (max_t[:, None] >= np.abs(rho)[None, :] - 1e-12).sum(axis=0)) / (permutations + 1)
    out = pd.DataFrame({"parameter": cols, "rho": rho, "p_adjusted": p_adj,
                        "named": (p_adj < alpha) & (n >= min_worlds)})
    out = out.reindex(out["rho"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    out.attrs.update(attrs)
    return out


def hangs_on(rob: Robustness, scenario: str, metric: str = "non_recours_rate", **kwargs: object) -> pd.DataFrame:
    """:func:`rank_screen` of ``scenario``'s gain over its reference (its paired difference,
    signed so that a positive rho means "the higher the parameter, the more favourable") across
    the worlds of ``rob``, over the parameters that can act on either scenario (:func:`acting`).
    ``attrs`` also give scenario, reference and metric."""
    ref = rob.reference(scenario)
    if ref is None or f"{metric}|{scenario}" not in rob.worlds:
        raise ConfigError(f"scenario: expected one of {', '.join(rob.compared)} with metric {metric!r}, "
                          f"got {scenario!r}")
    gain = _directions()[metric] * (rob.worlds[f"{metric}|{scenario}"] - rob.worlds[f"{metric}|{ref}"])
    mech = (set(rob.mechanisms.get(scenario, ())) | set(rob.mechanisms.get(ref, ()))) if rob.mechanisms else None
    out = rank_screen(rob.worlds[acting(rob.parameters, mech)], gain.to_numpy(), **kwargs)  # type: ignore[arg-type]
    out.attrs.update({"scenario": scenario, "reference": ref, "metric": metric})
    return out
