"""Calibration targets, their check against the model, and the fit of free parameters.

``govsim targets check CONFIG [--targets FILE]`` and ``govsim calibrate CONFIG --targets FILE``
run this module (the ``govsim`` executable hands these commands to the Python interpreter beside
it, as it does for ``govsim report``). See ``docs/calibration.md``.

A targets file (``data/targets/*.json``)::

    {"description": "...",
     "territory_parameters": {"france": {"sim.population_scale": 0.002}},
     "targets": [{"name": "...", "quantity": "initial:illectronisme_rate@age:75+", "value": 0.67,
                  "tolerance": 0.02, "territory": "france", "year": 2019, "role": "fit",
                  "source": {"reference": "Insee Analyses n°85 (2023)", "url": "...", "note": "..."},
                  "parameters": {"sim.horizon_weeks": 104}}]}

``quantity`` is ``initial:NAME`` (a share measured on the generated population at week 0:
``illectronisme_rate``, ``no_home_internet_rate``, ``home_internet_rate``, each optionally
``@age:…``, ``@density:…``, ``@diploma:none|secondary|higher``, ``@income:low40|middle|top20``)
or the name of an end metric of a run (``govsim describe --metrics``); the simulated value is
the mean over the replicates of the config's baseline scenario on the target's territory.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _core
from ._core import ConfigError

__all__ = ["Target", "load_targets", "evaluate", "check", "calibrate", "main"]

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
        elif q not in metrics:
            raise _fail(file, f"{ptr}/quantity", "initial:NAME or an end metric (govsim describe --metrics)", repr(q))
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


def evaluate(config: str | os.PathLike[str], targets: TargetSet, overrides: Mapping[str, Any] | None = None,
             runs: int | None = None, threads: int = 0, select: Sequence[Target] | None = None) -> dict[str, float]:
    """Simulated value of each target (by name): mean over the replicates of the config's baseline.

    ``overrides`` apply on top of the config (and of the targets' own parameters) to every run.
    Groups of targets sharing a territory and parameters share their runs; a group of week-0
    targets only runs one week.
    """
    doc, base_dir = _config_doc(config)
    chosen = list(select) if select is not None else targets.targets
    groups: dict[str, list[Target]] = {}
    for t in chosen:
        groups.setdefault(_group_key(t, targets), []).append(t)
    out: dict[str, float] = {}
    for key, ts in groups.items():
        territory, params = json.loads(key)
        d = json.loads(json.dumps(doc))
        d["territory"] = territory
        d.pop("sweep", None)
        merged = dict(d.get("parameters", {}))
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
            else:
                vals = [r["metrics"][t.quantity] for r in res]
            out[t.name] = float(sum(vals) / len(vals))
    return out


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


@dataclass
class Row:
    target: Target
    simulated: float

    @property
    def passed(self) -> bool:
        return abs(self.simulated - self.target.value) <= self.target.tolerance * (1 + 1e-9)


def check(config: str | os.PathLike[str], targets: TargetSet, overrides: Mapping[str, Any] | None = None,
          runs: int | None = None, threads: int = 0, role: str = "all") -> list[Row]:
    """Every target (or those of ``role``) with its simulated value."""
    chosen = [t for t in targets.targets if role == "all" or t.role == role]
    sim = evaluate(config, targets, overrides, runs, threads, chosen)
    return [Row(t, sim[t.name]) for t in chosen]


def _fmt(v: float) -> str:
    return f"{v:.4g}" if abs(v) >= 10 else f"{v:.3f}"


def format_rows(rows: Sequence[Row]) -> str:
    """The table printed by ``govsim targets check`` (plain text, one target per line)."""
    head = ["target", "territory", "year", "role", "observed", "simulated", "tolerance", "verdict"]
    body = [[r.target.name, str(r.target.territory), str(r.target.year), r.target.role, _fmt(r.target.value),
             _fmt(r.simulated), "±" + _fmt(r.target.tolerance), "pass" if r.passed else "FAIL"] for r in rows]
    width = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    lines = ["  ".join(c.ljust(width[i]) if i < 4 else c.rjust(width[i]) for i, c in enumerate(row)) for row in [head] + body]
    lines.insert(1, "  ".join("-" * w for w in width))
    return "\n".join(lines)


AGE_BANDS = ("15-29", "30-44", "45-59", "60-74", "75+")
DENSITIES = ("urban", "periurban", "rural")
DIPLOMAS = ("none", "secondary", "higher")
INCOMES = ("low40", "middle", "top20")


def population_table(config: str | os.PathLike[str], territory: Any | None = None,
                     overrides: Mapping[str, Any] | None = None) -> str:
    """The fitted initial-population model of a territory as Markdown: logit effects, and the
    expected week-0 shares by margin (what ``docs/calibration.md`` shows)."""
    doc, base_dir = _config_doc(config)
    if territory is not None:
        doc["territory"] = territory
    doc.pop("sweep", None)
    pairs = [(k, _text(v)) for k, v in (overrides or {}).items()]
    exp = _core.Experiment.from_dict(doc, str(config), str(base_dir), pairs)
    m = _core.population_model(exp, int(exp.baseline))
    e = m["expected"]
    out = [f"Territory `{doc['territory']}`, figures of: {m['region']}.", "",
           "| margin | logit effect (illectronisme) | expected illectronisme | expected no home internet |",
           "|---|---:|---:|---:|"]
    def row(label: str, eff: float | None, key: str) -> None:
        out.append(f"| {label} | {'' if eff is None else f'{eff:+.3f}'} | {e['illectronisme_rate' + key]:.3f} | "
                   f"{e['no_home_internet_rate' + key]:.3f} |")
    row("all adults", None, "")
    for i, a in enumerate(AGE_BANDS):
        row(f"age {a} (target {m['age_targets'][i]:.3f})", m["age"][i], f"@age:{a}")
    for i, d in enumerate(DENSITIES):
        row(f"density {d}", m["density"][i], f"@density:{d}")
    for i, d in enumerate(DIPLOMAS):
        row(f"diploma {d}", m["diploma"][i], f"@diploma:{d}")
    for i, d in enumerate(INCOMES):
        row(f"income {d}", m["income"][i], f"@income:{d}")
    n = m["no_internet"]
    out += ["", f"No home internet: logit = {n[0]:+.3f} {n[1]:+.3f}·[75+] {n[2]:+.3f}·[no diploma] "
                f"{n[3]:+.3f}·[lacks basic skills]."]
    grad = ", ".join(f"{a} {s:+.3f}/year around {mu:.1f}" for a, s, mu in zip(AGE_BANDS, m["age_slope"], m["age_mean"]))
    q = m["death_rate"]
    out += ["", f"Age effects are at each band's mean age; within a band they change by (logit, per year of age): "
                f"{grad}.", "", "Yearly death rate by age: " +
            ", ".join(f"{x}: {q[x]:.4f}" for x in (20, 40, 60, 70, 75, 80, 85, 90, 95, 100)) + "."]
    return "\n".join(out)


def rows_markdown(rows: Sequence[Row]) -> str:
    """The same table in Markdown (docs/calibration.md)."""
    out = ["| target | territory | year | role | observed | simulated | tolerance | verdict | source |",
           "|---|---|---|---|---:|---:|---:|---|---|"]
    for r in rows:
        t = r.target
        out.append(f"| {t.name} | {t.territory} | {t.year} | {t.role} | {_fmt(t.value)} | {_fmt(r.simulated)} | "
                   f"±{_fmt(t.tolerance)} | {'pass' if r.passed else 'FAIL'} | {t.source['reference']} |")
    return "\n".join(out)


# ---- calibrate --------------------------------------------------------------------------------


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


# ---- command line -----------------------------------------------------------------------------


def _sets(items: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for s in items:
        name, eq, value = s.partition("=")
        if not eq or not name:
            raise ConfigError(f"--set: at {s}: expected name=value (e.g. --set needs.rate_per_year=5), got '{s}'")
        out[name] = value
    return out


DEFAULT_TARGETS = "data/targets/insee-2019.json"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("targets", "calibrate"):
        print("usage: govsim targets check CONFIG [--targets FILE] | govsim calibrate CONFIG --targets FILE --free ...",
              file=sys.stderr)
        return 2
    cmd = argv.pop(0)
    if cmd == "targets":
        p = argparse.ArgumentParser(prog="govsim targets", description=(
            "check: runs the baseline of CONFIG on each target's territory and prints observed vs simulated, "
            "tolerance and verdict per target; exit 0 only if all pass (1 if some fail, 2 on bad input)."),
            epilog="Example:\n  govsim targets check scenarios/experiments/calibration.json --targets data/targets/insee-2019.json",
            formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("action", choices=["check", "table"],
                       help="check: targets vs model; table: the fitted initial-population model of CONFIG's territory")
        p.add_argument("config")
        p.add_argument("--targets", action="append", help=f"targets file (repeatable; default {DEFAULT_TARGETS})")
        p.add_argument("--runs", type=int, help="replicates (default: the config's)")
        p.add_argument("--threads", type=int, default=0)
        p.add_argument("--set", action="append", default=[], help="override a parameter: name=value")
        p.add_argument("--role", choices=["all", "fit", "holdout"], default="all")
        p.add_argument("--markdown", action="store_true", help="print a Markdown table instead")
    else:
        p = argparse.ArgumentParser(prog="govsim calibrate", description=(
            "Fits the free parameters to the targets of role \"fit\" with Optuna (TPE sampler, seeded) in an "
            "SQLite study (rerun to resume), then writes the best set as a parameters file with provenance "
            "and prints every target (held-out ones too) at that set."),
            epilog=("Example:\n  govsim calibrate scenarios/experiments/calibration.json --targets data/targets/activity.json \\\n"
                    "    --free mediation.sessions_per_fte_week=10:40 --trials 60 --jobs 2 --out data/calibration/fitted.json"),
            formatter_class=argparse.RawDescriptionHelpFormatter)
        p.add_argument("config")
        p.add_argument("--targets", required=True, action="append")
        p.add_argument("--free", action="append", default=[], help="free parameter NAME=MIN:MAX (repeatable)")
        p.add_argument("--trials", type=int, default=50, help="total trials in the study (resume adds the missing ones)")
        p.add_argument("--jobs", type=int, default=1, help="trials run in parallel")
        p.add_argument("--runs", type=int, help="replicates per evaluation (default: the config's)")
        p.add_argument("--seed", type=int, default=1, help="sampler seed")
        p.add_argument("--storage", default="results/calibration/study.sqlite3", help="SQLite file of the study")
        p.add_argument("--study", default="govsim-calibration", help="study name in the storage")
        p.add_argument("--out", default="results/calibration/fitted-parameters.json", help="parameters file to write")
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    try:
        a = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0) if e.code in (0, None) else 2
    try:
        if cmd == "targets" and a.action == "table":
            print(population_table(a.config, None, _sets(a.set)))
            return 0
        files = a.targets or [DEFAULT_TARGETS]
        sets = [load_targets(f) for f in files]
        ts = TargetSet(",".join(files), "", [t for s in sets for t in s.targets],
                       {k: v for s in sets for k, v in s.territory_parameters.items()})
        names = [t.name for t in ts.targets]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ConfigError(f"{ts.file}: at /targets: expected unique target names, got duplicates {sorted(dup)}")
        if a.runs is not None and a.runs < 1:
            raise ConfigError(f"--runs: at {a.runs}: expected a positive integer, got {a.runs}")
        if cmd == "targets":
            rows = check(a.config, ts, _sets(a.set), a.runs, a.threads, a.role)
            print(rows_markdown(rows) if a.markdown else format_rows(rows))
            failed = [r for r in rows if not r.passed]
            print(f"\n{len(rows) - len(failed)}/{len(rows)} targets met", file=sys.stderr)
            return 0 if not failed else 1
        free = _parse_free(a.free)
        if a.trials < 1 or a.jobs < 1:
            raise ConfigError(f"--trials/--jobs: at {a.trials}/{a.jobs}: expected positive integers, got {a.trials}/{a.jobs}")
        # Progress bar (trials done, time left) on a terminal only, never under --quiet.
        study = calibrate(a.config, ts, free, a.trials, a.storage, a.study, a.seed, a.jobs, a.runs,
                          not a.quiet and sys.stderr.isatty())
        best = {k: v for k, v in study.best_trial.params.items()}
        rows = check(a.config, ts, best, a.runs, 0, "all")
        write_parameters(a.out, study, ts, free, a.config, a.seed, rows)
        print("best parameters: " + ", ".join(f"{k}={v:.6g}" for k, v in best.items()))
        print(f"objective ({OBJECTIVE_TEXT}): {study.best_value:.4g} after {len(study.trials)} trials")
        print(format_rows(rows))
        print(f"\nwrote {a.out}")
        return 0
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
