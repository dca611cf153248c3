"""``govsim.optimise``: the search, the final front and the files of the output folder
(``study.sqlite3``, ``evaluations/``, ``final/``, ``evaluations.csv``, ``hypervolume.csv``,
``pareto.csv``, ``designs/*.json``, ``optimise.json``; docs/optimisation.md)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import _core, relay
from .._core import ConfigError
from ..api import Config, Overrides, PathArg, ProgressArg, _as_config
from .evaluation import Evaluator, ModelEvaluator, Replicates, design_name
from .robust import REGRET_NOTE, RobustEvaluator, robust_columns
from .placed import PLACED_CSV, PLACED_DIR, place, warm_start_designs
from .front import FinalFront, hypervolume_history, re_evaluate, reach, search_front
from .search import STUDY_FILE, _optuna, completed, merged_trials, run_search, trial_means
from .space import SearchSpace, search_space

OUTPUTS = (STUDY_FILE, "evaluations", "final", "designs", "evaluations.csv", "hypervolume.csv", "pareto.csv",
           "optimise.json", PLACED_DIR, PLACED_CSV)


@dataclass
class Optimisation:
    """What :func:`optimise` returns (and writes to ``path``)."""

    path: Path
    front: pd.DataFrame
    """pareto.csv: one row per design on the final front: levers, then each metric with its 95%
    interval (``_ci_low``/``_ci_high``) and its paired difference from the baseline (``_diff``...)."""
    evaluated: pd.DataFrame
    """evaluations.csv: every evaluated design, its levers, search means and feasibility."""
    hypervolume: pd.DataFrame
    """hypervolume.csv: the front's hypervolume after each evaluation."""
    baseline: dict[str, float]
    placed: pd.DataFrame | None = None
    """placed.csv: the section's ``place`` scenarios at the final replicates (None without)."""
    reach: dict[str, Any] | None = None
    summary: dict[str, Any] = field(default_factory=dict)


def _metric_lists(space: SearchSpace) -> list[str]:
    """The metrics each design keeps: the search's, the headline ones and the cost metric."""
    heads = [str(m["name"]) for m in _core.metrics() if m["headline"] or "cost" in m.get("roles", [])]
    return list(dict.fromkeys(space.metrics + heads))


def cost_metric() -> str:
    """The model's cost metric (its role in metrics.def)."""
    return next(str(m["name"]) for m in _core.metrics() if "cost" in m.get("roles", []))


def _prepare_out(out: Path, resume: bool, force: bool) -> None:
    if (out / STUDY_FILE).exists() and not (resume or force):
        raise ConfigError(f"--out: at {out}: expected a folder without a search, got one already there "
                          f"(continue it with --resume, or replace it with --force)")
    if force:
        for name in OUTPUTS:
            p = out / name
            shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)


def _front_table(space: SearchSpace, final: FinalFront, designs: list[dict[str, Any]], names: list[str],
                 metrics: list[str]) -> pd.DataFrame:
    rep: Replicates = final.replicates
    rows = []
    for k, d in enumerate(designs):
        if not final.kept[k]:
            continue
        row: dict[str, Any] = {"design": names[k]}
        row.update(d)
        for m in metrics:
            row[m], row[f"{m}_ci_low"], row[f"{m}_ci_high"] = rep.interval(k + 1, m)
            row[f"{m}_diff"], row[f"{m}_diff_ci_low"], row[f"{m}_diff_ci_high"] = rep.paired(k + 1, 0, m)
        rows.append(row)
    df = pd.DataFrame(rows)
    return df.sort_values(space.objectives[0].metric, ascending=space.objectives[0].direction == "minimise") \
        .reset_index(drop=True) if len(df) else df


