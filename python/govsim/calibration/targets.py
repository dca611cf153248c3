"""Calibration targets: a targets file (``data/targets/*.json``) read and checked into
:class:`Target` values (every error names the file, the JSON pointer and what was expected)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import _core
from .._core import ConfigError

ROLES = ("fit", "holdout")
_TARGET_KEYS = {"name", "quantity", "value", "tolerance", "territory", "year", "role", "source", "parameters"}
_INITIAL_NAMES = ("illectronisme_rate", "no_home_internet_rate", "home_internet_rate")


@dataclass
class Target:
    """One published figure the model must reproduce within ``tolerance``."""

    name: str
    quantity: str
    value: float
    tolerance: float
    territory: Any
    year: int
    role: str
    source: dict[str, Any]
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def initial(self) -> bool:
        return self.quantity.startswith("initial:")

    @property
    def change(self) -> bool:
        """A trend target: the end metric minus its week-0 value (``change:NAME[@group:value]``)."""
        return self.quantity.startswith("change:")


@dataclass
class TargetSet:
    file: str
    description: str
    targets: list[Target]
    territory_parameters: dict[str, dict[str, Any]]


def _fail(file: str, pointer: str, expected: str, found: Any) -> ConfigError:
    return ConfigError(f"{file}: at {pointer}: expected {expected}, got {found}")


def load_targets(path: str | os.PathLike[str]) -> TargetSet:
    """Loads and checks a targets file; raises ConfigError naming file, JSON pointer and expectation."""
    file = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: expected an existing targets file, got no such file") from None
    except json.JSONDecodeError as e:
        raise ConfigError(f"{file}: at line {e.lineno}: expected valid JSON, got {e.msg}") from None
    if not isinstance(doc, dict):
        raise _fail(file, "/", "an object with a \"targets\" array", type(doc).__name__)
    for k in doc:
        if k not in {"$schema", "description", "targets", "territory_parameters"}:
            raise _fail(file, f"/{k}", "one of the keys description, targets, territory_parameters", f'unknown key "{k}"')
    items = doc.get("targets")
    if not isinstance(items, list) or not items:
        raise _fail(file, "/targets", "a non-empty array of targets", type(items).__name__)
    metrics = {m["name"] for m in _core.metrics()}
    out: list[Target] = []
    for i, t in enumerate(items):
        ptr = f"/targets/{i}"
        if not isinstance(t, dict):
            raise _fail(file, ptr, "an object", type(t).__name__)
        for k in t:
            if k not in _TARGET_KEYS:
                raise _fail(file, f"{ptr}/{k}", "one of the keys " + ", ".join(sorted(_TARGET_KEYS)), f'unknown key "{k}"')
        for k in ("name", "quantity", "value", "tolerance", "territory", "year", "role", "source"):
            if k not in t:
                raise _fail(file, ptr, f'a "{k}" key', "none")
        if not isinstance(t["name"], str) or not t["name"]:
            raise _fail(file, f"{ptr}/name", "a non-empty string", repr(t["name"]))
        q = t["quantity"]
        if not isinstance(q, str):
            raise _fail(file, f"{ptr}/quantity", "a string", repr(q))
        if q.startswith("initial:"):
            base = q[len("initial:"):].split("@", 1)[0]
            if base not in _INITIAL_NAMES:
                raise _fail(file, f"{ptr}/quantity", "initial:" + "|".join(_INITIAL_NAMES) + "[@group:value]", repr(q))
        elif q.startswith("change:"):
            rest = q[len("change:"):]
            if rest.split("@", 1)[0] not in _INITIAL_NAMES or rest not in metrics:
                raise _fail(file, f"{ptr}/quantity", "change:" + "|".join(
                    n for n in _INITIAL_NAMES if n in metrics) + "[@group:value] (an end metric also measured at week 0)",
                    repr(q))
        elif q not in metrics:
            raise _fail(file, f"{ptr}/quantity", "initial:NAME, change:NAME or an end metric (govsim describe --metrics)",
                        repr(q))
        for k in ("value", "tolerance"):
            v = t[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise _fail(file, f"{ptr}/{k}", "a finite number", repr(v))
        if t["tolerance"] <= 0:
            raise _fail(file, f"{ptr}/tolerance", "a positive number", repr(t["tolerance"]))
        if not isinstance(t["year"], int) or isinstance(t["year"], bool):
            raise _fail(file, f"{ptr}/year", "an integer year", repr(t["year"]))
        if t["role"] not in ROLES:
            raise _fail(file, f"{ptr}/role", "fit or holdout", repr(t["role"]))
        src = t["source"]
        if not isinstance(src, dict) or not isinstance(src.get("reference"), str) or not src["reference"]:
            raise _fail(file, f"{ptr}/source", 'an object with a non-empty "reference"', repr(src))
        params = t.get("parameters", {})
        if not isinstance(params, dict):
            raise _fail(file, f"{ptr}/parameters", "an object {name: value}", type(params).__name__)
        out.append(Target(t["name"], q, float(t["value"]), float(t["tolerance"]), t["territory"], t["year"],
                          t["role"], src, dict(params)))
    tp = doc.get("territory_parameters", {})
    if not isinstance(tp, dict) or not all(isinstance(v, dict) for v in tp.values()):
        raise _fail(file, "/territory_parameters", "an object {territory: {name: value}}", repr(tp))
    return TargetSet(file, str(doc.get("description", "")), out, tp)


def load_target_files(files: list[str]) -> TargetSet:
    """Several targets files as one set (target names must be unique across them)."""
    sets = [load_targets(f) for f in files]
    ts = TargetSet(",".join(str(f) for f in files), "", [t for s in sets for t in s.targets],
                   {k: v for s in sets for k, v in s.territory_parameters.items()})
    names = [t.name for t in ts.targets]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ConfigError(f"{ts.file}: at /targets: expected unique target names, got duplicates {sorted(dup)}")
    return ts
