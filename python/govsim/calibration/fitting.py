"""The fit of free parameters to the ``fit`` targets (``govsim calibrate``): Optuna's seeded TPE
in a resumable SQLite study, and the best set written as a parameters file with provenance."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import _core
from .._core import ConfigError
from .evaluation import Row, evaluate
from .targets import TargetSet


def _parse_free(items: Sequence[str]) -> dict[str, tuple[float, float, bool]]:
    reg = {p["name"]: p for p in _core.parameters()}
    out: dict[str, tuple[float, float, bool]] = {}
    for s in items:
        name, eq, rng = s.partition("=")
        lo, colon, hi = rng.partition(":")
        try:
            a, b = float(lo), float(hi)
        except ValueError:
            a = b = float("nan")
        if not eq or not colon or not (a < b):
            raise ConfigError(f"--free: at {s}: expected NAME=MIN:MAX with MIN < MAX, got '{s}'")
        if name not in reg:
            raise ConfigError(f"--free: at {name}: expected a declared parameter name, got unknown parameter \"{name}\"")
        p = reg[name]
        if p["type"] not in ("real", "integer"):
            raise ConfigError(f"--free: at {name}: expected a real or integer parameter, got a {p['type']} parameter")
        if (p.get("min") is not None and a < p["min"]) or (p.get("max") is not None and b > p["max"]):
            raise ConfigError(f"--free: at {name}: expected a range within [{p['min']}, {p['max']}], got [{a}, {b}]")
        out[name] = (a, b, p["type"] == "integer")
    if not out:
        raise ConfigError("--free: expected at least one free parameter NAME=MIN:MAX, got none")
    return out


def objective_value(rows: Sequence[Row]) -> float:
    """Sum over the fitted targets of ((simulated - observed) / tolerance)^2."""
    return float(sum(((r.simulated - r.target.value) / r.target.tolerance) ** 2 for r in rows))


OBJECTIVE_TEXT = "sum over fit targets of ((simulated - observed) / tolerance)^2, simulated = mean over replicates"


def calibrate(config: str | os.PathLike[str], targets: TargetSet, free: Mapping[str, tuple[float, float, bool]],
              trials: int, storage: str, study_name: str, seed: int, jobs: int = 1, runs: int | None = None,
              progress: bool = True) -> Any:
    """Fits the free parameters to the ``fit`` targets with Optuna (TPE, seeded), in a resumable study.

    The study lives in ``storage`` (an SQLite file): rerunning with the same study name adds
    trials to it (resume); ``jobs`` trials run at once, each simulation using the cores left.
    """
    try:
        import optuna
    except ImportError:
        raise RuntimeError("govsim calibrate needs Optuna: pip install 'govsim[calibrate]' (or optuna)") from None
    fit_targets = [t for t in targets.targets if t.role == "fit"]
    if not fit_targets:
        raise ConfigError(f"{targets.file}: at /targets: expected at least one target with role \"fit\", got none")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    url = storage if "://" in storage else "sqlite:///" + str(Path(storage).resolve())
    Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True) if url.startswith("sqlite:///") else None
    study = optuna.create_study(study_name=study_name, storage=url, load_if_exists=True, direction="minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed))
    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))

    def objective(trial: Any) -> float:
        values: dict[str, Any] = {}
        for name, (lo, hi, integer) in free.items():
            values[name] = trial.suggest_int(name, int(lo), int(hi)) if integer else trial.suggest_float(name, lo, hi)
        sim = evaluate(config, targets, values, runs, threads, fit_targets)
        rows = [Row(t, sim[t.name]) for t in fit_targets]
        for r in rows:
            trial.set_user_attr(r.target.name, r.simulated)
        return objective_value(rows)

    done = len([t for t in study.trials if t.state.name == "COMPLETE"])
    left = max(0, trials - done)
    if left:
        study.optimize(objective, n_trials=left, n_jobs=jobs, show_progress_bar=progress)
    return study


def write_parameters(path: str | os.PathLike[str], study: Any, targets: TargetSet, free: Mapping[str, Any],
                     config: str, seed: int, rows: Sequence[Row]) -> dict[str, Any]:
    """Writes the best trial as a parameters file with provenance (configs include it with
    ``"parameter_files"``)."""
    best = study.best_trial
    doc = {
        "description": f"Parameters fitted by `govsim calibrate` to {targets.file}",
        "parameters": {k: (int(v) if free[k][2] else float(v)) for k, v in best.params.items()},
        "provenance": {
            "command": "govsim calibrate",
            "config": str(config),
            "targets_file": targets.file,
            "fitted_targets": [t.name for t in targets.targets if t.role == "fit"],
            "held_out_targets": [t.name for t in targets.targets if t.role == "holdout"],
            "free_parameters": {k: [v[0], v[1]] for k, v in free.items()},
            "objective": OBJECTIVE_TEXT,
            "objective_value": float(best.value),
            "optimizer": "optuna TPESampler",
            "optuna_version": __import__("optuna").__version__,
            "trials": len(study.trials),
            "best_trial": int(best.number),
            "seed": seed,
            "govsim_version": _core.__version__,
            "git_commit": _core.git_commit,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "fit": [{"target": r.target.name, "role": r.target.role, "observed": r.target.value,
                     "simulated": r.simulated, "tolerance": r.target.tolerance, "pass": r.passed} for r in rows],
        },
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return doc
