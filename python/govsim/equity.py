"""Equity across a territory from the per-commune results (issue 29, 8b: on a rural département
without an urban commune the rural-urban gap is absent): the gap in non-recours between its EPCIs,
and non-recours by travel time to the nearest help with procedures.

For each run, each EPCI's non-recours rate pools its communes (needs given up / needs closed over
the run, full population, from ``Results.commune_values``: the needs-weighted mean of its communes'
rates, which stays defined where a small commune closed no need); the run's gap is the worst EPCI's
rate minus the best's. The gap is then summarised over the scenario's replicates: mean and 95%
t-interval (Student, n - 1 degrees of freedom; NaN below 2 replicates). A maximum minus a minimum
over noisy rates is biased upwards with few simulated adults per EPCI: compare scenarios, which
share the bias, rather than read the level alone.

By travel time: each commune's car minutes to the nearest place helping with procedures at the
start, as the run layout records them (zone attribute ``help_minutes``; the territory as
configured: a scenario that opens places does not move its communes between classes), put in
classes of at most 15, 15 to 30 and over 30 minutes; each class's rate pools its communes per
run, summarised over the replicates as above. A class without adults has no rate (NaN, "n/a"),
never 0.

The same measures are computed by the engine (engine/zone_equity.cpp) for ``equity.csv`` and the
table of ``govsim compare``; tests/python/test_equity_csv.py checks that both agree.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .intervals import mean_ci

if TYPE_CHECKING:
    from .results import Results

__all__ = ["epci_gap", "by_travel_time", "EPCI_GAP_COLUMNS", "TRAVEL_COLUMNS", "TRAVEL_CLASSES"]

EPCI_GAP_COLUMNS = ["scenario", "n", "gap", "ci_low", "ci_high", "worst_epci", "best_epci", "epcis"]
TRAVEL_COLUMNS = ["scenario", "minutes", "communes", "adults", "n", "non_recours_rate", "ci_low", "ci_high"]
# (label, lower bound exclusive, upper bound inclusive) in car minutes.
TRAVEL_CLASSES = [("<=15", -math.inf, 15.0), ("15-30", 15.0, 30.0), (">30", 30.0, math.inf)]


def _recorded(values: np.ndarray) -> np.ndarray:
    """The runs whose per-commune values were recorded: a run on another territory than the
    layout's (territory comparisons) or with a network lever stores NaN, left out."""
    if values.size == 0:
        return values
    return values[np.isfinite(values).all(axis=(1, 2))]


def _epci_rates(values: np.ndarray, epci: np.ndarray, closed: int, abandoned: int) -> tuple[list[str], np.ndarray]:
    """(EPCI names, rates[replicate, epci]); NaN where an EPCI closed no need in a run."""
    names = sorted(set(epci))
    rates = np.full((values.shape[0], len(names)), np.nan)
    for k, name in enumerate(names):
        members = epci == name
        num = values[:, members, abandoned].sum(axis=1)
        den = values[:, members, closed].sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rates[:, k] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return names, rates


def epci_gap(res: Results) -> pd.DataFrame:
    """One row per scenario whose runs recorded per-commune values: ``n`` (replicates with at
    least two EPCIs that closed a need), ``gap`` (mean over them of the worst EPCI's non-recours
    rate minus the best's, a share), its 95% interval ``ci_low``/``ci_high``, the EPCIs worst and
    best on the rates pooled over the replicates, and ``epcis`` (EPCIs with a closed need). Empty
    when the results hold no per-commune values or the territory has fewer than two EPCIs; a
    scenario whose runs recorded none (NaN: another territory, a network lever) has no row."""
    r = res._reader
    fields, attrs = r.zone_fields, r.zone_attributes
    if not fields or "epci" not in attrs or not {"needs_closed", "needs_abandoned"} <= set(fields):
        return pd.DataFrame(columns=EPCI_GAP_COLUMNS)
    epci = np.array([z[attrs.index("epci")] for z in r.zones], dtype=object)
    closed, abandoned = fields.index("needs_closed"), fields.index("needs_abandoned")
    rows = []
    for s in res.scenarios:
        values = _recorded(res.commune_values(s))
        if values.size == 0:
            continue
        names, rates = _epci_rates(values, epci, closed, abandoned)
        counted = np.sum(np.isfinite(rates), axis=1)
        ok = counted >= 2
        if not ok.any():
            continue
        gaps = np.nanmax(rates[ok], axis=1) - np.nanmin(rates[ok], axis=1)
        n = len(gaps)
        mean, lo, hi = mean_ci(gaps)
        pooled = values[:, :, abandoned].sum(axis=0), values[:, :, closed].sum(axis=0)
        _names, pooled_rates = _epci_rates(np.stack(pooled, axis=-1)[None, :, :], epci, 1, 0)
        finite = np.isfinite(pooled_rates[0])
        order = [names[k] for k in np.argsort(np.where(finite, pooled_rates[0], np.nan)) if finite[k]]
        rows.append({"scenario": s, "n": n, "gap": mean, "ci_low": lo, "ci_high": hi,
                     "worst_epci": order[-1], "best_epci": order[0], "epcis": int(finite.sum())})
    return pd.DataFrame(rows, columns=EPCI_GAP_COLUMNS)


