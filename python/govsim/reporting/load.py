"""What the report reads: the results store (through :class:`govsim.store.StoreReader`, the same
reader as :class:`govsim.Results`), its statistics, the metric catalog of its manifest and the
engine's parameter registry."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from .._core import StoreError
from ..results import PAIRED_COLUMNS, SUMMARY_COLUMNS
from ..store import MetricCatalog, StoreReader

__all__ = ["ReportData", "ReportInputError", "load", "describe"]


class ReportInputError(ValueError):
    """The results directory is missing, incomplete or unreadable."""


def localized(info: dict[str, Any], key: str) -> str:
    """``info[key]`` in the report's language: ``info[key + "s"][lang]`` (from the file's
    ``title_fr``, ``description_fr``, ``descriptions``...) when given, else ``info[key]``, else ""."""
    from .i18n import lang

    by_lang = info.get(key + "s")
    by_lang = by_lang if isinstance(by_lang, dict) else {}
    return str(by_lang.get(lang()) or info.get(key) or "")



def scenario_title(info: dict[str, Any], name: str) -> str:
    """A scenario's title in the report's language ("titles" from the scenario file's
    ``title_fr``/``title_en``/``titles``), else its ``title``, else its name."""
    from .i18n import lang

    titles = info.get("titles") if isinstance(info.get("titles"), dict) else {}
    return titles.get(lang()) or info.get("title") or name

@dataclass
class ReportData:
    """Everything the report shows, read and checked."""

    dir: Path
    store: Path
    manifest: dict[str, Any]
    config: dict[str, Any]
    scenarios: list[str]
    scenario_info: dict[str, dict[str, Any]]
    baseline: str
    summary: pd.DataFrame
    paired: pd.DataFrame
    catalog: MetricCatalog
    series_names: list[str]
    weeks: int
    series_scenario: np.ndarray  # scenario index of each run
    series_values: np.ndarray  # [run, series, week]
    registry: dict[str, dict[str, Any]] = field(default_factory=dict)
    is_sweep: bool = False  # design points of `govsim sweep`: no baseline, no paired differences
    scenarios_all: list[str] = field(default_factory=list)  # every scenario of the store, by index
    communes: pd.DataFrame = field(default_factory=pd.DataFrame)  # per-commune outputs (communes.csv)
    # experiment.budget ("as_configured" or "equal_to_baseline") and, at equal budget, the
    # cost-effectiveness of each scenario run as configured (cost_effectiveness.csv's rows).
    budget: str = "as_configured"
    cost_effect: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Equity from the per-commune results (govsim.equity): the gap between EPCIs and non-recours
    # by travel time to the nearest help with procedures, per scenario.
    epci_gap: pd.DataFrame = field(default_factory=pd.DataFrame)
    travel: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Each scenario's typed role, stored with the results (StoreReader.scenario_roles), by name.
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recomputes the lookup tables from ``summary`` and ``paired`` (after changing them)."""
        s = self.summary
        self.mean = s.pivot_table(index="scenario", columns="metric", values="mean", aggfunc="first")
        self.lo = s.pivot_table(index="scenario", columns="metric", values="ci_low", aggfunc="first")
        self.hi = s.pivot_table(index="scenario", columns="metric", values="ci_high", aggfunc="first")
        ns = s["n"].dropna()
        self.n_runs = int(ns.max()) if len(ns) else int(self.manifest.get("runs_per_scenario") or 0)
        self.pair = {(r.scenario, r.metric): r for r in self.paired.itertuples(index=False)}

    def title(self, name: str) -> str:
        """The scenario's title in the report's language (scenario_title)."""
        return scenario_title(self.scenario_info.get(name, {}), name)

    def description(self, name: str) -> str:
        """The scenario's description in the report's language (``description_fr``/
        ``description_en``/``descriptions`` of its file), else its ``description``."""
        return localized(self.scenario_info.get(name, {}), "description")

    def values(self, name: str) -> dict[str, Any]:
        return self.scenario_info.get(name, {}).get("values") or {}

    def parameters(self, name: str) -> dict[str, Any]:
        return dict(self.scenario_info.get(name, {}).get("parameters") or {})

    def common_parameters(self) -> dict[str, Any]:
        """Parameters set explicitly, to the same value, by every scenario (experiment-wide settings)."""
        sets = [self.parameters(s) for s in self.scenarios]
        if not sets or not all(sets):
            return {}
        return {k: v for k, v in sets[0].items() if all(k in d and d[k] == v for d in sets)}

    def get(self, table: pd.DataFrame, scen: str, metric: str) -> float:
        try:
            v = table.loc[scen, metric]
        except KeyError:
            return float("nan")
        return float(v) if v is not None else float("nan")

    def has(self, metric: str) -> bool:
        return metric in self.mean.columns

    def horizon_weeks(self) -> int | None:
        v = self.values(self.baseline).get("sim.horizon_weeks")
        if v is None and self.weeks > 0:
            v = self.weeks - 1
        return int(v) if v is not None else None

    def series(self, name: str, scenario: str) -> np.ndarray:
        """Weekly series ``name`` of ``scenario``: array (replicates, weeks)."""
        k = self.series_names.index(name)
        return self.series_values[self.series_scenario == self.scenarios_all.index(scenario), k, :]

    def replicates_per_scenario(self) -> int:
        if len(self.series_scenario) == 0:
            return 0
        return int(np.bincount(self.series_scenario).max())

    def role(self, scenario: str) -> str:
        """The scenario's role: "main", "as_configured_arm", "territory_baseline" or
        "territory_comparison" (the store's role column)."""
        return str(self.roles.get(scenario, {}).get("role") or "main")

    def is_arm(self, scenario: str) -> bool:
        """A run as configured ("NAME@as_configured") of a scenario compared at equal budget (unranked)."""
        return self.role(scenario) == "as_configured_arm"

    def own_territory(self, scenario: str) -> str | None:
        """The territory of a run from the experiment's ``territory_comparisons`` (a scenario on its
        own territory, "NAME@TERRITORY", or the baseline run there), else None: such runs are
        compared with their own baseline and never ranked with the main scenarios."""
        terr = self.roles.get(scenario, {}).get("territory")  # set for those runs (and their arms)
        return None if terr is None else str(terr)

    def compared_with(self, scenario: str) -> str:
        """The run a scenario's paired differences are against: its own territory's baseline run
        for a territory comparison, else the experiment's baseline."""
        return str(self.roles.get(scenario, {}).get("compared_with") or self.baseline)

    def of(self, scenario: str) -> str:
        """The config's scenario a run is of: a territory run's or an arm's (itself for a main
        scenario)."""
        return str(self.roles.get(scenario, {}).get("of") or scenario)

    @property
    def main_scenarios(self) -> list[str]:
        """The scenarios of the main comparison (same territory, ranked together): not the runs as
        configured of an equal-budget comparison, not the territory comparisons."""
        return [s for s in self.scenarios if not self.is_arm(s) and self.own_territory(s) is None]

    def territory_groups(self) -> list[tuple[str, str, list[str]]]:
        """The territory comparisons: (territory, its baseline run, the scenarios run there), in
        the experiment's order."""
        groups: dict[str, tuple[str, list[str]]] = {}
        for s in self.scenarios:
            terr = self.own_territory(s)
            if terr is None or self.is_arm(s):
                continue
            if self.role(s) == "territory_baseline":
                groups.setdefault(terr, (s, []))
            else:
                base = self.compared_with(s)
                groups.setdefault(terr, (base, []))[1].append(s)
        return [(t, b, ss) for t, (b, ss) in groups.items()]

    def ranked(self, metric: str = "non_recours_rate") -> list[str]:
        """The main scenarios best first on ``metric`` (mean), those without a value last."""
        main = self.main_scenarios
        if not self.has(metric):
            return main
        hib = self.catalog.higher_is_better(metric)
        vals = {s: self.get(self.mean, s, metric) for s in main}

        def key(s: str) -> tuple[bool, float]:
            v = vals[s]
            ok = v == v and abs(v) != float("inf")
            return (not ok, -v if hib else v)

        return sorted(main, key=key)


