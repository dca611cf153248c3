"""Targets against the model: the simulated value of each target (mean over the replicates of
the config's baseline on the target's territory) and the observed-vs-simulated table that
``govsim targets check`` prints."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import _core
from .._core import ConfigError
from .targets import Target, TargetSet


def _config_doc(config: str | os.PathLike[str]) -> tuple[dict[str, Any], Path]:
    path = Path(config)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{config}: expected an existing config file, got no such file") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{config}: at line {e.lineno}: expected valid JSON, got {e.msg}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{config}: at /: expected an object, got {type(doc).__name__}")
    return doc, path.parent


def _group_key(t: Target, ts: TargetSet) -> str:
    params = dict(ts.territory_parameters.get(t.territory, {})) if isinstance(t.territory, str) else {}
    params.update(t.parameters)
    return json.dumps([t.territory, params], sort_keys=True)


def replicate_values(config: str | os.PathLike[str], targets: TargetSet, overrides: Mapping[str, Any] | None = None,
                     runs: int | None = None, threads: int = 0, select: Sequence[Target] | None = None,
                     base: Mapping[str, Any] | None = None) -> dict[str, list[float]]:
    """Simulated value of each target (by name) in every replicate of the config's baseline.

    ``base`` parameters apply under the targets' own (a target's territory parameters, e.g. the
    national scale, win); ``overrides`` apply on top of everything, to every run. Groups of
    targets sharing a territory and parameters share their runs; a group of week-0 targets only
    runs one week.
    """
    doc, base_dir = _config_doc(config)
    chosen = list(select) if select is not None else targets.targets
    groups: dict[str, list[Target]] = {}
    for t in chosen:
        groups.setdefault(_group_key(t, targets), []).append(t)
    out: dict[str, list[float]] = {}
    for key, ts in groups.items():
        territory, params = json.loads(key)
        d = json.loads(json.dumps(doc))
        d["territory"] = territory
        d.pop("sweep", None)
        merged = dict(d.get("parameters", {}))
        merged.update(base or {})
        merged.update(params)
        if all(t.initial for t in ts):
            merged["sim.horizon_weeks"] = 1  # week-0 shares: no need to run the horizon
        d["parameters"] = merged
        pairs = [(k, _text(v)) for k, v in (overrides or {}).items()]
        exp = _core.Experiment.from_dict(d, str(config), str(base_dir), pairs)
        n = runs if runs else int(exp.runs)
        res = _core.simulate(exp, int(exp.baseline), 0, n, threads)
        for t in ts:
            if t.initial:
                q = t.quantity[len("initial:"):]
                vals = [r["initial"].get(q) for r in res]
                if any(v is None for v in vals):
                    raise ConfigError(f"{targets.file}: target {t.name!r}: expected a week-0 share the model "
                                      f"measures, got {q!r}")
            elif t.change:
                q = t.quantity[len("change:"):]
                vals = [r["metrics"][q] - r["initial"][q] for r in res]
            else:
                vals = [r["metrics"][t.quantity] for r in res]
            out[t.name] = [float(v) for v in vals]
    return out


def evaluate(config: str | os.PathLike[str], targets: TargetSet, overrides: Mapping[str, Any] | None = None,
             runs: int | None = None, threads: int = 0, select: Sequence[Target] | None = None) -> dict[str, float]:
    """Simulated value of each target (by name): mean over the replicates of the config's baseline
    (:func:`replicate_values`; ``overrides`` apply on top of the config and the targets' own
    parameters, to every run)."""
    return {k: float(sum(v) / len(v)) for k, v in replicate_values(config, targets, overrides, runs, threads,
                                                                      select).items()}


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


# The model with cohort renewal only: nobody learns (in or outside mediation) and nobody starts
# using the internet (scripts/decompose_illectronisme.py switches the same parameters).
NO_LEARNING = {"learning.outside_mediation_yearly": 0, "learning.internet_adoption_yearly": 0,
               "learning.internet_adoption_yearly_basic_skill": 0, "mediation.skill_gain_per_session": 0}


@dataclass
class Row:
    target: Target
    simulated: float
    demography_alone: float | None = None  # trend rows: the same change with cohort renewal only

    @property
    def passed(self) -> bool:
        return abs(self.simulated - self.target.value) <= self.target.tolerance * (1 + 1e-9)


def check(config: str | os.PathLike[str], targets: TargetSet, overrides: Mapping[str, Any] | None = None,
          runs: int | None = None, threads: int = 0, role: str = "all") -> list[Row]:
    """Every target (or those of ``role``) with its simulated value; trend rows (``change:``) also
    with what demography alone gives (the same runs without any learning, ``NO_LEARNING``)."""
    chosen = [t for t in targets.targets if role == "all" or t.role == role]
    sim = evaluate(config, targets, overrides, runs, threads, chosen)
    trends = [t for t in chosen if t.change]
    alone = evaluate(config, targets, {**(overrides or {}), **NO_LEARNING}, runs, threads, trends) if trends else {}
    return [Row(t, sim[t.name], alone.get(t.name)) for t in chosen]


def _fmt(v: float) -> str:
    return f"{v:.4g}" if abs(v) >= 10 else f"{v:.3f}"


def format_rows(rows: Sequence[Row]) -> str:
    """The table printed by ``govsim targets check`` (plain text, one target per line)."""
    head = ["target", "territory", "year", "role", "observed", "simulated", "tolerance", "verdict"]
    body = [[r.target.name, str(r.target.territory), str(r.target.year), r.target.role, _fmt(r.target.value),
             _fmt(r.simulated), "±" + _fmt(r.target.tolerance), "pass" if r.passed else "FAIL"] for r in rows]
    if any(r.demography_alone is not None for r in rows):
        head.append("demography alone")
        for row, r in zip(body, rows):
            row.append("" if r.demography_alone is None else _fmt(r.demography_alone))
    width = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    lines = ["  ".join(c.ljust(width[i]) if i < 4 else c.rjust(width[i]) for i, c in enumerate(row)) for row in [head] + body]
    lines.insert(1, "  ".join("-" * w for w in width))
    return "\n".join(lines)


def rows_markdown(rows: Sequence[Row]) -> str:
    """The same table in Markdown (docs/calibration.md)."""
    trend = any(r.demography_alone is not None for r in rows)
    out = ["| target | territory | year | role | observed | simulated | tolerance | verdict | "
           + ("demography alone | " if trend else "") + "source |",
           "|---|---|---|---|---:|---:|---:|---|" + ("---:|" if trend else "") + "---|"]
    for r in rows:
        t = r.target
        extra = (("" if r.demography_alone is None else _fmt(r.demography_alone)) + " | ") if trend else ""
        out.append(f"| {t.name} | {t.territory} | {t.year} | {t.role} | {_fmt(t.value)} | {_fmt(r.simulated)} | "
                   f"±{_fmt(t.tolerance)} | {'pass' if r.passed else 'FAIL'} | {extra}{t.source['reference']} |")
    return "\n".join(out)
