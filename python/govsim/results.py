"""Reading a results directory (``results.sqlite`` plus CSV exports) into pandas and numpy.

Everything here is pure Python (:mod:`sqlite3` and :func:`numpy.frombuffer` over the store's
BLOBs, see ``docs/results-store.md``) except :meth:`Results.summary`, :meth:`Results.paired` and
:meth:`Results.table`, which use the engine's statistics (the same numbers as ``summary.csv``).
"""

from __future__ import annotations

import json
import os
import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._core import StoreError

__all__ = ["Results", "open_results", "metrics"]

_F8 = np.dtype("<f8")


def metrics() -> pd.DataFrame:
    """The model's scalar metrics: a DataFrame with columns name, higher_is_better, unit, doc."""
    return pd.DataFrame(_core.metrics(), columns=["name", "higher_is_better", "unit", "doc"])


class Results:
    """The results of one experiment, read from its output directory.

    Obtained from :func:`govsim.run`, :func:`govsim.compare`, :func:`govsim.sweep` or
    :func:`govsim.open_results`. Tables are pandas DataFrames; series are numpy arrays.
    """

    def __init__(self, path: str | os.PathLike[str], run_report: dict[str, Any] | None = None) -> None:
        """Opens the results directory ``path`` (or its ``results.sqlite``); raises StoreError."""
        p = Path(path)
        if p.is_file():
            p = p.parent
        self.path: Path = p
        """The results directory."""
        self.store: Path = p / "results.sqlite"
        """The SQLite results store."""
        self.run_report: dict[str, Any] | None = run_report
        """What the run that produced these results reported (runs done, resumed, wall time), or None."""
        if not self.store.is_file():
            raise StoreError(f"{self.store}: no results store (expected the output directory of a govsim run)")
        try:
            with self._connect() as con:
                self._meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
                self._scenario_rows = [(name, json.loads(info))
                                       for name, info in con.execute("SELECT name, info FROM scenarios ORDER BY idx")]
        except sqlite3.Error as e:
            raise StoreError(f"{self.store}: {e}") from e
        if "layout" not in self._meta:
            raise StoreError(f"{self.store}: no experiment in this store (missing meta.layout)")

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True)
        con.execute("PRAGMA busy_timeout = 10000")
        return con

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r}: {len(self.scenarios)} scenarios, {self.n_runs} runs)"

    # ---- description ------------------------------------------------------------------------
    @property
    def manifest(self) -> dict[str, Any]:
        """Provenance: version, git commit, seed, threads, host, start/end time, completeness."""
        if "manifest" in self._meta:
            return self._meta["manifest"]
        f = self.path / "manifest.json"
        return json.loads(f.read_text()) if f.is_file() else {}

    @property
    def config(self) -> dict[str, Any]:
        """The resolved experiment config stored with the results."""
        return self._meta.get("config", {})

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in the experiment's order."""
        return [name for name, _ in self._scenario_rows]

    @property
    def scenario_info(self) -> dict[str, dict[str, Any]]:
        """Per scenario: title, description, mechanisms, non-default parameters (and sweep point)."""
        return {name: info for name, info in self._scenario_rows}

    @property
    def baseline(self) -> str:
        """Name of the baseline scenario (paired differences are against it)."""
        return str(self.config.get("baseline", self.scenarios[0] if self.scenarios else ""))

    @property
    def metric_names(self) -> list[str]:
        """Names of the scalar metrics stored for each run (column order of :meth:`runs`)."""
        return list(self._meta["layout"]["metric_names"])

    @property
    def series_names(self) -> list[str]:
        """Names of the weekly series stored for each run."""
        return list(self._meta["layout"]["series_names"])

    @property
    def weeks(self) -> int:
        """Length of every series (horizon + 1; week 0 is the start)."""
        return int(self._meta["layout"]["weeks"])

    @property
    def n_runs(self) -> int:
        """Number of completed runs in the store."""
        with self._connect() as con:
            return int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def metrics(self) -> pd.DataFrame:
        """The model's metrics: name, higher_is_better, unit, doc."""
        return metrics()

    # ---- statistics ---------------------------------------------------------------------------
    @cached_property
    def _stats(self) -> dict[str, Any]:
        return _core.stats(str(self.store))

    def summary(self) -> pd.DataFrame:
        """One row per (scenario, metric): mean, sd, 95% CI (ci_low, ci_high), n, q05, q50, q95."""
        cols = ["scenario", "metric", "mean", "sd", "ci_low", "ci_high", "n", "q05", "q50", "q95"]
        return pd.DataFrame(self._stats["summary"], columns=cols)

    def paired(self) -> pd.DataFrame:
        """Paired differences vs the baseline over common replicates, one row per (scenario, metric).

        Columns: scenario, baseline, metric, mean_diff, sd_diff, ci_low, ci_high, rel_diff,
        rel_ci_low, rel_ci_high, share_better (share of replicates where the scenario does
        better), n.
        """
        cols = ["scenario", "baseline", "metric", "mean_diff", "sd_diff", "ci_low", "ci_high", "rel_diff",
                "rel_ci_low", "rel_ci_high", "share_better", "n"]
        return pd.DataFrame(self._stats["paired"], columns=cols)

    def table(self, rank_by: str = "non_recours_rate", headline: int = 9) -> str:
        """The ranked comparison table printed by ``govsim compare`` (95% CIs, paired deltas)."""
        return _core.comparison_table(str(self.store), rank_by, headline)

    # ---- raw runs ----------------------------------------------------------------------------
    def _blobs(self, column: str, scenario: int | None = None) -> tuple[list[int], list[int], bytearray]:
        sql = f"SELECT scenario, replicate, {column} FROM runs"
        args: tuple[Any, ...] = ()
        if scenario is not None:
            sql += " WHERE scenario = ?"
            args = (scenario,)
        sql += " ORDER BY scenario, replicate"
        sc: list[int] = []
        rep: list[int] = []
        buf = bytearray()
        with self._connect() as con:
            for s, r, blob in con.execute(sql, args):
                sc.append(s)
                rep.append(r)
                buf += blob
        return sc, rep, buf

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
        names = self.metric_names
        with self._connect() as con:
            rows = con.execute("SELECT scenario, replicate, wall_seconds, metrics FROM runs "
                               "ORDER BY scenario, replicate").fetchall()
        buf = bytearray()
        for row in rows:
            buf += row[3]
        values = np.frombuffer(buf, dtype=_F8).reshape(len(rows), len(names)).astype(float, copy=False)
        scen = np.array(self.scenarios, dtype=object)
        df = pd.DataFrame({"scenario": scen[[r[0] for r in rows]] if rows else np.array([], dtype=object),
                           "replicate": np.array([r[1] for r in rows], dtype=np.int64)})
        if wall_seconds:
            df["wall_seconds"] = np.array([r[2] for r in rows], dtype=float)
        return pd.concat([df, pd.DataFrame(values, columns=names)], axis=1)

    def timeseries(self) -> pd.DataFrame:
        """Long table of every weekly series: scenario, replicate, week, series, value."""
        sc, rep, buf = self._blobs("series")
        n_series, weeks = len(self.series_names), self.weeks
        values = np.frombuffer(buf, dtype=_F8).reshape(len(sc), n_series, weeks)
        per_run = n_series * weeks
        scen = np.array(self.scenarios, dtype=object)
        return pd.DataFrame({
            "scenario": np.repeat(scen[np.asarray(sc, dtype=np.int64)] if sc else scen[:0], per_run),
            "replicate": np.repeat(np.asarray(rep, dtype=np.int64), per_run),
            "week": np.tile(np.arange(weeks, dtype=np.int64), len(sc) * n_series),
            "series": np.tile(np.repeat(np.array(self.series_names, dtype=object), weeks), len(sc)),
            "value": values.reshape(-1).astype(float, copy=False),
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
        weeks = self.weeks
        start, length = k * weeks * 8 + 1, weeks * 8
        buf = bytearray()
        n = 0
        with self._connect() as con:
            for (blob,) in con.execute("SELECT substr(series, ?, ?) FROM runs WHERE scenario = ? ORDER BY replicate",
                                       (start, length, s_idx)):
                if len(blob) != length:
                    raise StoreError(f"{self.store}: run of scenario {s_idx} has a series blob of the wrong size")
                buf += blob
                n += 1
        return np.frombuffer(buf, dtype=_F8).reshape(n, weeks).astype(np.float64, copy=False)

    def replicates(self, scenario: str | int) -> list[int]:
        """Replicate indices stored for ``scenario`` (the rows of :meth:`series`)."""
        s_idx = self._scenario_index(scenario)
        with self._connect() as con:
            return [r for (r,) in con.execute("SELECT replicate FROM runs WHERE scenario = ? ORDER BY replicate",
                                              (s_idx,))]


def open_results(path: str | os.PathLike[str]) -> Results:
    """Opens an existing results directory (or its ``results.sqlite``) written by govsim."""
    return Results(path)
