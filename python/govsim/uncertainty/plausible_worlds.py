"""Plausible worlds used by the analyses: a worlds.csv written by ``govsim worlds`` read as a
design (robustness draws its worlds from it, sensitivity samples the box it spans, discovery
keeps the worlds inside it), the shipped set of a territory (``data/worlds/<territory>/``) found
by default, and the record of where a run's worlds came from (``worlds_source.json``)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core import ConfigError
from .uncertainty_space import space, unit_of_values

SOURCE_FILE = "worlds_source.json"


def _worlds_file(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    return p / "worlds.csv" if p.is_dir() else p


def read_worlds(path: str | os.PathLike[str], parameters: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
    """The plausible worlds of a worlds.csv (or a directory holding one) as (parameter names,
    unit-hypercube rows): the columns naming varied assumptions (or ``parameters``, each of
    which must be one of them)."""
    p = _worlds_file(path)
    try:
        df = pd.read_csv(p)
    except FileNotFoundError:
        raise ConfigError(f"{p}: expected a worlds.csv written by govsim worlds, got no such file") from None
    known = set(space()["name"])
    cols = [c for c in df.columns if c in known]
    if parameters is not None:
        missing = [n for n in parameters if n not in cols]
        if missing:
            raise ConfigError(f"{p}: at /columns: expected the parameters {missing} (--parameters), got none of them")
        cols = list(parameters)
    if not cols or df.empty:
        raise ConfigError(f"{p}: at /: expected one row per world and columns naming varied assumptions, got "
                          f"{len(df)} rows and columns {list(df.columns)[:5]}")
    return cols, unit_of_values(cols, df[cols])


def plausible_design(path: str | os.PathLike[str], parameters: Sequence[str] | None, samples: int | None,
                     seed: int) -> tuple[list[str], np.ndarray, dict[str, Any]]:
    """A robustness design from plausible worlds: all of them, or ``samples`` drawn without
    replacement (seeded). Returns names, unit rows and the source record."""
    names, unit = read_worlds(path, parameters)
    total = len(unit)
    if samples is not None and int(samples) < total:
        pick = np.sort(np.random.default_rng(seed).choice(total, int(samples), replace=False))
        unit = unit[pick]
    varied = set(space()["name"])
    return names, unit, {"worlds": "plausible", "file": str(_worlds_file(path)), "n_plausible": total,
                         "n_used": len(unit), "held_at_default": sorted(varied - set(names))}


def plausible_box(path: str | os.PathLike[str], parameters: Sequence[str] | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The box the plausible worlds span, in quantile coordinates: names, lower and upper corners."""
    names, unit = read_worlds(path, parameters)
    return names, unit.min(axis=0), unit.max(axis=0)


def inside_box(values: pd.DataFrame, path: str | os.PathLike[str]) -> np.ndarray:
    """Which rows of ``values`` (parameter columns) lie within the plausible worlds' box, on the
    parameters both share."""
    names, lo, hi = plausible_box(path)
    shared = [(j, n) for j, n in enumerate(names) if n in values.columns]
    if not shared:
        raise ConfigError(f"{_worlds_file(path)}: expected parameters shared with the robustness run, got none")
    u = unit_of_values([n for _, n in shared], values[[n for _, n in shared]])
    j = [k for k, _ in shared]
    eps = 1e-9
    return ((u >= lo[j] - eps) & (u <= hi[j] + eps)).all(axis=1)


def default_worlds(config_path: str | os.PathLike[str] | None, territory: str | None) -> Path | None:
    """The shipped plausible worlds of ``territory`` (``data/worlds/<territory>/worlds.csv``), looked up
    from the working directory and then from the config file's directory upwards; None if there are none."""
    if not isinstance(territory, str) or not territory or "/" in territory or "." in territory:
        return None
    rel = Path("data") / "worlds" / territory / "worlds.csv"
    starts = [Path.cwd()]
    if config_path is not None:
        starts += list(Path(config_path).resolve().parents)
    for d in starts:
        if (d / rel).is_file():
            return d / rel
    return None


def write_worlds_source(out: str | os.PathLike[str], source: dict[str, Any]) -> None:
    d = Path(out)
    d.mkdir(parents=True, exist_ok=True)
    (d / SOURCE_FILE).write_text(json.dumps(source, indent=1) + "\n", encoding="utf-8")


def worlds_source(out: str | os.PathLike[str]) -> dict[str, Any]:
    """Where the worlds of a robustness run came from: {"worlds": "prior"} or {"worlds":
    "plausible", "file": ..., ...}; {"worlds": "unrecorded"} for a run without the record (runs
    made before it existed, or merged shards)."""
    p = Path(out) / SOURCE_FILE
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"worlds": "unrecorded"}
