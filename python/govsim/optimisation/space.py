"""The search space of ``govsim optimise``: the config's ``optimise`` section, checked by the
engine's loader (``engine/optimise_settings.cpp``) and read here from the resolved config;
levers drawn by an Optuna trial; objectives and constraints in a minimisation form."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _core
from .._core import ConfigError


@dataclass(frozen=True)
class Lever:
    """One lever: a registry parameter, with discrete ``values`` or a ``low``..``high`` range."""

    name: str
    type: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None

    def suggest(self, trial: Any) -> Any:
        """The value an Optuna trial draws for this lever."""
        if self.values is not None:
            return trial.suggest_categorical(self.name, list(self.values))
        if self.type == "integer":
            return trial.suggest_int(self.name, int(self.low), int(self.high), step=int(self.step or 1))
        return trial.suggest_float(self.name, float(self.low), float(self.high), step=self.step)

    def project(self, value: Any) -> Any:
        """The lever's value nearest to ``value`` (a scenario's setting, for a warm start): the
        value itself among discrete ``values`` (None when it is not one of them), else clipped
        to the range and rounded to the step."""
        if self.values is not None:
            return value if value in self.values else None
        x = min(max(float(value), float(self.low)), float(self.high))
        if self.step:
            x = float(self.low) + round((x - float(self.low)) / float(self.step)) * float(self.step)
            x = min(x, float(self.high))
        return int(round(x)) if self.type == "integer" else x


@dataclass(frozen=True)
class Objective:
    metric: str
    direction: str  # "minimise" | "maximise"

    @property
    def sign(self) -> float:
        """+1 to minimise, -1 to maximise: ``sign * value`` is always to be minimised."""
        return 1.0 if self.direction == "minimise" else -1.0


@dataclass(frozen=True)
class Constraint:
    metric: str
    bound: float | str  # a number, or "baseline" (the baseline's value on the same replicates)
    at_most: bool

    def text(self) -> str:
        return f"{self.metric} {'<=' if self.at_most else '>='} {self.bound}"

    def violation(self, value: float, baseline: Mapping[str, float]) -> float:
        """<= 0 when satisfied (Optuna's convention for constraints); the excess otherwise."""
        b = baseline[self.metric] if self.bound == "baseline" else float(self.bound)
        if math.isnan(value) or math.isnan(b):
            # no value (a breakdown class the territory lacks): vacuous if the baseline has none
            # either, else not shown to hold
            return 0.0 if math.isnan(value) and math.isnan(b) else 1.0
        return float(value - b) if self.at_most else float(b - value)


@dataclass(frozen=True)
class SearchSpace:
    """The ``optimise`` section of a config (docs/optimisation.md)."""

    levers: tuple[Lever, ...]
    objectives: tuple[Objective, ...]
    constraints: tuple[Constraint, ...] = ()
    evaluations: int = 40
    population: int = 8
    final_runs: int | None = None
    seed: int | None = None
    sampler: str = "nsga2"
    file: str = "<config>"
    place: tuple[tuple[str, str], ...] = ()
    """Scenarios placed beside the front: (name, absolute file path)."""
    warm_start: bool = False
    robust: str | None = None
    """With ``--robust``: where the worlds come from (a worlds file, or "prior"); part of the
    study's identity (a search over worlds is not resumed as one over replicates)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lever_names(self) -> list[str]:
        return [lv.name for lv in self.levers]

    @property
    def metrics(self) -> list[str]:
        """Every metric the search reads: objectives, then constraints (each once)."""
        out: list[str] = []
        for m in [o.metric for o in self.objectives] + [c.metric for c in self.constraints]:
            if m not in out:
                out.append(m)
        return out

    def losses(self, means: Mapping[str, float]) -> np.ndarray:
        """The objectives of one design as values to minimise."""
        return np.array([o.sign * float(means[o.metric]) for o in self.objectives])

    def violations(self, means: Mapping[str, float], baseline: Mapping[str, float]) -> list[float]:
        return [c.violation(float(means[c.metric]), baseline) for c in self.constraints]


def from_section(section: Mapping[str, Any], file: str = "<config>",
                 metric_names: Sequence[str] | None = None) -> SearchSpace:
    """A :class:`SearchSpace` from a normalised ``optimise`` section (the engine's resolved config).

    Breakdown metrics (``name@dimension:level``) in constraints are checked here against the
    model's metric list (the loader checks the base names): ConfigError naming the pointer.
    """
    names = set(metric_names if metric_names is not None else (m["name"] for m in _core.metrics()))
    levers = []
    for lv in section["levers"]:
        if "values" in lv:
            levers.append(Lever(lv["name"], lv["type"], values=tuple(lv["values"])))
        else:
            levers.append(Lever(lv["name"], lv["type"], low=lv["min"], high=lv["max"], step=lv.get("step")))
    objectives = tuple(Objective(o["metric"], o["direction"]) for o in section["objectives"])
    constraints = []
    for i, c in enumerate(section.get("constraints", [])):
        if c["metric"] not in names:
            raise ConfigError(f"{file}: at /optimise/constraints/{i}/metric: expected the name of a metric "
                              f"(govsim describe --metrics), got \"{c['metric']}\"")
        key = "at_most" if "at_most" in c else "at_least"
        constraints.append(Constraint(c["metric"], c[key], key == "at_most"))
    return SearchSpace(tuple(levers), objectives, tuple(constraints), int(section.get("evaluations", 40)),
                       int(section.get("population", 8)), section.get("final_runs"), section.get("seed"),
                       str(section.get("sampler", "nsga2")), file,
                       tuple((str(p["name"]), str(p["file"])) for p in section.get("place", [])),
                       bool(section.get("warm_start", False)))


def search_space(config: Any) -> SearchSpace:
    """The search space of a :class:`govsim.Config` (ConfigError if it has no ``optimise`` section)."""
    section = config.to_dict().get("optimise")
    if section is None:
        raise ConfigError(f"{config.file}: at /: expected an \"optimise\" section (docs/optimisation.md), got none")
    return from_section(section, config.file)
