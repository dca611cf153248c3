"""The one Python reader of a results store (``results.sqlite`` and ``manifest.json``).

Used by :class:`govsim.Results` and by the HTML report (:mod:`govsim.reporting`). Pure Python:
:mod:`sqlite3` and :func:`numpy.frombuffer` over the store's BLOBs (schema in
``docs/results-store.md``). Every problem is a :class:`govsim.StoreError` whose message starts
with the path of the file at fault.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from . import _core
from ._core import StoreError

__all__ = ["MetricCatalog", "StoreReader", "STORE_FILE", "MANIFEST_FILE", "ROLE_FIELDS"]

STORE_FILE = "results.sqlite"
MANIFEST_FILE = "manifest.json"
_F8 = np.dtype("<f8")


class MetricCatalog:
    """What the metrics and series of some results are: unit, direction, doc, headline or not,
    subgroup dimensions, from the manifest's ``metrics`` and ``series`` blocks (written by the
    engine from ``models/inclusion/metrics.def``). The categories of each subgroup dimension are
    those present in the stored layout (``name@dimension:category``)."""

    def __init__(self, metrics: list[dict[str, Any]], series: list[dict[str, Any]],
                 metric_names: list[str], series_names: list[str]) -> None:
        self._metric_info = {str(m["name"]): m for m in metrics}
        self._series_info = {str(m["name"]): m for m in series}
        self.metric_names = list(metric_names)
        """Stored metric names (the layout), subgroup breakdowns included."""
        self.series_names = list(series_names)
        """Stored series names (the layout)."""
        stored = set(metric_names)
        self.headline: list[str] = [str(m["name"]) for m in metrics if m.get("headline") and str(m["name"]) in stored]
        """Headline metrics, in declaration order."""

    def _lookup(self, name: str, series: bool) -> dict[str, Any]:
        first, second = (self._series_info, self._metric_info) if series else (self._metric_info, self._series_info)
        base = name.split("@")[0]
        return first.get(name) or first.get(base) or second.get(name) or second.get(base) or {}

    def unit(self, name: str, series: bool = False) -> str:
        """Unit of a metric (or of a series with ``series=True``), e.g. share, EUR, weeks."""
        return str(self._lookup(name, series).get("unit", ""))

    def higher_is_better(self, name: str, series: bool = False) -> bool:
        """Which way the engine ranks it: higher first for "higher" and for "neutral" metrics."""
        return self._lookup(name, series).get("direction") in ("higher", "neutral")

    def direction(self, name: str, series: bool = False) -> str:
        """"higher" or "lower" (which is better), or "neutral": a metric whose direction is not a
        goal in itself (e.g. mediation_share), whose differences get no better/worse verdict."""
        return str(self._lookup(name, series).get("direction", "higher"))

    def doc(self, name: str, series: bool = False) -> str:
        return str(self._lookup(name, series).get("doc", ""))

    def is_headline(self, name: str) -> bool:
        return name in self.headline

    def dimensions(self, base: str) -> list[tuple[str, list[str]]]:
        """[(dimension, categories)] of metric ``base``: its declared subgroups present in the results."""
        out = []
        for d in self._lookup(base, False).get("subgroups") or []:
            dim = str(d.get("name") or d.get("dimension")) if isinstance(d, dict) else str(d).split(":")[0]
            prefix = f"{base}@{dim}:"
            cats = [n[len(prefix):] for n in self.metric_names if n.startswith(prefix)]
            if cats and dim not in (x for x, _ in out):
                out.append((dim, cats))
        return out

    def categories(self, base: str, dim: str) -> list[str]:
        """Categories of dimension ``dim`` of metric ``base`` in the results (e.g. the funders)."""
        return next((c for d, c in self.dimensions(base) if d == dim), [])


_ROLE_COLUMNS = ("role", "arm_of", "compared_with", "territory", "scenario", "budget")
ROLE_FIELDS = ["scenario", "role", "arm_of", "compared_with", "territory", "of", "budget"]
"""The fields of a scenario's role (:attr:`StoreReader.scenario_roles`), as ``_core.scenario_roles``."""


def _role_row(names: list[str], i: int, row: tuple[Any, ...], file: Path) -> dict[str, Any]:
    """One row of the scenarios table's role columns, indices turned into scenario names."""
    role, arm_of, compared_with, territory, of, budget = row

    def name(j: Any, what: str) -> str | None:
        if j is None:
            return None
        if not (isinstance(j, int) and 0 <= j < len(names)):
            raise StoreError(f"{file}: scenario {i}: {what} is not a scenario index ({j!r})")
        return names[j]

    return {"scenario": names[i], "role": str(role), "arm_of": name(arm_of, "arm_of"),
            "compared_with": name(compared_with, "compared_with"),
            "territory": None if territory is None else str(territory),
            "of": names[i] if of is None else str(of), "budget": str(budget)}