def extending_baseline(cfg: Config, levers: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """The ``extends`` and ``parameters`` of a scenario file in ``folder`` that is ``cfg``'s
    baseline with ``levers``: it extends the baseline's file (a path relative to ``folder`` when
    they share more than the root), or, for an inline baseline, repeats its parameters."""
    info = cfg.to_dict()["scenarios"][cfg.scenarios.index(cfg.baseline)]
    base_file = info.get("file") or None
    if not base_file:
        return {"parameters": {**dict(info.get("parameters") or {}), **levers}}
    base, here = Path(base_file).resolve(), folder.resolve()
    rel = os.path.relpath(base, here) if os.path.commonpath([base, here]) != "/" else str(base)
    return {"extends": rel, "parameters": dict(levers)}


def _write_designs(cfg: Config | None, front: pd.DataFrame, space: SearchSpace, folder: Path) -> list[Path]:
    """designs/<name>.json: a scenario extending the baseline's file with the design's levers."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    paths = []
    for _, row in front.iterrows():
        levers = {lv.name: _plain(row[lv.name]) for lv in space.levers}
        doc: dict[str, Any] = {"name": row["design"], "title": f"Design {row['design']} (govsim optimise)",
                               "description": "A design on the Pareto front of govsim optimise: the baseline with "
                                              "these levers (the config's own parameters and --set still apply "
                                              "when run in it)."}
        doc.update(extending_baseline(cfg, levers, folder) if cfg is not None else {"parameters": levers})
        p = folder / f"{row['design']}.json"
        p.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if cfg is not None:
            _core.load_scenario(str(p))  # as govsim validate: a design that would not load is a bug
        paths.append(p)
    return paths


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else v


def optimise(config: Config | PathArg | Mapping[str, Any], evaluations: int | None = None, runs: int | None = None,
             threads: int = 0, out: PathArg | None = None, progress: ProgressArg = True, overrides: Overrides = None,
             *, resume: bool = False, force: bool = False, final_runs: int | None = None, seed: int | None = None,
             target: tuple[str, str, float] | None = None, budget: float | None = None,
             evaluator: Evaluator | None = None, space: SearchSpace | None = None,
             merge: Sequence[PathArg] | None = None, time_limit: float | None = None,
             robust: bool = False, worlds: PathArg | None = None) -> Optimisation | None:
    """Multi-objective search over the levers of the config's ``optimise`` section (Optuna NSGA-II).

    Each batch of designs runs against the baseline on common random numbers (``runs``
    replicates, the config's seed); the study lives in ``out/study.sqlite3``: ``resume=True``
    continues it (a larger ``evaluations`` adds designs), ``force=True`` starts again. The front
    is re-evaluated with ``final_runs`` replicates (default: the section's, else 4 x runs) and a
    design stays on it only if no other beats it beyond the 95% interval on every objective.
    ``target=(metric, "<=" | ">=", value)`` with ``budget`` (of the cost metric) asks whether any
    evaluated design reaches it. ``evaluator`` replaces the model (tests); then ``space`` gives
    the search space and ``config`` may be None.

    Under ``mpirun -n N`` (the CLI, or a script whose every rank calls this): rank 0 runs the
    search and writes every file; each batch's runs are spread over the ranks (relay.py), whose
    results are those of one process. Ranks other than 0 return None (or raise rank 0's error).
    """
    if relay.following():
        relay.follow()
        return None
    with relay.leading():
        return _optimise(config, evaluations, runs, threads, out, progress, overrides, resume=resume, force=force,
                         final_runs=final_runs, seed=seed, target=target, budget=budget, evaluator=evaluator,
                         space=space, merge=merge, time_limit=time_limit, robust=robust, worlds=worlds)


def _optimise(config: Config | PathArg | Mapping[str, Any] | None, evaluations: int | None, runs: int | None,
              threads: int, out: PathArg | None, progress: ProgressArg, overrides: Overrides, *, resume: bool,
              force: bool, final_runs: int | None, seed: int | None, target: tuple[str, str, float] | None,
              budget: float | None, evaluator: Evaluator | None, space: SearchSpace | None,
              merge: Sequence[PathArg] | None, time_limit: float | None, robust: bool,
              worlds: PathArg | None) -> Optimisation:
    t0 = time.time()
    cfg = None if evaluator is not None and config is None else _as_config(config, overrides)
    space = space if space is not None else search_space(cfg)
    runs = int(runs if runs is not None else (cfg.runs if cfg is not None else 10))
    evaluations = int(evaluations if evaluations is not None else space.evaluations)
    final_runs = int(final_runs or space.final_runs or 4 * runs)
    seed = int(seed if seed is not None else (space.seed if space.seed is not None else (cfg.seed if cfg else 1)))
    for name, v, lo in (("runs", runs, 2), ("evaluations", evaluations, 1), ("final-runs", final_runs, 2)):
        if v < lo:
            raise ConfigError(f"--{name}: at {v}: expected an integer >= {lo}, got {v}")
    if target is not None and target[0] not in _core_metric_names():
        raise ConfigError(f"--target: at {target[0]}: expected the name of a metric, got \"{target[0]}\"")
    out_dir = Path(tempfile.mkdtemp(prefix="govsim-optimise-")) if out is None else Path(out)
    if merge and any(Path(d).resolve() == out_dir.resolve() for d in merge):
        raise ConfigError(f"--out: at {out_dir}: expected a folder other than the searches merged, got one of them")
    _prepare_out(out_dir, resume, force)
    out_dir.mkdir(parents=True, exist_ok=True)
    show = bool(progress) and not callable(progress)
    if robust and evaluator is None:
        ev: Evaluator = RobustEvaluator(cfg, worlds, threads, progress=show)
        space = dataclasses.replace(space, robust=str(ev.source.get("file", "prior")))
    else:
        ev = evaluator if evaluator is not None else ModelEvaluator(cfg, threads, progress=show)
    metrics = _metric_lists(space)
    if merge:
        trials, labels, baseline = merged_trials([Path(d) for d in merge], space, runs)
        warm: list[dict[str, Any]] = []
    else:
        warm = warm_start_designs(cfg, space) if space.warm_start and cfg is not None else []
        study = run_search(space, ev, out_dir, runs, evaluations, seed, metrics, progress=show, resume=resume,
                           warm=warm, time_limit=time_limit)
        trials = completed(study)
        labels = [design_name(t.user_attrs["index"]) for t in trials]
        baseline = dict(study.user_attrs["baseline"])
    metrics = [m for m in metrics if m in baseline]
    designs = [dict(t.params) for t in trials]
    means = [trial_means(t) for t in trials]
    evaluated = pd.DataFrame([{"design": name, "batch": t.user_attrs["batch"],
                               **d, **m, "feasible": all(v <= 0 for v in t.user_attrs["constraints"])}
                              for name, t, d, m in zip(labels, trials, designs, means)])
    hv = hypervolume_history(space, means, baseline)
    idx = search_front(space, designs, means, baseline)
    final = re_evaluate(space, ev, [designs[i] for i in idx], final_runs, out_dir / "final")
    names = [labels[i] for i in idx]
    front = _front_table(space, final, [designs[i] for i in idx], names, metrics)
    if robust:  # P(beats the baseline) and the regrets across the front's worlds
        front = robust_columns(front, final.replicates, names, final.feasible, space)
    evaluated.to_csv(out_dir / "evaluations.csv", index=False)
    hv.to_csv(out_dir / "hypervolume.csv", index=False)
    front.to_csv(out_dir / "pareto.csv", index=False)
    _write_designs(cfg, front, space, out_dir / "designs")
    placed = None
    if space.place and cfg is not None and (not robust or isinstance(ev, RobustEvaluator)):
        kept_names = [names[k] if final.kept[k] else None for k in range(len(names))]
        placed = place(cfg, space, final_runs, out_dir, final.replicates, kept_names, metrics, threads, show,
                       worlds=ev if robust else None)
    answer = None
    if target is not None:
        # The best estimate of each design: the final front's for its designs, else the search's.
        best = evaluated.set_index("design")
        best["replicates"] = runs
        if len(front):
            cols = [c for c in best.columns if c in front.columns and c != "design"]
            best.loc[front["design"], cols] = front.set_index("design")[cols].to_numpy()
            best.loc[front["design"], "replicates"] = final_runs
        answer = reach(best.reset_index(), target[0], target[1] == "<=", float(target[2]), cost_metric(), budget)
    summary = {
        "config": cfg.file if cfg is not None else None, "evaluations": len(trials), "runs": runs,
        "final_runs": final_runs, "seed": seed, "population": space.population,
        "optimiser": "optuna " + ("TPESampler" if space.sampler == "tpe" else "NSGAIISampler"),
        "optuna_version": _optuna().__version__,
        "levers": space.lever_names, "objectives": [o.__dict__ for o in space.objectives],
        "constraints": [c.text() for c in space.constraints], "baseline": baseline,
        "front": front["design"].tolist() if len(front) else [],
        "final_candidates": names,  # the designs of final/ in order (candidate-000, ...)
        "dropped": [{"design": names[k], "beaten_by": names[b] if b is not None else None,
                     "feasible": final.feasible[k]} for k, b in enumerate(final.beaten_by) if not final.kept[k]],
        "hypervolume": float(hv["hypervolume"].iloc[-1]) if len(hv) else 0.0,
        "merged": [str(d) for d in merge] if merge else [], "time_limit": time_limit,
        "robust": {**getattr(ev, "source", {}), "regret": REGRET_NOTE} if robust else None,
        "reach": answer, "placed": [n for n, _ in space.place], "warm_start": len(warm),
        "wall_seconds": round(time.time() - t0, 1),
    }
    (out_dir / "optimise.json").write_text(json.dumps(summary, indent=2, default=str) + "\n", encoding="utf-8")
    return Optimisation(out_dir, front, evaluated, hv, baseline, placed, answer, summary)


def _core_metric_names() -> set[str]:
    return {str(m["name"]) for m in _core.metrics()}