def _car_minutes(res: Results) -> dict[str, float]:
    """Commune code -> car minutes to the nearest place helping with procedures: the layout's
    ``help_minutes`` zone attribute (every territory; what equity.csv uses), else, for results
    written before it, the manifest's territory map; +inf where no place helps (the class over 30
    minutes); {} without either."""
    r = res._reader
    attrs = r.zone_attributes
    if "help_minutes" in attrs and "code" in attrs:
        k, c = attrs.index("help_minutes"), attrs.index("code")
        return {str(z[c]): math.inf if z[k] in ("", None) else float(z[k]) for z in r.zones}
    t = res.manifest.get("territory")
    m = t.get("map") if isinstance(t, dict) else None
    if not isinstance(m, dict) or not m.get("communes"):
        return {}
    cc = {c: i for i, c in enumerate(m.get("communes_columns", []))}
    if "code" not in cc or "car_minutes_to_procedure_help" not in cc:
        return {}
    key = cc["car_minutes_to_procedure_help"]
    return {str(c[cc["code"]]): math.inf if c[key] is None else float(c[key]) for c in m["communes"]}


def by_travel_time(res: Results) -> pd.DataFrame:
    """Non-recours by travel time to the nearest help with procedures, one row per (scenario,
    class of TRAVEL_CLASSES): ``communes`` and ``adults`` (mean over replicates) in the class,
    ``n`` (replicates where the class closed a need), the class's ``non_recours_rate`` (needs
    given up / needs closed, pooled over its communes, mean over replicates) and its 95%
    interval. NaN rate when the class has no adults or closed no need. Empty without per-commune
    values or without travel times (generated territories: no map in the manifest)."""
    r = res._reader
    fields, attrs = r.zone_fields, r.zone_attributes
    minutes = _car_minutes(res)
    need = {"adults", "needs_closed", "needs_abandoned"}
    if not minutes or not fields or "code" not in attrs or not need <= set(fields):
        return pd.DataFrame(columns=TRAVEL_COLUMNS)
    code = [z[attrs.index("code")] for z in r.zones]
    mins = np.array([minutes.get(str(c), math.nan) for c in code])
    adults, closed, abandoned = (fields.index(f) for f in ("adults", "needs_closed", "needs_abandoned"))
    rows = []
    for s in res.scenarios:
        values = _recorded(res.commune_values(s))
        if values.size == 0:
            continue
        for label, lo, hi in TRAVEL_CLASSES:
            members = (mins > lo) & (mins <= hi)
            people = values[:, members, adults].sum(axis=1)
            num = values[:, members, abandoned].sum(axis=1)
            den = values[:, members, closed].sum(axis=1)
            ok = (den > 0) & (people > 0)
            mean, ci_lo, ci_hi = mean_ci(num[ok] / den[ok])
            rows.append({"scenario": s, "minutes": label, "communes": int(members.sum()),
                         "adults": float(people.mean()), "n": int(ok.sum()), "non_recours_rate": mean,
                         "ci_low": ci_lo, "ci_high": ci_hi})
    return pd.DataFrame(rows, columns=TRAVEL_COLUMNS)
