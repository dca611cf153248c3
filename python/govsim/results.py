"""Reading a results directory (``results.sqlite``) into pandas and numpy.

The store is read by :class:`govsim.store.StoreReader` (pure Python: :mod:`sqlite3` and
:func:`numpy.frombuffer` over the store's BLOBs, see ``docs/results-store.md``), the same reader
as the HTML report's. Everything is pure Python except :meth:`Results.summary`, :meth:`Results.paired` and
:meth:`Results.table`, which use the engine's statistics (the same numbers as ``summary.csv``).
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .store import ROLE_FIELDS, MetricCatalog, StoreReader

__all__ = ["Results", "open_results", "metrics", "SUMMARY_COLUMNS", "PAIRED_COLUMNS", "COST_EFFECTIVENESS_COLUMNS"]

SUMMARY_COLUMNS = list(_core.csv_columns()["summary"])
"""Columns of :meth:`Results.summary` (and of ``summary.csv``; declared in ``engine/csv_columns.hpp``)."""
PAIRED_COLUMNS = list(_core.csv_columns()["paired"])
# Columns of Results.cost_effectiveness() (cost_effectiveness.csv).
COST_EFFECTIVENESS_COLUMNS = list(_core.csv_columns()["cost_effectiveness"])
"""Columns of :meth:`Results.paired` (and of ``paired.csv``; declared in ``engine/csv_columns.hpp``)."""


def _primary_metric() -> str:
    """The model's primary metric (role "primary" in models/inclusion/metrics.def): what
    comparisons are ranked by and ``target_ci`` aims at by default."""
    return next((str(m["name"]) for m in _core.metrics() if "primary" in (m.get("roles") or [])), "")


def metrics() -> pd.DataFrame:
    """The model's scalar metrics: a DataFrame with columns name, higher_is_better, unit, doc,
    direction ("higher", "lower", or "neutral": a metric whose direction is not a goal, whose
    differences get no better/worse verdict; ranked higher first, as higher_is_better says)."""
    return pd.DataFrame(_core.metrics(), columns=["name", "higher_is_better", "unit", "doc", "direction"])


class Results:
    """The results of one experiment, read from its output directory.

    Obtained from :func:`govsim.run`, :func:`govsim.compare`, :func:`govsim.sweep` or
    :func:`govsim.open_results`. Tables are pandas DataFrames; series are numpy arrays.
    """

    def __init__(self, path: str | os.PathLike[str], run_report: dict[str, Any] | None = None) -> None:
        """Opens the results directory ``path`` (or its ``results.sqlite``); raises StoreError."""
        self._reader = StoreReader(path)
        self.path: Path = self._reader.dir
        """The results directory."""
        self.store: Path = self._reader.file
        """The SQLite results store."""
        self.run_report: dict[str, Any] | None = run_report
        """What the run that produced these results reported (runs done, resumed, wall time), or None."""

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r}: {len(self.scenarios)} scenarios, {self.n_runs} runs)"

    # ---- description ------------------------------------------------------------------------
    @property
    def manifest(self) -> dict[str, Any]:
        """Provenance: version, git commit, seed, threads, host, start/end time, completeness."""
        return self._reader.manifest

    @property
    def config(self) -> dict[str, Any]:
        """The resolved experiment config stored with the results."""
        return self._reader.config

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in the experiment's order."""
        return self._reader.scenarios

    @property
    def scenario_info(self) -> dict[str, dict[str, Any]]:
        """Per scenario: title, description, mechanisms, non-default parameters (and sweep point)."""
        return self._reader.scenario_info

    @property
    def is_sweep(self) -> bool:
        """True for the results of ``govsim sweep``: design points, no baseline."""
        return "sweep" in self.config and self.config.get("baseline") is None

    @property
    def baseline(self) -> str | None:
        """Name of the baseline scenario (paired differences are against it); None for a sweep,
        whose design points are not compared with one another."""
        b = self.config.get("baseline", self.scenarios[0] if self.scenarios else None)
        return None if b is None else str(b)

    def scenario_roles(self) -> pd.DataFrame:
        """The typed role of each scenario (index: scenario name, in the experiment's order),
        stored with the results: ``role`` ("main", "as_configured_arm" — a scenario of an
        equal-budget comparison run as configured —, "territory_baseline",
        "territory_comparison"), ``arm_of`` and ``compared_with`` (scenario names or None),
        ``territory`` (label or None), ``of`` (the config's scenario it is a run of) and
        ``budget`` ("as_configured" or "equal_to_baseline")."""
        return pd.DataFrame(self._reader.scenario_roles, columns=ROLE_FIELDS).set_index("scenario")

    def design(self) -> pd.DataFrame:
        """For a sweep: one row per design point (index: scenario name), one column per swept
        parameter. Empty for other experiments."""
        rows = {name: info.get("sweep") for name, info in self.scenario_info.items() if info.get("sweep")}
        return pd.DataFrame.from_dict(rows, orient="index") if rows else pd.DataFrame()

    @property
    def metric_names(self) -> list[str]:
        """Names of the scalar metrics stored for each run (column order of :meth:`runs`)."""
        return self._reader.metric_names

    @property
    def series_names(self) -> list[str]:
        """Names of the weekly series stored for each run."""
        return self._reader.series_names

    @property
    def weeks(self) -> int:
        """Length of every series (horizon + 1; week 0 is the start)."""
        return self._reader.weeks

    @property
    def n_runs(self) -> int:
        """Number of completed runs in the store."""
        return self._reader.n_runs()

    @cached_property
    def catalog(self) -> MetricCatalog:
        """What the stored metrics and series are (unit, direction, doc, headline, subgroups), from
        the manifest's metric catalog."""
        return self._reader.catalog()

    def metrics(self) -> pd.DataFrame:
        """One row per stored metric (subgroup breakdowns included), from the manifest's catalog:
        name, higher_is_better, unit, doc, headline."""
        c = self.catalog
        return pd.DataFrame([(n, c.higher_is_better(n), c.unit(n), c.doc(n), c.is_headline(n))
                             for n in self.metric_names],
                            columns=["name", "higher_is_better", "unit", "doc", "headline"])

    # ---- statistics ---------------------------------------------------------------------------
    @cached_property
    def _stats(self) -> dict[str, Any]:
        return _core.stats(str(self.store))

    def summary(self) -> pd.DataFrame:
        """One row per (scenario, metric): mean, sd, 95% CI (ci_low, ci_high), n, q05, q50, q95,
        rank (best first; scenarios whose paired difference is not detectable share a rank) and
        rank_tied."""
        return pd.DataFrame(self._stats["summary"], columns=SUMMARY_COLUMNS)

    def paired(self) -> pd.DataFrame:
        """Paired differences vs the baseline over common replicates, one row per (scenario, metric).

        Columns: scenario, baseline, metric, mean_diff, sd_diff, ci_low, ci_high, rel_diff,
        rel_ci_low, rel_ci_high, share_better (share of replicates where the scenario does
        better; a replicate with exactly equal values counts one half), n, mid (the minimal
        important difference used) and verdict (clearly_better, better_below_mid,
        no_detectable_difference, worse_below_mid, clearly_worse; docs/metrics.md). Empty for a
        sweep (no baseline).
        """
        return pd.DataFrame(self._stats["paired"], columns=PAIRED_COLUMNS)

    def cost_effectiveness(self) -> pd.DataFrame:
        """Cost-effectiveness of each scenario run as configured against its baseline, one row per
        (scenario, headline metric), as ``cost_effectiveness.csv``: extra cost (EUR) and gain
        (positive = better) with their 95% CIs; gain per million euros of extra spending; on the
        primary metric, adults who avoid giving up and procedures not given up per €100k
        (``adults_per_100k_eur``, ``procedures_per_100k_eur`` and their ``_ci_low``/``_ci_high``,
        delta method over paired replicates). The ratios are NaN, with ``note`` saying why
        (no_verdict, not_detectable, below_mid, no_extra_cost), unless the effect is detectable,
        at least the minimal important difference, and the extra cost detectable
        (docs/metrics.md). Empty for a sweep."""
        return pd.DataFrame(self._stats.get("cost_effectiveness") or [], columns=COST_EFFECTIVENESS_COLUMNS)

    def table(self, rank_by: str | None = None, headline: int | None = None) -> str:
        """The ranked comparison table printed by ``govsim compare`` (95% CIs, paired deltas) of the
        model's headline metrics (models/inclusion/metrics.def), or of the first ``headline``,
        ranked by ``rank_by`` (None: the model's primary metric)."""
        return _core.comparison_table(str(self.store), rank_by or _primary_metric(),
                                      -1 if headline is None else headline)

    # ---- raw runs ----------------------------------------------------------------------------
    def _scenario_index(self, scenario: str | int) -> int:
        if isinstance(scenario, (int, np.integer)):
            if not 0 <= int(scenario) < len(self.scenarios):
                raise KeyError(f"scenario index {scenario} out of range (0..{len(self.scenarios) - 1})")
            return int(scenario)
        try:
            return self.scenarios.index(scenario)
        except ValueError:
            raise KeyError(f"no scenario {scenario!r}; scenarios: {', '.join(self.scenarios)}") from None

    def runs(self, wall_seconds: bool = False) -> pd.DataFrame:
        """Wide table, one row per run: scenario, replicate, [wall_seconds,] then one column per metric."""
        sc, rep, wall, values = self._reader.metric_matrix()
        scen = np.array(self.scenarios, dtype=object)
        df = pd.DataFrame({"scenario": scen[sc] if len(sc) else np.array([], dtype=object), "replicate": rep})
        if wall_seconds:
            df["wall_seconds"] = wall
        return pd.concat([df, pd.DataFrame(values, columns=self.metric_names)], axis=1)

    # ---- per-commune outputs ------------------------------------------------------------------
    def communes(self) -> pd.DataFrame:
        """Per-commune end values, one row per (scenario, commune), as ``communes.csv``: the
        commune's attributes (code, name, epci, density, lat, lon, x_km, y_km), ``replicates``, the
        mean over the scenario's replicates of each per-commune value (adults, needs_closed,
        needs_abandoned, needs_mediated: full-population counts over the run; coverage_30min:
        share of the commune's adults within 30 minutes of help by their travel mode) and the
        ratios over the replicates pooled (non_recours_rate = needs_abandoned / needs_closed, NaN
        when no need was closed). lat and lon are NaN on a generated territory (it has x_km and
        y_km only). A sweep has one scenario per design point. Empty when the runs recorded none
        (design experiments).
        """
        r = self._reader
        attrs, fields = r.zone_attributes, r.zone_fields
        ratios = r.zone_ratios
        columns = ["scenario", *attrs, "replicates", *fields, *[n for n, _, _ in ratios]]
        if not fields:
            return pd.DataFrame(columns=columns)
        runs, sums = r.zone_sums()
        zones = pd.DataFrame(r.zones, columns=attrs)
        for col in ("lat", "lon", "x_km", "y_km"):
            if col in zones:
                zones[col] = zones[col].astype(float)
        if {"lat", "lon"} <= set(zones) and not (zones[["lat", "lon"]] != 0).to_numpy().any():
            zones[["lat", "lon"]] = np.nan  # a generated territory: no coordinates (x_km, y_km only)
        frames = []
        for s, name in enumerate(self.scenarios):
            if runs[s] == 0:
                continue
            df = zones.copy()
            df.insert(0, "scenario", name)
            df["replicates"] = int(runs[s])
            for f, field in enumerate(fields):
                df[field] = sums[s, :, f] / runs[s]
            for n, num, den in ratios:
                d = sums[s, :, fields.index(den)]
                with np.errstate(divide="ignore", invalid="ignore"):
                    df[n] = np.where(d > 0, sums[s, :, fields.index(num)] / np.where(d > 0, d, 1), np.nan)
            frames.append(df)
        return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)

    def commune_values(self, scenario: str | int) -> np.ndarray:
        """Per-commune values of every replicate of ``scenario``: float64 array (replicates,
        communes, fields); fields in the order of ``communes()``'s value columns."""
        return self._reader.zone_values(self._scenario_index(scenario))

    def epci_gap(self) -> pd.DataFrame:
        """Per scenario, the non-recours of the worst EPCI minus the best (each EPCI pooling its
        communes in each run), mean and 95% CI over replicates, with the worst and best EPCIs
        (govsim.equity.epci_gap, docs/metrics.md)."""
        from . import equity

        return equity.epci_gap(self)

    def by_travel_time(self) -> pd.DataFrame:
        """Per scenario, non-recours of the communes at most 15, 15 to 30 and over 30 car minutes
        from the nearest help with procedures (real territories), mean and 95% CI over
        replicates; NaN where a class has no adults (govsim.equity.by_travel_time)."""
        from . import equity

        return equity.by_travel_time(self)

    def timeseries(self) -> pd.DataFrame:
        """Long table of every weekly series: scenario, replicate, week, series, value."""
        sc, rep, values = self._reader.series_cube()
        n_series, weeks = len(self.series_names), self.weeks
        per_run = n_series * weeks
        scen = np.array(self.scenarios, dtype=object)
        return pd.DataFrame({
            "scenario": np.repeat(scen[sc] if len(sc) else scen[:0], per_run),
            "replicate": np.repeat(rep, per_run),
            "week": np.tile(np.arange(weeks, dtype=np.int64), len(sc) * n_series),
            "series": np.tile(np.repeat(np.array(self.series_names, dtype=object), weeks), len(sc)),
            "value": values.reshape(-1),
        })

    def series(self, scenario: str | int, name: str) -> np.ndarray:
        """Weekly series ``name`` of ``scenario``: float64 array of shape (replicates, weeks).

        Built with one :func:`numpy.frombuffer` over the series' bytes read from the store (SQLite
        ``substr`` on the BLOBs), without per-value Python objects. Rows are in replicate order
        (see :meth:`replicates`).
        """
        s_idx = self._scenario_index(scenario)
        try:
            k = self.series_names.index(name)
        except ValueError:
            raise KeyError(f"no series {name!r}; series: {', '.join(self.series_names)}") from None
        return self._reader.one_series(s_idx, k)

    def replicates(self, scenario: str | int) -> list[int]:
        """Replicate indices stored for ``scenario`` (the rows of :meth:`series`)."""
        return self._reader.replicates(self._scenario_index(scenario))


def open_results(path: str | os.PathLike[str]) -> Results:
    """Opens an existing results directory (or its ``results.sqlite``) written by govsim."""
    return Results(path)