def load(results_dir: str | os.PathLike[str]) -> ReportData:
    """Reads and checks the results in ``results_dir``; raises :class:`ReportInputError` naming
    the file at fault."""
    results_dir = Path(results_dir)
    if not results_dir.exists():
        raise ReportInputError(f"results directory not found: {results_dir}")
    if not results_dir.is_dir():
        raise ReportInputError(f"not a directory: {results_dir} (give the --out directory of `govsim compare`)")
    try:
        reader = StoreReader(results_dir)
        reader.verify()
        manifest = reader.manifest
        n = reader.n_runs()
        if n == 0:
            raise StoreError(f"{reader.file}: no completed runs (run the experiment again, or "
                             "`govsim compare ... --resume` if it was interrupted)")
        if manifest.get("complete") is not True:
            raise StoreError(f"{reader.file}: the experiment is not complete ({n} runs; was it interrupted? "
                             "try `govsim compare ... --resume`)")
        stats = _core.stats(str(reader.file))
        sc, _, values = reader.series_cube()
    except StoreError as e:
        raise ReportInputError(str(e)) from None
    summary = pd.DataFrame(stats["summary"], columns=SUMMARY_COLUMNS)
    paired = pd.DataFrame(stats["paired"], columns=PAIRED_COLUMNS)
    config = reader.config
    scen_order = [s for s in reader.scenarios if s in set(summary["scenario"])]
    is_sweep = "sweep" in config and config.get("baseline", "") is None
    baseline = manifest.get("baseline") or config.get("baseline")
    if baseline not in scen_order and len(paired):
        baseline = str(paired["baseline"].iloc[0])
    if baseline not in scen_order:
        baseline = scen_order[0]
    try:
        catalog = reader.catalog()
    except StoreError as e:
        raise ReportInputError(str(e)) from None
    data = ReportData(dir=results_dir, store=reader.file, manifest=manifest, config=config,
                      scenarios=scen_order, scenario_info=reader.scenario_info, baseline=baseline,
                      summary=summary, paired=paired, catalog=catalog, series_names=reader.series_names,
                      weeks=reader.weeks, series_scenario=sc, series_values=values,
                      scenarios_all=reader.scenarios, is_sweep=is_sweep,
                      budget=str(stats.get("budget") or "as_configured"),
                      cost_effect=pd.DataFrame(stats.get("cost_effectiveness") or []),
                      roles={r["scenario"]: r for r in reader.scenario_roles})
    data.registry = describe()
    try:
        from .. import equity
        from ..results import Results
        res = Results(results_dir)
        data.communes = res.communes()
        data.epci_gap, data.travel = equity.epci_gap(res), equity.by_travel_time(res)
    except StoreError as e:
        raise ReportInputError(str(e)) from None
    return data


def describe() -> dict[str, dict[str, Any]]:
    """The parameter registry of the engine (name -> type, default, unit, range, source, doc)."""
    return {str(p["name"]): p for p in _core.parameters()}