def _check_entries(entries: Any, where: str, key: str) -> list[dict[str, Any]]:
    if not isinstance(entries, list):
        raise StoreError(f"{where}: /{key}: expected an array of {{name, unit, direction, headline, subgroups, doc}}")
    for i, m in enumerate(entries):
        if not (isinstance(m, dict) and isinstance(m.get("name"), str)
                and m.get("direction") in ("higher", "lower", "neutral")
                and isinstance(m.get("subgroups", []), list)):
            raise StoreError(f"{where}: /{key}/{i}: expected {{\"name\": string, "
                             f"\"direction\": \"higher\"|\"lower\"|\"neutral\", "
                             f"\"unit\", \"headline\", \"subgroups\": [...], \"doc\"}}")
    return entries


class StoreReader:
    """Read-only access to the results store of one experiment.

    ``path`` is the results directory or its ``results.sqlite``. Opening reads ``meta`` and
    ``scenarios`` and checks the layout; :meth:`verify` checks the whole file (SQLite integrity,
    size of every BLOB). Raises :class:`govsim.StoreError` naming the file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        p = Path(path)
        if p.is_file():
            p = p.parent
        self.dir: Path = p
        self.file: Path = p / STORE_FILE
        if not p.exists():
            raise StoreError(f"{p}: results directory not found")
        if not self.file.is_file():
            raise StoreError(f"{self.file}: no results store (expected the output directory of a govsim run)")
        try:
            with self.connect() as con:
                tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                lacking = [t for t in ("meta", "scenarios", "runs") if t not in tables]
                if lacking:
                    raise StoreError(f"{self.file}: not a govsim results store (no table {', '.join(lacking)})")
                meta: dict[str, Any] = {}
                for key, value in con.execute("SELECT key, value FROM meta"):
                    try:
                        meta[key] = json.loads(value)
                    except (TypeError, json.JSONDecodeError) as e:
                        raise StoreError(f"{self.file}: meta.{key} is not JSON ({e})") from None
                scenarios: list[tuple[str, dict[str, Any]]] = []
                for idx, name, info in con.execute("SELECT idx, name, info FROM scenarios ORDER BY idx"):
                    if idx != len(scenarios):
                        raise StoreError(f"{self.file}: scenario indices are not 0, 1, 2, ... (found {idx})")
                    try:
                        scenarios.append((str(name), json.loads(info)))
                    except (TypeError, json.JSONDecodeError) as e:
                        raise StoreError(f"{self.file}: scenarios[{idx}].info is not JSON ({e})") from None
                columns = {c for (_, c, *_rest) in con.execute("PRAGMA table_info(scenarios)")}
                rows = con.execute(f"SELECT {', '.join(_ROLE_COLUMNS)} FROM scenarios ORDER BY idx").fetchall() \
                    if set(_ROLE_COLUMNS) <= columns else None
        except sqlite3.Error as e:
            raise StoreError(f"{self.file}: not a readable results store ({e})") from None
        self.meta: dict[str, Any] = meta
        self._scenarios = scenarios
        names = [n for n, _ in scenarios]
        if rows is None:  # format_version 1 (roles as keys of the info): the engine upgrades it
            self._roles = [dict(r) for r in _core.scenario_roles(str(self.file))]
        else:
            self._roles = [_role_row(names, i, r, self.file) for i, r in enumerate(rows)]
        layout = meta.get("layout")
        if layout is None:
            raise StoreError(f"{self.file}: no experiment in this store (missing meta.layout)")
        if not (isinstance(layout, dict) and isinstance(layout.get("metric_names"), list)
                and isinstance(layout.get("series_names"), list) and isinstance(layout.get("weeks"), int)
                and layout["weeks"] >= 0):
            raise StoreError(f"{self.file}: meta.layout: expected {{\"metric_names\": [...], "
                             f"\"series_names\": [...], \"weeks\": N}}")
        self._manifest: dict[str, Any] | None = None

    # ---- connection ---------------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection, closed on exit (WAL readers do not block a writer)."""
        con = sqlite3.connect(f"file:{self.file}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA busy_timeout = 10000")
            yield con
        finally:
            con.close()

    # ---- description --------------------------------------------------------------------------
    @property
    def layout(self) -> dict[str, Any]:
        return self.meta["layout"]

    @property
    def metric_names(self) -> list[str]:
        return [str(n) for n in self.layout["metric_names"]]

    @property
    def series_names(self) -> list[str]:
        return [str(n) for n in self.layout["series_names"]]

    @property
    def weeks(self) -> int:
        return int(self.layout["weeks"])

    @property
    def config(self) -> dict[str, Any]:
        c = self.meta.get("config")
        return c if isinstance(c, dict) else {}

    @property
    def scenarios(self) -> list[str]:
        return [name for name, _ in self._scenarios]

    @property
    def scenario_info(self) -> dict[str, dict[str, Any]]:
        return {name: info for name, info in self._scenarios}

    @property
    def scenario_roles(self) -> list[dict[str, Any]]:
        """The typed role of each scenario, in order: {scenario, role ("main",
        "as_configured_arm", "territory_baseline", "territory_comparison"), arm_of, compared_with
        (scenario names or None), territory (label or None), of (the config's scenario it is a
        run of), budget ("as_configured" or "equal_to_baseline")}; the store's role columns."""
        return [dict(r) for r in self._roles]

    @property
    def manifest(self) -> dict[str, Any]:
        """Provenance: the store's ``meta.manifest``, else ``manifest.json`` beside it, else {}."""
        if self._manifest is None:
            m = self.meta.get("manifest")
            if not isinstance(m, dict):
                m = {}
                f = self.dir / MANIFEST_FILE
                if f.is_file():
                    try:
                        m = json.loads(f.read_text(encoding="utf-8"))
                    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                        raise StoreError(f"{f}: cannot read ({e})") from None
                    if not isinstance(m, dict):
                        raise StoreError(f"{f}: expected a JSON object")
            self._manifest = m
        return self._manifest

    def catalog(self) -> MetricCatalog:
        """The metric catalog of the manifest (``metrics`` and ``series`` blocks)."""
        m = self.manifest
        where = f"{self.file} (meta.manifest)" if isinstance(self.meta.get("manifest"), dict) else str(self.dir / MANIFEST_FILE)
        if "metrics" in m or "series" in m:
            metrics = _check_entries(m.get("metrics"), where, "metrics")
            series = _check_entries(m.get("series"), where, "series")
        else:  # written before the manifest carried the catalog: the installed engine's
            metrics, series = _engine_entries(_core.metrics()), _engine_entries(_core.series())
        return MetricCatalog(metrics, series, self.metric_names, self.series_names)

    def n_runs(self) -> int:
        """Number of completed runs in the store."""
        try:
            with self.connect() as con:
                return int(con.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
        except sqlite3.Error as e:
            raise StoreError(f"{self.file}: {e}") from None

    # ---- checking -----------------------------------------------------------------------------
    def verify(self) -> None:
        """Checks the whole file: SQLite's integrity check, then every run's BLOB sizes."""
        m_len, s_len = 8 * len(self.metric_names), 8 * len(self.series_names) * self.weeks
        n_scen = len(self._scenarios)
        try:
            with self.connect() as con:
                problems = [r[0] for r in con.execute("PRAGMA quick_check")]
                if problems != ["ok"]:
                    raise StoreError(f"{self.file}: damaged ({'; '.join(problems[:3])})")
                for sc, rep, mb, sb in con.execute(
                        "SELECT scenario, replicate, length(metrics), length(series) FROM runs"):
                    if not (isinstance(sc, int) and 0 <= sc < n_scen):
                        raise StoreError(f"{self.file}: a run has scenario index {sc!r} (the store has {n_scen} scenarios)")
                    if mb != m_len or sb != s_len:
                        raise StoreError(f"{self.file}: run (scenario {sc}, replicate {rep}) has blobs of "
                                         f"{mb} and {sb} bytes, expected {m_len} and {s_len} (meta.layout)")
        except sqlite3.Error as e:
            raise StoreError(f"{self.file}: not a readable results store ({e})") from None

    # ---- runs ---------------------------------------------------------------------------------
    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            with self.connect() as con:
                return con.execute(sql, args).fetchall()
        except sqlite3.Error as e:
            raise StoreError(f"{self.file}: {e}") from None

    def _check(self, blob: bytes, length: int, sc: int, rep: int, what: str) -> bytes:
        if blob is None or len(blob) != length:
            raise StoreError(f"{self.file}: run (scenario {sc}, replicate {rep}) has a {what} blob of "
                             f"{0 if blob is None else len(blob)} bytes, expected {length}")
        return blob

    def metric_matrix(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(scenario indices, replicates, wall seconds, values[run, metric]) in (scenario, replicate) order."""
        rows = self._query("SELECT scenario, replicate, wall_seconds, metrics FROM runs ORDER BY scenario, replicate")
        n = len(self.metric_names)
        buf = bytearray()
        for sc, rep, _, blob in rows:
            buf += self._check(blob, 8 * n, sc, rep, "metrics")
        values = np.frombuffer(buf, dtype=_F8).reshape(len(rows), n).astype(np.float64, copy=False)
        return (np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
                np.array([r[2] for r in rows], dtype=float), values)

    def series_cube(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(scenario indices, replicates, values[run, series, week]) in (scenario, replicate) order."""
        rows = self._query("SELECT scenario, replicate, series FROM runs ORDER BY scenario, replicate")
        n, weeks = len(self.series_names), self.weeks
        buf = bytearray()
        for sc, rep, blob in rows:
            buf += self._check(blob, 8 * n * weeks, sc, rep, "series")
        values = np.frombuffer(buf, dtype=_F8).reshape(len(rows), n, weeks).astype(np.float64, copy=False)
        return (np.array([r[0] for r in rows], dtype=np.int64), np.array([r[1] for r in rows], dtype=np.int64),
                values)

    def one_series(self, scenario: int, k: int) -> np.ndarray:
        """Series number ``k`` of scenario number ``scenario``: array (replicates, weeks).

        One :func:`numpy.frombuffer` over the series' bytes read with SQLite ``substr``.
        """
        weeks = self.weeks
        start, length = k * weeks * 8 + 1, weeks * 8
        buf = bytearray()
        n = 0
        for rep, blob in self._query("SELECT replicate, substr(series, ?, ?) FROM runs WHERE scenario = ? "
                                     "ORDER BY replicate", (start, length, scenario)):
            buf += self._check(blob, length, scenario, rep, "series")
            n += 1
        return np.frombuffer(buf, dtype=_F8).reshape(n, weeks).astype(np.float64, copy=False)

    # ---- per-commune values -------------------------------------------------------------------
    @property
    def zone_fields(self) -> list[str]:
        """Per-zone values each run records (``layout.zone_fields``); [] when runs record none."""
        return [str(f) for f in self.layout.get("zone_fields", [])]

    @property
    def zone_attributes(self) -> list[str]:
        return [str(a) for a in self.layout.get("zone_attributes", [])]

    @property
    def zones(self) -> list[list[str]]:
        return [[str(v) for v in row] for row in self.layout.get("zones", [])]

    @property
    def zone_ratios(self) -> list[tuple[str, str, str]]:
        return [(str(a), str(b), str(c)) for a, b, c in self.layout.get("zone_ratios", [])]

    def zone_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """(runs per scenario, sums[scenario, zone, field] over its replicates), streamed run by
        run: memory is scenarios x zones x fields whatever the number of runs."""
        nz, nf = len(self.zones), len(self.zone_fields)
        sums = np.zeros((len(self._scenarios), nz, nf))
        runs = np.zeros(len(self._scenarios), dtype=np.int64)
        if nf == 0:
            return runs, sums
        try:
            with self.connect() as con:
                if not any(r[1] == "zones" for r in con.execute("PRAGMA table_info(runs)")):
                    return runs, sums
                for sc, rep, blob in con.execute("SELECT scenario, replicate, zones FROM runs "
                                                 "ORDER BY scenario, replicate"):
                    self._check(blob, 8 * nz * nf, sc, rep, "zones")
                    sums[sc] += np.frombuffer(blob, dtype=_F8).reshape(nz, nf)
                    runs[sc] += 1
        except sqlite3.Error as e:
            raise StoreError(f"{self.file}: {e}") from None
        return runs, sums

    def zone_values(self, scenario: int) -> np.ndarray:
        """Per-zone values of every replicate of scenario number ``scenario``: (replicates, zones,
        fields)."""
        nz, nf = len(self.zones), len(self.zone_fields)
        rows = self._query("SELECT replicate, zones FROM runs WHERE scenario = ? ORDER BY replicate",
                           (scenario,)) if nf else []
        buf = bytearray()
        for rep, blob in rows:
            buf += self._check(blob, 8 * nz * nf, scenario, rep, "zones")
        return np.frombuffer(buf, dtype=_F8).reshape(len(rows), nz, nf).astype(np.float64, copy=False)

    def replicates(self, scenario: int) -> list[int]:
        return [r for (r,) in self._query("SELECT replicate FROM runs WHERE scenario = ? ORDER BY replicate",
                                          (scenario,))]


def _engine_entries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Catalog entries from the installed engine (``models/inclusion/metrics.def``), for stores
    written before the manifest carried the catalog."""
    return [{"name": str(m["name"]), "unit": m.get("unit", ""), "doc": m.get("doc", ""),
             "direction": m.get("direction") or ("higher" if m.get("higher_is_better") else "lower"),
             "headline": bool(m.get("headline")), "subgroups": list(m.get("subgroups", []))}
            for m in entries if "@" not in str(m["name"])]
